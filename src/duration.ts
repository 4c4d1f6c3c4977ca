import { Token } from 'cdktf';

/**
 * A length of time, as used for gunicorn timeouts and container health checks.
 *
 * cdktf 0.21 has no duration type; this one follows aws-cdk's `Duration`. An amount that is
 * negative, not finite or a Terraform token is refused by the construct the duration is given to,
 * with the construct path and the property in the message.
 */
export class Duration {
  /** A duration in milliseconds. */
  public static millis(amount: number): Duration {
    return new Duration(amount, 1, 'ms');
  }

  /** A duration in seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount, 1000, 's');
  }

  /** A duration in minutes. */
  public static minutes(amount: number): Duration {
    return new Duration(amount, 60_000, 'min');
  }

  private readonly milliseconds: number;
  /** What is wrong with the amount, when something is; the using construct reports it. */
  private readonly problem?: string;
  /** The amount as given, for messages about a bad one. */
  private readonly given: string;

  private constructor(amount: number, factor: number, unit: string) {
    this.milliseconds = amount * factor;
    this.given = Token.isUnresolved(amount) ? '<token>' : `${amount}${unit}`;
    if (Token.isUnresolved(amount)) {
      this.problem = 'is a Terraform token, but durations must be known at synth';
    } else if (!Number.isFinite(amount)) {
      this.problem = 'is not a finite amount';
    } else if (amount < 0) {
      this.problem = 'is negative';
    }
  }

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    this.requireValid();
    return this.milliseconds;
  }

  /** The duration in seconds (may be fractional). */
  public toSeconds(): number {
    this.requireValid();
    return this.milliseconds / 1000;
  }

  /** A readable form for messages, such as `30s` or `1500ms`; never a Terraform value. */
  public toString(): string {
    if (this.problem !== undefined) {
      return this.given;
    }
    return this.milliseconds % 1000 === 0 ? `${this.milliseconds / 1000}s` : `${this.milliseconds}ms`;
  }

  /**
   * What is wrong with this duration, or undefined: for the construct that validates it.
   * @internal
   */
  public _problem(): string | undefined {
    return this.problem;
  }

  private requireValid(): void {
    if (this.problem !== undefined) {
      throw new Error(`Duration ${this.given} ${this.problem}`);
    }
  }
}
