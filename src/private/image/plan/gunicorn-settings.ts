import { Duration } from '../../../duration';
import { GunicornSettings, WorkerClass } from '../../../gunicorn';
import { FORWARDED_IP, WORKER_CLASS } from '../../core/patterns';
import { fail, Locatable, requireInteger, requireSingleLine, requireWholeSeconds } from '../../core/validation';
import { ProcfileServerSettings } from '../../python/procfile';

/** One setting of `GunicornSettings`: its gunicorn name, and how the Procfile and a config file state it. */
interface GunicornSettingRow {
  /** gunicorn's name for it, as a config file assigns it. */
  readonly gunicornName: string;
  /** The name of the resolved value in the config's spec. */
  readonly resolvedName: string;
  /** What the Procfile's web: line states, in the construct's type; undefined when it states nothing. */
  fromProcfile(procfile: ProcfileServerSettings): unknown;
  /** A stated value as the Python literal a config file would hold, to compare with the file's. */
  asPython(value: unknown): string;
  /** The stated value checked, with the default filled in (or undefined where the default is decided later). */
  resolve(site: Locatable, value: unknown): unknown;
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : Duration.seconds(value));
const number = (value: unknown) => String(value);
const duration = (value: unknown) => String((value as Duration).toSeconds());
const boolean = (value: unknown) => (value ? 'True' : 'False');

/** A whole number of seconds from 0, or `fallback`. */
function wholeSeconds(name: string, fallback: number) {
  return (site: Locatable, value: unknown) => (value === undefined ? fallback
    : requireWholeSeconds(site, `gunicorn.${name}`, value as Duration, 0, 'use Duration.seconds(n) with n >= 0'));
}

/** A count in a range, or `fallback` (undefined: decided later). */
function count(name: string, min: number, max: number, fix: string, fallback?: number) {
  return (site: Locatable, value: unknown) => {
    const resolved = (value as number | undefined) ?? fallback;
    if (resolved !== undefined) requireInteger(site, `gunicorn.${name}`, resolved, min, max, fix);
    return resolved;
  };
}

/** As stated, or `fallback`. */
const flag = (fallback: boolean) => (_site: Locatable, value: unknown) => (value as boolean | undefined) ?? fallback;

function resolveWorkerClass(site: Locatable, value: unknown): string | undefined {
  const name = (value as WorkerClass | undefined)?.name;
  if (name !== undefined) {
    requireSingleLine(site, 'gunicorn.workerClass', name);
    if (!WORKER_CLASS.test(name)) {
      fail(site, 'gunicorn.workerClass', name, 'is not a worker class name or dotted path', 'use a WorkerClass constant, or WorkerClass.custom("package.module.ClassName")');
    }
  }
  return name;
}

function resolveForwardedAllowIps(site: Locatable, value: unknown): string[] | undefined {
  return (value as string[] | undefined)?.map((ip, i) => {
    requireSingleLine(site, `gunicorn.forwardedAllowIps[${i}]`, ip);
    if (!FORWARDED_IP.test(ip)) {
      fail(site, `gunicorn.forwardedAllowIps[${i}]`, ip, 'is not an IP address, a CIDR or "*"', 'use addresses such as "10.0.0.0/8" or "127.0.0.1"');
    }
    return ip;
  });
}

/**
 * Every setting the construct states, one row each, in the order the Procfile's values are
 * merged. The type asks for a row per `GunicornSettings` property, so a new setting cannot be
 * left out of the Procfile merge or the project-config comparison.
 *
 * @internal
 */
export const GUNICORN_SETTINGS: { readonly [K in keyof Required<GunicornSettings>]: GunicornSettingRow } = {
  // Without a count, the config sizes the workers from the CPUs at container start.
  workers: {
    gunicornName: 'workers',
    fromProcfile: p => p.workers,
    asPython: number,
    resolvedName: 'workers',
    resolve: count('workers', 1, 1024, 'use a positive worker count, or leave it unset to size from the CPUs'),
  },
  // The worker class's and the threads' defaults follow the app's interface, which the server stage reads.
  threads: { gunicornName: 'threads', fromProcfile: p => p.threads, asPython: number, resolvedName: 'threads', resolve: count('threads', 1, 1024, 'use a positive thread count') },
  workerClass: {
    gunicornName: 'worker_class',
    fromProcfile: p => (p.workerClass === undefined ? undefined : WorkerClass.custom(p.workerClass)),
    asPython: value => JSON.stringify((value as WorkerClass).name),
    resolvedName: 'workerClass',
    resolve: resolveWorkerClass,
  },
  timeout: { gunicornName: 'timeout', fromProcfile: p => seconds(p.timeoutSeconds), asPython: duration, resolvedName: 'timeoutSeconds', resolve: wholeSeconds('timeout', 30) },
  gracefulTimeout: {
    gunicornName: 'graceful_timeout',
    fromProcfile: p => seconds(p.gracefulTimeoutSeconds),
    asPython: duration,
    resolvedName: 'gracefulTimeoutSeconds',
    resolve: wholeSeconds('gracefulTimeout', 30),
  },
  keepAlive: { gunicornName: 'keepalive', fromProcfile: p => seconds(p.keepAliveSeconds), asPython: duration, resolvedName: 'keepAliveSeconds', resolve: wholeSeconds('keepAlive', 5) },
  maxRequests: {
    gunicornName: 'max_requests',
    fromProcfile: p => p.maxRequests,
    asPython: number,
    resolvedName: 'maxRequests',
    resolve: count('maxRequests', 0, 2 ** 31 - 1, 'use 0 (never restart) or a positive request count', 0),
  },
  maxRequestsJitter: {
    gunicornName: 'max_requests_jitter',
    fromProcfile: p => p.maxRequestsJitter,
    asPython: number,
    resolvedName: 'maxRequestsJitter',
    resolve: count('maxRequestsJitter', 0, 2 ** 31 - 1, 'use 0 or a positive request count', 0),
  },
  forwardedAllowIps: {
    gunicornName: 'forwarded_allow_ips',
    fromProcfile: p => p.forwardedAllowIps,
    asPython: value => JSON.stringify((value as string[]).join(',')),
    resolvedName: 'forwardedAllowIps',
    resolve: resolveForwardedAllowIps,
  },
  // The generated config writes the access log to stdout, or none.
  accessLog: { gunicornName: 'accesslog', fromProcfile: p => p.accessLog, asPython: value => (value ? '"-"' : 'None'), resolvedName: 'accessLog', resolve: flag(false) },
  preload: { gunicornName: 'preload_app', fromProcfile: p => p.preload, asPython: boolean, resolvedName: 'preload', resolve: flag(false) },
};

/** The row of a `GunicornSettings` key, if it is one. @internal */
export function gunicornSettingRow(key: string): GunicornSettingRow | undefined {
  return Object.prototype.hasOwnProperty.call(GUNICORN_SETTINGS, key) ? GUNICORN_SETTINGS[key as keyof GunicornSettings] : undefined;
}
