import { parse as parseShell } from 'shell-quote';
import { LocatedError } from './validation';

/** A Procfile's processes we read: `web` (how the app is served) and `release` (run before it). */
export interface Procfile {
  readonly web?: { readonly line: number; readonly command: string; readonly argv: string[] };
  readonly release?: { readonly line: number; readonly command: string; readonly argv: string[] };
}

/** What a gunicorn `web:` command states, mapped onto the construct's settings. */
export interface ProcfileGunicorn {
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
  if (argv[0] === 'gunicorn' || argv[0]?.endsWith('/gunicorn')) {
    return argv.slice(1);
  }
  if (/^python(3(\.\d+)?)?$/.test(argv[0] ?? '') && argv[1] === '-m' && argv[2] === 'gunicorn') {
    return argv.slice(3);
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
};

/**
 * Maps gunicorn's command-line flags onto the construct's settings. Every flag is either mapped or
 * refused: nothing the team wrote is dropped without a word.
 */
export function mapGunicornArguments(args: string[]): ProcfileGunicorn {
  const out: { -readonly [K in keyof ProcfileGunicorn]: ProcfileGunicorn[K] } = { stated: [] };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) throw new LocatedError(flag, 'has no value', `give ${flag} a value, or remove it`);
      i++;
      return next;
    };
    const integer = (min: number): number => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < min) {
        throw new LocatedError(`${flag} ${v}`, `is not a whole number of at least ${min}`, `give ${flag} a number, or set it with the construct's \`gunicorn\` settings`);
      }
      return Number(v);
    };
    switch (flag) {
      case '-w': case '--workers': out.workers = integer(1); out.stated.push(`workers ${out.workers}`); break;
      case '--threads': out.threads = integer(1); out.stated.push(`threads ${out.threads}`); break;
      case '-k': case '--worker-class': {
        const v = value();
        out.workerClass = WORKER_CLASSES[v] ?? v;
        out.stated.push(`worker class ${out.workerClass}`);
        break;
      }
      case '-t': case '--timeout': out.timeoutSeconds = integer(0); out.stated.push(`timeout ${out.timeoutSeconds} s`); break;
      case '--graceful-timeout': out.gracefulTimeoutSeconds = integer(0); out.stated.push(`graceful timeout ${out.gracefulTimeoutSeconds} s`); break;
      case '--keep-alive': out.keepAliveSeconds = integer(0); out.stated.push(`keep-alive ${out.keepAliveSeconds} s`); break;
      case '--max-requests': out.maxRequests = integer(0); out.stated.push(`max requests ${out.maxRequests}`); break;
      case '--max-requests-jitter': out.maxRequestsJitter = integer(0); out.stated.push(`max requests jitter ${out.maxRequestsJitter}`); break;
      case '--forwarded-allow-ips': {
        out.forwardedAllowIps = value().split(',').map(s => s.trim()).filter(s => s.length > 0);
        out.stated.push(`forwarded-allow-ips ${out.forwardedAllowIps.join(',')}`);
        break;
      }
      case '--access-logfile': {
        const v = value();
        if (v !== '-') {
          throw new LocatedError(`${flag} ${v}`, 'writes the access log to a file, but the container logs to stdout', `use ${flag} - (the access log on stdout), or remove it`);
        }
        out.accessLog = true;
        out.stated.push('access log');
        break;
      }
      case '--log-file': case '--error-logfile': case '--error-log': {
        const v = value();
        if (v !== '-') {
          throw new LocatedError(`${flag} ${v}`, 'writes the error log to a file, but the container logs to stderr', `use ${flag} - or remove it`);
        }
        break; // already where the image sends it
      }
      case '--preload': out.preload = true; out.stated.push('preload'); break;
      case '-b': case '--bind': {
        const v = value();
        const m = /^(?:[^:]*|\[[^\]]*\]):(\d+|\$PORT|\$\{PORT\})$/.exec(v);
        if (!m) {
          throw new LocatedError(`${flag} ${v}`, 'is not a HOST:PORT the image can bind (the container binds 0.0.0.0 on one port)', 'use --bind 0.0.0.0:$PORT or a port number, or set `port`');
        }
        if (m[1].startsWith('$')) {
          out.bindsPortVariable = true;
        } else {
          out.port = Number(m[1]);
          out.stated.push(`port ${out.port}`);
        }
        break;
      }
      case '--chdir': case '--pythonpath': {
        const v = value().replace(/\/+$/, '');
        if (v.includes(',') || v.startsWith('/')) {
          throw new LocatedError(`${flag} ${v}`, 'is not one directory relative to the app', 'set `importRoot` (and `localPackages` for more directories)');
        }
        if (v !== '' && v !== '.') {
          out.importRoot = v;
          out.stated.push(`import root ${v}`);
        }
        break;
      }
      case '-c': case '--config': out.configFile = value().replace(/^\.\//, ''); out.stated.push(`config ${out.configFile}`); break;
      default:
        throw new LocatedError(flag, 'is a gunicorn flag the image cannot take from the Procfile',
          'set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile');
    }
  }
  if (positional.length > 1) {
    throw new LocatedError(positional.join(' '), 'names more than one app', 'give gunicorn one app spec, module:callable');
  }
  if (positional.length === 1) {
    out.entrypoint = positional[0];
    out.stated.unshift(`entrypoint ${positional[0]}`);
  }
  return out;
}
