import { Token } from 'cdktf';

/**
 * A length of time, as used for gunicorn timeouts and container health checks.
 *
 * cdktf 0.21 has no duration type; this one follows aws-cdk's `Duration`.
 */
export class Duration {
  /** A duration in milliseconds. */
  public static millis(amount: number): Duration {
    return new Duration(amount);
  }

  /** A duration in seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount * 1000);
  }

  /** A duration in minutes. */
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60_000);
  }

  private readonly milliseconds: number;

  private constructor(milliseconds: number) {
    if (Token.isUnresolved(milliseconds)) {
      throw new Error('Duration amounts must be plain numbers known at synth time, not Terraform tokens');
    }
    if (!Number.isFinite(milliseconds) || milliseconds < 0) {
      throw new Error(`Duration amounts must be finite and not negative, got ${milliseconds} ms`);
    }
    this.milliseconds = milliseconds;
  }

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    return this.milliseconds;
  }

  /** The duration in seconds (may be fractional). */
  public toSeconds(): number {
    return this.milliseconds / 1000;
  }

  /** A readable form for messages, such as `30s` or `1500ms`; never a Terraform value. */
  public toString(): string {
    return this._toDockerString();
  }

  /**
   * The Go duration string Docker and the provider expect (`30s`, `1500ms`).
   * @internal
   */
  public _toDockerString(): string {
    return this.milliseconds % 1000 === 0 ? `${this.milliseconds / 1000}s` : `${this.milliseconds}ms`;
  }
}
