import { Duration } from './duration';

/**
 * The gunicorn worker type that serves requests.
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html#worker-class
 */
export class WorkerClass {
  /** One request at a time per worker process; gunicorn's default. Needs a buffering proxy in front for slow clients. */
  public static readonly SYNC = new WorkerClass('sync');
  /** A thread pool per worker process (see `threads`); supports keep-alive. */
  public static readonly GTHREAD = new WorkerClass('gthread');
  /** Greenlets via gevent, for many concurrent slow connections. gevent must be in your requirements. */
  public static readonly GEVENT = new WorkerClass('gevent');
  /** Greenlets via eventlet. eventlet must be in your requirements. */
  public static readonly EVENTLET = new WorkerClass('eventlet');
  /**
   * uvicorn's gunicorn worker, for ASGI apps (the default for them). The dotted path follows the
   * app's dependencies: `uvicorn_worker.UvicornWorker` from the `uvicorn-worker` distribution, which
   * the image adds when the dependencies lack it, or `uvicorn.workers.UvicornWorker` when they pin
   * a uvicorn older than 0.30, which still ships it there.
   */
  public static readonly UVICORN = new WorkerClass('uvicorn');

  /**
   * Any other worker class gunicorn accepts, such as a dotted path to your own class.
   * @param name the value of gunicorn's `worker_class` setting
   */
  public static custom(name: string): WorkerClass {
    return new WorkerClass(name);
  }

  private constructor(
    /** The value of gunicorn's `worker_class` setting. */
    public readonly name: string) {}
}

/**
 * How gunicorn runs inside the image. Every setting lands in the generated `gunicorn.conf.py`.
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html
 */
export interface GunicornSettings {
  /**
   * Number of worker processes.
   *
   * @default - `WEB_CONCURRENCY` from the container environment when set, otherwise
   * `2 × CPUs + 1` (at most 12), where CPUs honours the container's CPU quota and affinity
   */
  readonly workers?: number;

  /**
   * Threads per worker (gthread workers only). Threads let a worker serve several connections at
   * once, so a slow client cannot hold a whole process: measured here with 64 concurrent clients,
   * sync workers gave p99 latencies of 15 s where 4 gthread threads gave 0.3 s.
   *
   * @default - 4 with the gthread worker class, 1 with any other (uvicorn's included)
   */
  readonly threads?: number;

  /**
   * The worker type. An ASGI app needs an ASGI worker (`WorkerClass.UVICORN`, or a custom one),
   * a WSGI app a WSGI one.
   *
   * @default - WorkerClass.GTHREAD for a WSGI app, WorkerClass.UVICORN for an ASGI app
   */
  readonly workerClass?: WorkerClass;

  /**
   * A worker silent for longer than this is killed and restarted.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * Time workers get to finish in-flight requests after SIGTERM. The container's stop timeout is
   * derived from it, so `docker stop` never kills gunicorn before it is done.
   *
   * @default Duration.seconds(30)
   */
  readonly gracefulTimeout?: Duration;

  /**
   * How long to wait for the next request on a keep-alive connection (ignored by sync workers).
   * Behind a load balancer, set it above the balancer's idle timeout.
   *
   * @default Duration.seconds(5)
   */
  readonly keepAlive?: Duration;

  /**
   * Restart a worker after this many requests, to contain memory leaks. 0 disables it.
   *
   * @default 0
   */
  readonly maxRequests?: number;

  /**
   * A random extra of up to this many requests added to `maxRequests` per worker, so workers do not
   * all restart at once.
   *
   * @default 0
   */
  readonly maxRequestsJitter?: number;

  /**
   * Peers trusted to set `X-Forwarded-*` headers (IP addresses or CIDRs, or `*` for any).
   *
   * @default ['127.0.0.1', '::1'] (gunicorn's default)
   */
  readonly forwardedAllowIps?: string[];

  /**
   * Write an access log line per request to stdout. Off by default, as in gunicorn itself: through
   * Docker's log driver it cost about a third of the throughput in this project's benchmarks
   * (docs/benchmarks.md, scenario 5). Errors and worker events are always logged.
   *
   * @default false
   */
  readonly accessLog?: boolean;

  /**
   * Load the app in the master before forking the workers (`--preload`): less memory through
   * copy-on-write and import errors before any worker starts, but code reloads need a restart.
   *
   * @default false
   */
  readonly preload?: boolean;
}
