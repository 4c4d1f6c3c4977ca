import { Duration } from '../../../duration';
import { GunicornSettings, WorkerClass } from '../../../gunicorn';
import { ProcfileServerSettings } from '../../python/procfile';

/** One setting of `GunicornSettings`: its gunicorn name, and how the Procfile and a config file state it. */
interface GunicornSettingRow {
  /** gunicorn's name for it, as a config file assigns it. */
  readonly gunicornName: string;
  /** What the Procfile's web: line states, in the construct's type; undefined when it states nothing. */
  fromProcfile(procfile: ProcfileServerSettings): unknown;
  /** A stated value as the Python literal a config file would hold, to compare with the file's. */
  asPython(value: unknown): string;
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : Duration.seconds(value));
const number = (value: unknown) => String(value);
const duration = (value: unknown) => String((value as Duration).toSeconds());
const boolean = (value: unknown) => (value ? 'True' : 'False');

/**
 * Every setting the construct states, one row each, in the order the Procfile's values are
 * merged. The type asks for a row per `GunicornSettings` property, so a new setting cannot be
 * left out of the Procfile merge or the project-config comparison.
 *
 * @internal
 */
export const GUNICORN_SETTINGS: { readonly [K in keyof Required<GunicornSettings>]: GunicornSettingRow } = {
  workers: { gunicornName: 'workers', fromProcfile: p => p.workers, asPython: number },
  threads: { gunicornName: 'threads', fromProcfile: p => p.threads, asPython: number },
  workerClass: {
    gunicornName: 'worker_class',
    fromProcfile: p => (p.workerClass === undefined ? undefined : WorkerClass.custom(p.workerClass)),
    asPython: value => JSON.stringify((value as WorkerClass).name),
  },
  timeout: { gunicornName: 'timeout', fromProcfile: p => seconds(p.timeoutSeconds), asPython: duration },
  gracefulTimeout: { gunicornName: 'graceful_timeout', fromProcfile: p => seconds(p.gracefulTimeoutSeconds), asPython: duration },
  keepAlive: { gunicornName: 'keepalive', fromProcfile: p => seconds(p.keepAliveSeconds), asPython: duration },
  maxRequests: { gunicornName: 'max_requests', fromProcfile: p => p.maxRequests, asPython: number },
  maxRequestsJitter: { gunicornName: 'max_requests_jitter', fromProcfile: p => p.maxRequestsJitter, asPython: number },
  forwardedAllowIps: {
    gunicornName: 'forwarded_allow_ips',
    fromProcfile: p => p.forwardedAllowIps,
    asPython: value => JSON.stringify((value as string[]).join(',')),
  },
  // The generated config writes the access log to stdout, or none.
  accessLog: { gunicornName: 'accesslog', fromProcfile: p => p.accessLog, asPython: value => (value ? '"-"' : 'None') },
  preload: { gunicornName: 'preload_app', fromProcfile: p => p.preload, asPython: boolean },
};

/** The row of a `GunicornSettings` key, if it is one. @internal */
export function gunicornSettingRow(key: string): GunicornSettingRow | undefined {
  return Object.prototype.hasOwnProperty.call(GUNICORN_SETTINGS, key) ? GUNICORN_SETTINGS[key as keyof GunicornSettings] : undefined;
}
