import { parse as parseShell } from 'shell-quote';
import { LocatedError } from '../core/validation';

/** A Procfile's processes we read: `web` (how the app is served) and `release` (run before it). */
export interface Procfile {
  readonly web?: { readonly line: number; readonly command: string; readonly argv: string[] };
  readonly release?: { readonly line: number; readonly command: string; readonly argv: string[] };
}

/** The servers a `web:` line may run; the image serves every one of them with gunicorn. */
export type ProcfileServer = 'gunicorn' | 'uvicorn' | 'hypercorn';

/** What a `web:` command (gunicorn, uvicorn or hypercorn) states, mapped onto the construct's settings. */
export interface ProcfileServerSettings {
  /** The server the line runs. */
  readonly server: ProcfileServer;
  readonly entrypoint?: string;
  readonly workers?: number;
  readonly threads?: number;
  readonly workerClass?: string;
  readonly timeoutSeconds?: number;
  readonly gracefulTimeoutSeconds?: number;
  readonly keepAliveSeconds?: number;
  readonly maxRequests?: number;
  readonly maxRequestsJitter?: number;
  readonly forwardedAllowIps?: string[];
  readonly accessLog?: boolean;
  readonly preload?: boolean;
  /** A numeric port from `--bind`; `$PORT` (Heroku's convention) leaves the image's port as it is. */
  readonly port?: number;
  readonly bindsPortVariable?: boolean;
  /** `--chdir` or `--pythonpath`: the directory the app module is imported from. */
  readonly importRoot?: string;
  /** `--config`: the project's own gunicorn config file, relative to the source. */
  readonly configFile?: string;
  /** The settings read, for the synth report, in the order given. */
  readonly stated: string[];
}


/**
 * Splits a command the way a POSIX shell would, without expanding anything: `$PORT` stays as
 * written, and operators (`&&`, `;`, `|`, redirections) are refused, since the image runs one
 * program.
 */
export function shellWords(command: string): string[] {
  const words = parseShell(command, (name: string) => `$${name}`);
  return words.map(w => {
    if (typeof w === 'string') {
      return w;
    }
    if ('comment' in w) {
      return undefined;
    }
    const op = 'op' in w ? String(w.op) : JSON.stringify(w);
    throw new LocatedError(command, `uses the shell operator ${op}, but the image runs one program, not a shell line`,
      'keep a single gunicorn command in the web: line, or run the extra steps in the app or a release command');
  }).filter((w): w is string => w !== undefined);
}

/** Reads the `web:` and `release:` processes of a Procfile's text. */
export function parseProcfile(text: string): Procfile {
  const found: { web?: Procfile['web']; release?: Procfile['release'] } = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(raw.trim());
    if (!m || (m[1] !== 'web' && m[1] !== 'release')) {
      return;
    }
    found[m[1] as 'web' | 'release'] = { line: i + 1, command: m[2].trim(), argv: shellWords(m[2].trim()) };
  });
  return found;
}

/** The argv after gunicorn itself: `gunicorn …` or `python[3] -m gunicorn …`; undefined for another program. */
export function gunicornArguments(argv: string[]): string[] | undefined {
  return serverArguments(argv, 'gunicorn');
}

/** The argv after the server program (`<server> …`, a path to it, or `python[3] -m <server> …`). */
export function serverArguments(argv: string[], server: ProcfileServer): string[] | undefined {
  if (argv[0] === server || argv[0]?.endsWith(`/${server}`)) {
    return argv.slice(1);
  }
  if (/^python(3(\.\d+)?)?$/.test(argv[0] ?? '') && argv[1] === '-m' && argv[2] === server) {
    return argv.slice(3);
  }
  return undefined;
}

/** Maps a `web:` line's command onto the construct's settings; undefined when it runs no server we serve. */
export function mapServerCommand(argv: string[]): ProcfileServerSettings | undefined {
  for (const server of ['gunicorn', 'uvicorn', 'hypercorn'] as const) {
    const args = serverArguments(argv, server);
    if (args !== undefined) {
      return server === 'gunicorn' ? mapGunicornArguments(args) : mapAsgiServerArguments(server, args);
    }
  }
  return undefined;
}

const WORKER_CLASSES: Record<string, string> = {
  'sync': 'sync',
  'gthread': 'gthread',
  'gevent': 'gevent',
  'eventlet': 'eventlet',
  'gunicorn.workers.sync.SyncWorker': 'sync',
  'gunicorn.workers.gthread.ThreadWorker': 'gthread',
  // Either home of uvicorn's worker: the image picks the one the app's dependencies provide.
  'uvicorn.workers.UvicornWorker': 'uvicorn',
  'uvicorn_worker.UvicornWorker': 'uvicorn',
};

