import { Duration } from './duration';
import { RenderedHealthCheck } from './private/rendered-health-check';

/** Timing of a container health check. */
export interface HealthCheckOptions {
  /**
   * Time between two checks.
   *
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;

  /**
   * A check running longer than this counts as failed.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Failures during this time after start do not count, so slow app imports do not mark the
   * container unhealthy.
   *
   * @default Duration.seconds(10)
   */
  readonly startPeriod?: Duration;

  /**
   * Consecutive failures before the container is unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
}

/**
 * The script an HTTP check runs with the image's own Python: slim images have no curl. The port and
 * path arrive as arguments, so no user value is ever part of the code. A 4xx/5xx answer raises,
 * which exits 1 (unhealthy).
 */
const HTTP_PROBE = 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:" + sys.argv[1] + sys.argv[2], timeout=float(sys.argv[3]))';

/** How Docker decides whether the app container is healthy. */
export abstract class HealthCheck {
  /**
   * An HTTP GET from inside the container to the port gunicorn binds; healthy on a 2xx or 3xx answer.
   * @param path the request path, starting with `/`
   */
  public static http(path: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HttpHealthCheck(path, options);
  }

  /**
   * Any command run inside the container (exec form); healthy when it exits 0.
   * @param command the program and its arguments
   */
  public static command(command: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new CommandHealthCheck(command, options);
  }

  /** No health check: the container is never waited for and never reported unhealthy. */
  public static none(): HealthCheck {
    return new NoHealthCheck();
  }

  /** @internal */
  public abstract _render(port: number): RenderedHealthCheck | undefined;

  /**
   * The user value to validate, for error messages: the path or the command.
   * @internal
   */
  public abstract _describe(): { property: string; values: string[] };
}

function timing(options: HealthCheckOptions) {
  return {
    interval: options.interval ?? Duration.seconds(10),
    timeout: options.timeout ?? Duration.seconds(5),
    startPeriod: options.startPeriod ?? Duration.seconds(10),
    retries: options.retries ?? 3,
  };
}

class HttpHealthCheck extends HealthCheck {
  constructor(private readonly path: string, private readonly options: HealthCheckOptions) {
    super();
  }

  public _render(port: number): RenderedHealthCheck {
    const t = timing(this.options);
    // The probe gives up just before Docker would kill it, so a slow answer reports as a failure.
    const probeSeconds = Math.max(1, t.timeout.toSeconds() - 0.5);
    return { test: ['CMD', 'python', '-c', HTTP_PROBE, String(port), this.path, String(probeSeconds)], ...t };
  }

  public _describe() {
    return { property: 'healthCheck.path', values: [this.path] };
  }
}

class CommandHealthCheck extends HealthCheck {
  constructor(private readonly command: string[], private readonly options: HealthCheckOptions) {
    super();
  }

  public _render(): RenderedHealthCheck {
    return { test: ['CMD', ...this.command], ...timing(this.options) };
  }

  public _describe() {
    return { property: 'healthCheck.command', values: [...this.command] };
  }
}

class NoHealthCheck extends HealthCheck {
  public _render(): undefined {
    return undefined;
  }

  public _describe() {
    return { property: 'healthCheck', values: [] };
  }
}
