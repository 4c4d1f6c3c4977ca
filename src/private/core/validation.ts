import { Annotations, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { DOCKER_NAME, ENV_NAME, LABEL_KEY } from './patterns';

/**
 * Where a problem is reported: a construct, or a {@link Site} standing for one while a pure stage
 * (the image plan, a value object's bind) runs without it.
 */
export interface Locatable {
  readonly node: { readonly path: string };
}

/** Something a stage wants said at synth, as an info or a warning annotation. */
export interface Note {
  readonly level: 'info' | 'warning';
  readonly message: string;
}

/**
 * A construct's path and the notes gathered for it. Stages take a Site instead of the construct,
 * so they can run (and be tested) without a tree; the construct emits the notes afterwards.
 */
export class Site implements Locatable {
  public static of(scope: Locatable): Site {
    return new Site(scope.node.path);
  }

  public readonly node: { readonly path: string };
  private readonly gathered: Note[] = [];

  constructor(path: string) {
    this.node = { path };
  }

  public info(message: string): void {
    this.gathered.push({ level: 'info', message });
  }

  public warn(message: string): void {
    this.gathered.push({ level: 'warning', message });
  }

  /** The notes in the order they were made. */
  public get notes(): readonly Note[] {
    return [...this.gathered];
  }

  /** Adds the notes to `scope` as annotations, in order. */
  public emitTo(scope: IConstruct): void {
    for (const note of this.gathered) {
      if (note.level === 'info') {
        Annotations.of(scope).addInfo(note.message);
      } else {
        Annotations.of(scope).addWarning(note.message);
      }
    }
  }
}

/**
 * A problem found below the construct level (a file of the build context, a manifest, a Procfile
 * flag): the thing at fault, what is wrong, and how to fix it. The stage that called the reader
 * turns it into the construct's error, naming the property.
 */
export class LocatedError extends Error {
  constructor(public readonly subject: string, public readonly problem: string, public readonly fix: string) {
    super(`${subject} ${problem}`);
  }
}

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
export function fail(scope: Locatable, property: string, value: unknown, problem: string, fix: string): never {
  throw new WsgiConfigError(`${scope.node.path}: '${property}' ${showValue(value)} ${problem}. Fix: ${fix}`);
}

/** Rejects a Duration whose amount is negative, not finite or a token, naming where it was given. */
export function requireDuration(
  scope: Locatable, property: string, value: { _problem(): string | undefined; toString(): string } | undefined,
): void {
  const problem = value?._problem();
  if (problem !== undefined) {
    fail(scope, property, value!.toString(), problem, 'use a plain, non-negative amount known at synth, e.g. Duration.seconds(30)');
  }
}

/** Rejects a Terraform token where the value must be known at synth. */
export function requireLiteral(scope: Locatable, property: string, value: unknown): void {
  if (value !== undefined && Token.isUnresolved(value)) {
    fail(scope, property, '<token>', 'is a Terraform token, but this value is needed at synth time to generate the image',
      'pass a plain value known when `cdktf synth` runs (not a resource attribute or variable)');
  }
}

/**
 * Rejects characters that would let a value break out of the Dockerfile line or the generated file
 * it lands in: a newline starts a new instruction, NUL truncates.
 */
export function requireSingleLine(scope: Locatable, property: string, value: string): void {
  requireLiteral(scope, property, value);
  if (/[\r\n\0]/.test(value)) {
    fail(scope, property, value, 'contains a newline or NUL character, which would end the Dockerfile instruction it lands in',
      'remove line breaks and NUL characters from the value');
  }
}

/** Environment variable and build argument names: what the shell and Docker accept unquoted. */
export function requireEnvName(scope: Locatable, property: string, name: string): void {
  requireLiteral(scope, property, name);
  if (!ENV_NAME.test(name)) {
    fail(scope, property, name, 'is not a valid variable name (letters, digits and underscores, not starting with a digit)',
      'rename the variable, e.g. "DATABASE_URL"');
  }
}

/** Integers in a closed range, tokens refused. */
export function requireInteger(scope: Locatable, property: string, value: number, min: number, max: number, fix: string): void {
  requireLiteral(scope, property, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(scope, property, value, `is out of range: must be a whole number from ${min} to ${max}`, fix);
  }
}

/** A whole number of seconds, at least `min`: what Docker and gunicorn take. Returns the seconds. */
export function requireWholeSeconds(
  scope: Locatable, property: string, value: { _problem(): string | undefined; toSeconds(): number; toString(): string }, min: number, fix: string,
): number {
  requireDuration(scope, property, value);
  const seconds = value.toSeconds();
  if (!Number.isInteger(seconds) || seconds < min) {
    fail(scope, property, value.toString(), `must be a whole number of seconds, at least ${min}`, fix);
  }
  return seconds;
}

/** Validates names and values of a string map; sorted so the output never depends on key order. */
export function requireStringMap(
  scope: Locatable, property: string, map: { [name: string]: string }, inDockerfile: boolean,
): { [name: string]: string } {
  requireLiteral(scope, property, map);
  const result: { [name: string]: string } = {};
  for (const name of Object.keys(map).sort()) {
    requireEnvName(scope, `${property} key`, name);
    const value = map[name];
    if (typeof value !== 'string') {
      fail(scope, `${property}.${name}`, value, 'is not a string', 'pass every value as a string');
    }
    if (inDockerfile) {
      requireSingleLine(scope, `${property}.${name}`, value);
    } else {
      requireLiteral(scope, `${property}.${name}`, value);
      if (value.includes('\0')) {
        fail(scope, `${property}.${name}`, value, 'contains a NUL character', 'remove it');
      }
    }
    result[name] = value;
  }
  return result;
}

/** Every entry of a list on one line, each named by its index; a copy is returned. */
export function requireSingleLines(
  scope: Locatable, property: string, values: string[], check?: (value: string, property: string) => void,
): string[] {
  return values.map((value, i) => {
    requireSingleLine(scope, `${property}[${i}]`, value);
    check?.(value, `${property}[${i}]`);
    return value;
  });
}

/** Docker labels: keys of plain characters, string values on one line; sorted. `reserved` keys are the library's own. */
export function requireLabels(scope: Locatable, labels: { [key: string]: string }, reserved: string[] = []): { [key: string]: string } {
  requireLiteral(scope, 'labels', labels);
  const result: { [key: string]: string } = {};
  for (const key of Object.keys(labels).sort()) {
    requireSingleLine(scope, 'labels key', key);
    if (!LABEL_KEY.test(key) || reserved.includes(key)) {
      fail(scope, 'labels key', key, `is not a label key of your own (letters, digits, ".", "_", "-", "/", starting with a letter or digit${reserved.length > 0 ? `; not ${reserved.join(', ')}` : ''})`,
        'use a key such as "com.example.team"');
    }
    const value = labels[key];
    if (typeof value !== 'string') {
      fail(scope, `labels.${key}`, value, 'is not a string', 'pass every value as a string');
    }
    requireSingleLine(scope, `labels.${key}`, value);
    result[key] = value;
  }
  return result;
}

/** A runtime environment variable: a valid name, and a string without NUL or a Terraform token. */
export function requireRuntimeVariable(scope: Locatable, name: string, value: unknown): void {
  requireEnvName(scope, 'environment key', name);
  if (!Token.isUnresolved(value) && (typeof value !== 'string' || value.includes('\0'))) {
    fail(scope, `environment.${name}`, value, 'is not a string without NUL characters', 'pass the value as a plain string');
  }
}

/**
 * Docker networks to join, by name or ID: each known one well formed and listed once (tokens,
 * such as a `docker_network` resource's name, are checked by Docker).
 */
export function requireNetworks(scope: Locatable, networks: string[]): void {
  networks.forEach((n, i) => {
    if (Token.isUnresolved(n)) {
      return;
    }
    requireSingleLine(scope, `networks[${i}]`, n);
    if (!DOCKER_NAME.test(n)) {
      fail(scope, `networks[${i}]`, n, 'is not a valid Docker network name or ID', 'use the network\'s name or ID, or a docker_network resource\'s name attribute');
    }
    const first = networks.indexOf(n);
    if (first !== i) {
      fail(scope, `networks[${i}]`, n, `is already listed as networks[${first}]`, 'list each network once');
    }
  });
}