/** The settings being collected from a command line. */
type Collected = { -readonly [K in keyof ProcfileServerSettings]: ProcfileServerSettings[K] };

/** Reads flag values one at a time, with the error messages every server's mapping shares. */
class FlagReader {
  private i = 0;
  public flag = '';
  private inline: string | undefined;
  public readonly positional: string[] = [];

  constructor(private readonly args: string[]) {}

  /** Advances to the next flag, collecting positional words on the way; false at the end. */
  public next(): boolean {
    while (this.i < this.args.length) {
      const arg = this.args[this.i++];
      if (!arg.startsWith('-') || arg === '-') {
        this.positional.push(arg);
        continue;
      }
      const eq = arg.indexOf('=');
      this.flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
      this.inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
      return true;
    }
    return false;
  }

  public value(): string {
    if (this.inline !== undefined) return this.inline;
    const next = this.args[this.i];
    if (next === undefined) throw new LocatedError(this.flag, 'has no value', `give ${this.flag} a value, or remove it`);
    this.i++;
    return next;
  }

  public integer(min: number): number {
    const v = this.value();
    if (!/^\d+$/.test(v) || Number(v) < min) {
      throw new LocatedError(`${this.flag} ${v}`, `is not a whole number of at least ${min}`, `give ${this.flag} a number, or set it with the construct's \`gunicorn\` settings`);
    }
    return Number(v);
  }
}

/** `--chdir`, `--pythonpath`, `--app-dir`: the directory the app module is imported from. */
function readImportRoot(out: Collected, flag: string, raw: string): void {
  const v = raw.replace(/\/+$/, '');
  if (v.includes(',') || v.startsWith('/')) {
    throw new LocatedError(`${flag} ${v}`, 'is not one directory relative to the app', 'set `importRoot` (and `localPackages` for more directories)');
  }
  if (v !== '' && v !== '.') {
    out.importRoot = v;
    out.stated.push(`import root ${v}`);
  }
}

/** A `HOST:PORT` bind address: a numeric port, or `$PORT`, which leaves the image's port as it is. */
function readBind(out: Collected, flag: string, v: string): void {
  const m = /^(?:[^:]*|\[[^\]]*\]):(\d+|\$PORT|\$\{PORT\})$/.exec(v);
  if (!m) {
    throw new LocatedError(`${flag} ${v}`, 'is not a HOST:PORT the image can bind (the container binds 0.0.0.0 on one port)', 'use --bind 0.0.0.0:$PORT or a port number, or set `port`');
  }
  readPort(out, m[1]);
}

function readPort(out: Collected, port: string): void {
  if (port.startsWith('$')) {
    out.bindsPortVariable = true;
  } else {
    out.port = Number(port);
    out.stated.push(`port ${out.port}`);
  }
}

/** The one app spec of a command line. */
function readAppSpec(out: Collected, positional: string[]): void {
  if (positional.length > 1) {
    throw new LocatedError(positional.join(' '), 'names more than one app', 'give the server one app spec, module:callable');
  }
  if (positional.length === 1) {
    out.entrypoint = positional[0];
    out.stated.unshift(`entrypoint ${positional[0]}`);
  }
}

/** A setting that is a whole number, as each server's command line spells it. */
interface NumericSetting {
  readonly key: 'workers' | 'threads' | 'timeoutSeconds' | 'gracefulTimeoutSeconds' | 'keepAliveSeconds' | 'maxRequests' | 'maxRequestsJitter';
  readonly min: number;
  readonly flags: { readonly [server in ProcfileServer]: readonly string[] };
  /** How the synth report names it. */
  readonly stated: (n: number) => string;
}

/** The whole-number settings: one row each, whichever server's flag states it. */
const NUMERIC_SETTINGS: readonly NumericSetting[] = [
  { key: 'workers', min: 1, flags: { gunicorn: ['-w', '--workers'], uvicorn: ['--workers'], hypercorn: ['-w', '--workers'] }, stated: n => `workers ${n}` },
  { key: 'threads', min: 1, flags: { gunicorn: ['--threads'], uvicorn: [], hypercorn: [] }, stated: n => `threads ${n}` },
  { key: 'timeoutSeconds', min: 0, flags: { gunicorn: ['-t', '--timeout'], uvicorn: [], hypercorn: [] }, stated: n => `timeout ${n} s` },
  {
    key: 'gracefulTimeoutSeconds',
    min: 0,
    flags: { gunicorn: ['--graceful-timeout'], uvicorn: ['--timeout-graceful-shutdown'], hypercorn: ['--graceful-timeout'] },
    stated: n => `graceful timeout ${n} s`,
  },
  { key: 'keepAliveSeconds', min: 0, flags: { gunicorn: ['--keep-alive'], uvicorn: ['--timeout-keep-alive'], hypercorn: ['--keep-alive'] }, stated: n => `keep-alive ${n} s` },
  { key: 'maxRequests', min: 0, flags: { gunicorn: ['--max-requests'], uvicorn: ['--limit-max-requests'], hypercorn: ['--max-requests'] }, stated: n => `max requests ${n}` },
  { key: 'maxRequestsJitter', min: 0, flags: { gunicorn: ['--max-requests-jitter'], uvicorn: [], hypercorn: [] }, stated: n => `max requests jitter ${n}` },
];

