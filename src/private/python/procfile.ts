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

/**
 * Maps a uvicorn or hypercorn command line onto the construct's settings: the image serves the same
 * ASGI app with gunicorn and the uvicorn worker. As with gunicorn, every flag is either mapped or
 * refused.
 */
export function mapAsgiServerArguments(server: 'uvicorn' | 'hypercorn', args: string[]): ProcfileServerSettings {
  const out: Collected = { server, stated: [] };
  const flags = new FlagReader(args);
  let factory = false;
  const refuse = (problem: string, fix: string): never => { throw new LocatedError(flags.flag, problem, fix); };
  const generic = () => refuse(`is a ${server} flag the image cannot take from the Procfile (the image serves the app with gunicorn and the uvicorn worker)`,
    'set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile');
  const logLevel = () => {
    const v = flags.value();
    if (v.toLowerCase() !== 'info') {
      refuse(`${v} is not the level the image logs at (info)`, `remove ${flags.flag}`);
    }
  };
  const reload = () => refuse('reloads the app when its files change, which is for development: the image runs the code it was built with', `remove ${flags.flag} from the web: line`);
  while (flags.next()) {
    const flag = flags.flag;
    if (server === 'uvicorn') {
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
        case '--workers': out.workers = flags.integer(1); out.stated.push(`workers ${out.workers}`); break;
        case '--factory': factory = true; break;
        case '--app-dir': readImportRoot(out, flag, flags.value()); break;
        case '--proxy-headers': case '--no-proxy-headers': break; // the uvicorn worker reads them from forwarded_allow_ips' peers
        case '--forwarded-allow-ips': {
          out.forwardedAllowIps = flags.value().split(',').map(v => v.trim()).filter(v => v.length > 0);
          out.stated.push(`forwarded-allow-ips ${out.forwardedAllowIps.join(',')}`);
          break;
        }
        case '--timeout-keep-alive': out.keepAliveSeconds = flags.integer(0); out.stated.push(`keep-alive ${out.keepAliveSeconds} s`); break;
        case '--timeout-graceful-shutdown': out.gracefulTimeoutSeconds = flags.integer(0); out.stated.push(`graceful timeout ${out.gracefulTimeoutSeconds} s`); break;
        case '--limit-max-requests': out.maxRequests = flags.integer(0); out.stated.push(`max requests ${out.maxRequests}`); break;
        case '--access-log': out.accessLog = true; out.stated.push('access log'); break;
        case '--no-access-log': out.accessLog = false; out.stated.push('no access log'); break;
        case '--lifespan': {
          const v = flags.value();
          if (v !== 'auto' && v !== 'on') {
            refuse(`${v} turns lifespan off, but the image runs the app's startup and shutdown handlers (lifespan auto)`, `remove ${flag} ${v}`);
          }
          break;
        }
        case '--log-level': logLevel(); break;
        case '--reload': case '--reload-dir': reload(); break;
        case '--uds': case '--fd': refuse('listens somewhere other than a TCP port, but the container serves one port', `remove ${flag}, and use --port $PORT`); break;
        case '--interface': {
          const v = flags.value();
          if (v !== 'asgi3' && v !== 'asgi2' && v !== 'auto') {
            refuse(`${v} serves a WSGI app through uvicorn; the image serves WSGI apps with gunicorn's own workers`, 'run the app with gunicorn in the web: line');
          }
          break;
        }
        default: generic();
      }
    } else {
      switch (flag) {
        case '-b': case '--bind': readBind(out, flag, flags.value()); break;
        case '-w': case '--workers': out.workers = flags.integer(1); out.stated.push(`workers ${out.workers}`); break;
        case '-k': case '--worker-class': {
          const v = flags.value();
          if (v !== 'asyncio' && v !== 'uvloop') {
            refuse(`${v} runs the app on ${v}, but the image runs ASGI apps on uvicorn's asyncio loop`, `remove ${flag} ${v}, or set \`procfile: false\` and choose a worker class with gunicorn.workerClass`);
          }
          break;
        }
        case '--keep-alive': out.keepAliveSeconds = flags.integer(0); out.stated.push(`keep-alive ${out.keepAliveSeconds} s`); break;
        case '--graceful-timeout': out.gracefulTimeoutSeconds = flags.integer(0); out.stated.push(`graceful timeout ${out.gracefulTimeoutSeconds} s`); break;
        case '--max-requests': out.maxRequests = flags.integer(0); out.stated.push(`max requests ${out.maxRequests}`); break;
        case '--access-logfile': case '--error-logfile': {
          const v = flags.value();
          if (v !== '-') {
            refuse(`writes a log to the file ${v}, but the container logs to stdout and stderr`, `use ${flag} - or remove it`);
          }
          if (flag === '--access-logfile') {
            out.accessLog = true;
            out.stated.push('access log');
          }
          break;
        }
        case '--log-level': logLevel(); break;
        case '--reload': reload(); break;
        case '-c': case '--config': refuse('names a hypercorn config, which gunicorn cannot read', 'state its settings with the construct\'s `gunicorn` settings, and remove --config'); break;
        default: generic();
      }
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
    const flag = flags.flag;
    switch (flag) {
      case '-w': case '--workers': out.workers = flags.integer(1); out.stated.push(`workers ${out.workers}`); break;
      case '--threads': out.threads = flags.integer(1); out.stated.push(`threads ${out.threads}`); break;
      case '-k': case '--worker-class': {
        const v = flags.value();
        out.workerClass = WORKER_CLASSES[v] ?? v;
        out.stated.push(`worker class ${out.workerClass}`);
        break;
      }
      case '-t': case '--timeout': out.timeoutSeconds = flags.integer(0); out.stated.push(`timeout ${out.timeoutSeconds} s`); break;
      case '--graceful-timeout': out.gracefulTimeoutSeconds = flags.integer(0); out.stated.push(`graceful timeout ${out.gracefulTimeoutSeconds} s`); break;
      case '--keep-alive': out.keepAliveSeconds = flags.integer(0); out.stated.push(`keep-alive ${out.keepAliveSeconds} s`); break;
      case '--max-requests': out.maxRequests = flags.integer(0); out.stated.push(`max requests ${out.maxRequests}`); break;
      case '--max-requests-jitter': out.maxRequestsJitter = flags.integer(0); out.stated.push(`max requests jitter ${out.maxRequestsJitter}`); break;
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
