import { Token } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * A configuration mistake found at synth. Its stack is the message alone: the CLI prints one
 * readable line instead of library internals.
 */
export class WsgiConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WsgiConfigError';
    this.stack = `${this.name}: ${message}`;
  }
}

/** Renders a value for an error message on one line, control characters escaped. */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  return JSON.stringify(value);
}

/**
 * Throws the library's one error shape: where, which property, what value, what is wrong, how to fix.
 */
export function fail(scope: IConstruct, property: string, value: unknown, problem: string, fix: string): never {
  throw new WsgiConfigError(`${scope.node.path}: '${property}' ${showValue(value)} ${problem}. Fix: ${fix}`);
}

/** Rejects a Duration whose amount is negative, not finite or a token, naming where it was given. */
export function requireDuration(
  scope: IConstruct, property: string, value: { _problem(): string | undefined; toString(): string } | undefined,
): void {
  const problem = value?._problem();
  if (problem !== undefined) {
    fail(scope, property, value!.toString(), problem, 'use a plain, non-negative amount known at synth, e.g. Duration.seconds(30)');
  }
}

/** Rejects a Terraform token where the value must be known at synth. */
export function requireLiteral(scope: IConstruct, property: string, value: unknown): void {
  if (value !== undefined && Token.isUnresolved(value)) {
    fail(scope, property, '<token>', 'is a Terraform token, but this value is needed at synth time to generate the image',
      'pass a plain value known when `cdktf synth` runs (not a resource attribute or variable)');
  }
}

/**
 * Rejects characters that would let a value break out of the Dockerfile line or the generated file
 * it lands in: a newline starts a new instruction, NUL truncates.
 */
export function requireSingleLine(scope: IConstruct, property: string, value: string): void {
  requireLiteral(scope, property, value);
  if (/[\r\n\0]/.test(value)) {
    fail(scope, property, value, 'contains a newline or NUL character, which would end the Dockerfile instruction it lands in',
      'remove line breaks and NUL characters from the value');
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variable and build argument names: what the shell and Docker accept unquoted. */
export function requireEnvName(scope: IConstruct, property: string, name: string): void {
  requireLiteral(scope, property, name);
  if (!ENV_NAME.test(name)) {
    fail(scope, property, name, 'is not a valid variable name (letters, digits and underscores, not starting with a digit)',
      'rename the variable, e.g. "DATABASE_URL"');
  }
}

/** Integers in a closed range, tokens refused. */
export function requireInteger(scope: IConstruct, property: string, value: number, min: number, max: number, fix: string): void {
  requireLiteral(scope, property, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(scope, property, value, `is out of range: must be a whole number from ${min} to ${max}`, fix);
  }
}