/** Reads the current flag if it states a whole-number setting of `server`; false if it does not. */
function readNumericSetting(server: ProcfileServer, flags: FlagReader, out: Collected): boolean {
  const setting = NUMERIC_SETTINGS.find(s => s.flags[server].includes(flags.flag));
  if (!setting) {
    return false;
  }
  const n = flags.integer(setting.min);
  out[setting.key] = n;
  out.stated.push(setting.stated(n));
  return true;
}

/** The refusals the uvicorn and hypercorn mappings share, naming the current flag. */
class AsgiFlagRules {
  constructor(private readonly server: 'uvicorn' | 'hypercorn', private readonly flags: FlagReader) {}

  public refuse(problem: string, fix: string): never {
    throw new LocatedError(this.flags.flag, problem, fix);
  }

  public generic(): never {
    return this.refuse(`is a ${this.server} flag the image cannot take from the Procfile (the image serves the app with gunicorn and the uvicorn worker)`,
      'set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile');
  }

  public logLevel(): void {
    const v = this.flags.value();
    if (v.toLowerCase() !== 'info') {
      this.refuse(`${v} is not the level the image logs at (info)`, `remove ${this.flags.flag}`);
    }
  }

  public reload(): never {
    return this.refuse('reloads the app when its files change, which is for development: the image runs the code it was built with', `remove ${this.flags.flag} from the web: line`);
  }

  /** A flag whose value must be one of `allowed`; otherwise refused with `problem(value)`. */
  public oneOf(allowed: string[], problem: (v: string) => string, fix: (v: string) => string): void {
    const v = this.flags.value();
    if (!allowed.includes(v)) {
      this.refuse(problem(v), fix(v));
    }
  }
}

/** One uvicorn flag that is not a whole-number setting; returns whether it asks for `--factory`. */
function readUvicornFlag(flags: FlagReader, out: Collected, rules: AsgiFlagRules): boolean {
  const flag = flags.flag;
  switch (flag) {
    case '--host': flags.value(); break; // the container binds 0.0.0.0; Docker decides who reaches it
    case '--port': {
      const v = flags.value();
      if (!/^(\d+|\$PORT|\$\{PORT\})$/.test(v)) {
        throw new LocatedError(`${flag} ${v}`, 'is not a port number or $PORT', 'use --port $PORT or a port number, or set `port`');
      }
      readPort(out, v);
      break;
    }
    case '--factory': return true;
    case '--app-dir': readImportRoot(out, flag, flags.value()); break;
    case '--proxy-headers': case '--no-proxy-headers': break; // the uvicorn worker reads them from forwarded_allow_ips' peers
    case '--forwarded-allow-ips': {
      out.forwardedAllowIps = flags.value().split(',').map(v => v.trim()).filter(v => v.length > 0);
      out.stated.push(`forwarded-allow-ips ${out.forwardedAllowIps.join(',')}`);
      break;
    }
    case '--access-log': out.accessLog = true; out.stated.push('access log'); break;
    case '--no-access-log': out.accessLog = false; out.stated.push('no access log'); break;
    case '--lifespan':
      rules.oneOf(['auto', 'on'], v => `${v} turns lifespan off, but the image runs the app's startup and shutdown handlers (lifespan auto)`, v => `remove ${flag} ${v}`);
      break;
    case '--log-level': rules.logLevel(); break;
    case '--reload': case '--reload-dir': rules.reload(); break;
    case '--uds': case '--fd': rules.refuse('listens somewhere other than a TCP port, but the container serves one port', `remove ${flag}, and use --port $PORT`); break;
    case '--interface':
      rules.oneOf(['asgi3', 'asgi2', 'auto'], v => `${v} serves a WSGI app through uvicorn; the image serves WSGI apps with gunicorn's own workers`, () => 'run the app with gunicorn in the web: line');
      break;
    default: rules.generic();
  }
  return false;
}

/** One hypercorn flag that is not a whole-number setting. */
function readHypercornFlag(flags: FlagReader, out: Collected, rules: AsgiFlagRules): void {
  const flag = flags.flag;
  switch (flag) {
    case '-b': case '--bind': readBind(out, flag, flags.value()); break;
    case '-k': case '--worker-class':
      rules.oneOf(['asyncio', 'uvloop'], v => `${v} runs the app on ${v}, but the image runs ASGI apps on uvicorn's asyncio loop`,
        v => `remove ${flag} ${v}, or set \`procfile: false\` and choose a worker class with gunicorn.workerClass`);
      break;
    case '--access-logfile': case '--error-logfile': {
      const v = flags.value();
      if (v !== '-') {
        rules.refuse(`writes a log to the file ${v}, but the container logs to stdout and stderr`, `use ${flag} - or remove it`);
      }
      if (flag === '--access-logfile') {
        out.accessLog = true;
        out.stated.push('access log');
      }
      break;
    }
    case '--log-level': rules.logLevel(); break;
    case '--reload': rules.reload(); break;
    case '-c': case '--config': rules.refuse('names a hypercorn config, which gunicorn cannot read', 'state its settings with the construct\'s `gunicorn` settings, and remove --config'); break;
    default: rules.generic();
  }
}

/**
 * Maps a uvicorn or hypercorn command line onto the construct's settings: the image serves the same
 * ASGI app with gunicorn and the uvicorn worker. As with gunicorn, every flag is either mapped or
 * refused.
 */
export function mapAsgiServerArguments(server: 'uvicorn' | 'hypercorn', args: string[]): ProcfileServerSettings {
  const out: Collected = { server, stated: [] };
  const flags = new FlagReader(args);
  const rules = new AsgiFlagRules(server, flags);
  let factory = false;
  while (flags.next()) {
    if (readNumericSetting(server, flags, out)) {
      continue;
    }
    if (server === 'uvicorn') {
      factory = readUvicornFlag(flags, out, rules) || factory;
    } else {
      readHypercornFlag(flags, out, rules);
    }
  }
  readAppSpec(out, flags.positional);
  if (factory && out.entrypoint !== undefined && !out.entrypoint.endsWith('()')) {
    // gunicorn calls a factory written as module:factory().
    out.stated[0] = `entrypoint ${out.entrypoint}() (--factory)`;
    out.entrypoint = `${out.entrypoint}()`;
  }
  out.stated.push('ASGI app (served with gunicorn and the uvicorn worker)');
  return out;
}

/**
 * Maps gunicorn's command-line flags onto the construct's settings. Every flag is either mapped or
 * refused: nothing the team wrote is dropped without a word.
 */
export function mapGunicornArguments(args: string[]): ProcfileServerSettings {
  const out: Collected = { server: 'gunicorn', stated: [] };
  const flags = new FlagReader(args);
  while (flags.next()) {
    if (readNumericSetting('gunicorn', flags, out)) {
      continue;
    }
    const flag = flags.flag;
    switch (flag) {
      case '-k': case '--worker-class': {
        const v = flags.value();
        out.workerClass = WORKER_CLASSES[v] ?? v;
        out.stated.push(`worker class ${out.workerClass}`);
        break;
      }
      case '--forwarded-allow-ips': {
        out.forwardedAllowIps = flags.value().split(',').map(v => v.trim()).filter(v => v.length > 0);
        out.stated.push(`forwarded-allow-ips ${out.forwardedAllowIps.join(',')}`);
        break;
      }
      case '--access-logfile': {
        const v = flags.value();
        if (v !== '-') {
          throw new LocatedError(`${flag} ${v}`, 'writes the access log to a file, but the container logs to stdout', `use ${flag} - (the access log on stdout), or remove it`);
        }
        out.accessLog = true;
        out.stated.push('access log');
        break;
      }
      case '--log-file': case '--error-logfile': case '--error-log': {
        const v = flags.value();
        if (v !== '-') {
          throw new LocatedError(`${flag} ${v}`, 'writes the error log to a file, but the container logs to stderr', `use ${flag} - or remove it`);
        }
        break; // already where the image sends it
      }
      case '--preload': out.preload = true; out.stated.push('preload'); break;
      case '-b': case '--bind': readBind(out, flag, flags.value()); break;
      case '--chdir': case '--pythonpath': readImportRoot(out, flag, flags.value()); break;
      case '-c': case '--config': out.configFile = flags.value().replace(/^\.\//, ''); out.stated.push(`config ${out.configFile}`); break;
      default:
        throw new LocatedError(flag, 'is a gunicorn flag the image cannot take from the Procfile',
          'set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile');
    }
  }
  readAppSpec(out, flags.positional);
  return out;
}
