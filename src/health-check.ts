import { Duration } from './duration';
import { RenderedHealthCheck } from './private/core/rendered-health-check';
import { fail, Locatable, requireDuration, requireInteger, requireSingleLine } from './private/core/validation';

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
   * Time between two checks while the container is starting (within `startPeriod`, until a check
   * passes), so a new container is healthy, and a deploy waiting for it goes on, about as soon as
   * the app answers. Needs Docker Engine 25 or later (API 1.44): on an older engine both provider
   * lines fail to create the container ("requires API version 1.44"). A `WsgiService` cannot set
   * it: `docker_service` has no such attribute in either provider line.
   *
   * @default - none: Docker Engine 25 and later probe a starting container every 5 s, an older
   * engine one `interval` after it starts
   */
  readonly startInterval?: Duration;

  /**
   * Consecutive failures before the container is unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
}

/** Options of an HTTP health check. */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /**
   * Answers with a status below this are healthy. 400 accepts 2xx and 3xx (redirects are followed);
   * 500 also accepts 4xx, which still proves the app imported and serves.
   *
   * @default 400
   */
  readonly healthyBelowStatus?: number;
}

/**
 * The script an HTTP check runs with the image's own Python: slim images have no curl. Port, path,
 * timeout and status limit arrive as arguments, so no user value is ever part of the code. No
 * answer at all raises, which exits 1 (unhealthy).
 */
const HTTP_PROBE = [
  'import sys, urllib.error, urllib.request',
  'try:',
  '    urllib.request.urlopen("http://127.0.0.1:" + sys.argv[1] + sys.argv[2], timeout=float(sys.argv[3]))',
  'except urllib.error.HTTPError as e:',
  '    sys.exit(0 if e.code < int(sys.argv[4]) else 1)',
].join('\n');

/**
 * The HTTP check for a container that shares its network namespace and port with others (the
 * START_FIRST generations, HOST_NETWORK tasks), where 127.0.0.1:port may be answered by the old
 * version. It counts only an answer from a process of its own container: the request is sent
 * without its final line break, so the worker that accepted the connection holds it while the
 * probe looks the accepted socket up in /proc/net/tcp and among the file descriptors of the
 * processes it can see, which are its own container's (its own PID namespace). A connection
 * another container accepted is dropped and the probe connects again, until its timeout. No
 * redirect is followed: a 3xx counts by its own status. Arguments: port, path, timeout, limit.
 */
const OWN_HTTP_PROBE = [
  'import os, socket, sys, time',
  'port, limit = int(sys.argv[1]), int(sys.argv[4])',
  'deadline = time.monotonic() + float(sys.argv[3])',
  'def accepted(client_port):',
  '    want = ("0100007F:%04X" % port, "0100007F:%04X" % client_port)',
  '    with open("/proc/net/tcp") as table:',
  '        for row in table.readlines()[1:]:',
  '            f = row.split()',
  '            if (f[1], f[2]) == want and f[9] != "0":',
  '                return "socket:[" + f[9] + "]"',
  'def ours(sock):',
  '    for pid in filter(str.isdigit, os.listdir("/proc")):',
  '        try:',
  '            if any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) == sock for fd in os.listdir("/proc/%s/fd" % pid)):',
  '                return True',
  '        except OSError:',
  '            pass',
  '    return False',
  'while time.monotonic() < deadline:',
  '    c = socket.create_connection(("127.0.0.1", port), timeout=max(0.1, deadline - time.monotonic()))',
  '    c.sendall(("GET " + sys.argv[2] + " HTTP/1.0\\r\\nHost: 127.0.0.1:%d\\r\\n" % port).encode())',
  '    sock = None',
  '    while sock is None and time.monotonic() < deadline:',
  '        sock = accepted(c.getsockname()[1]) or time.sleep(0.02)',
  '    if sock is not None and ours(sock):',
  '        c.sendall(b"\\r\\n")',
  '        status = c.makefile("rb").readline().split()',
  '        sys.exit(0 if len(status) > 1 and int(status[1]) < limit else 1)',
  '    c.close()',
  'sys.exit(1)',
].join('\n');

/** How Docker decides whether the app container is healthy. */
export abstract class HealthCheck {
  /**
   * The health check of a container or service that sets none: `GET /` below 500.
   *
   * @internal
   */
  public static _default(): HealthCheck {
    return HealthCheck.http('/', { healthyBelowStatus: 500 });
  }

  /**
   * An HTTP GET from inside the container to the port gunicorn binds; healthy on a 2xx or 3xx
   * answer (see `healthyBelowStatus`).
   * @param path the request path, starting with `/`
   */
  public static http(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
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

  /**
   * Checks the settings, naming `site` and the property in any error, and renders the check for
   * the app's port (`sharedPort`: a port other containers' processes listen on too, so an HTTP
   * check must count only its own container's answer); undefined for HealthCheck.none().
   *
   * @internal
   */
  public _bind(site: Locatable, port: number, sharedPort = false): RenderedHealthCheck | undefined {
    const described = this._describe();
    described.values.forEach(v => requireSingleLine(site, described.property, v));
    if (described.property === 'healthCheck.path' && !described.values[0].startsWith('/')) {
      fail(site, 'healthCheck.path', described.values[0], 'does not start with "/"', 'use a request path such as "/healthz"');
    }
    if (described.healthyBelowStatus !== undefined) {
      requireInteger(site, 'healthCheck.healthyBelowStatus', described.healthyBelowStatus, 200, 600, 'use 400 (2xx and 3xx are healthy) or 500 (any answer but a server error)');
    }
    if (described.property === 'healthCheck.command' && described.values.length === 0) {
      fail(site, 'healthCheck.command', [], 'is empty', 'give the program and its arguments, e.g. ["python3", "-c", "..."]');
    }
    for (const [name, d] of Object.entries(this._durations())) {
      requireDuration(site, `healthCheck.${name}`, d);
    }
    const check = this._render(port, sharedPort);
    if (check) {
      requireInteger(site, 'healthCheck.retries', check.retries, 1, 100, 'use a retry count from 1 to 100');
      for (const [name, ms] of [['interval', check.intervalMs], ['timeout', check.timeoutMs]] as const) {
        if (ms < 1000) {
          fail(site, `healthCheck.${name}`, Duration.millis(ms).toString(), 'is shorter than 1 second', 'use Duration.seconds(1) or more');
        }
      }
      // Each check starts a Python process in the container: a few per second at most.
      if (check.startIntervalMs !== undefined && check.startIntervalMs < 100) {
        fail(site, 'healthCheck.startInterval', Duration.millis(check.startIntervalMs).toString(), 'is shorter than 100 milliseconds', 'use Duration.millis(100) or more, such as Duration.seconds(1)');
      }
    }
    return check;
  }

  /** @internal */
  public abstract _render(port: number, sharedPort?: boolean): RenderedHealthCheck | undefined;

  /**
   * The user value to validate, for error messages: the path or the command.
   * @internal
   */
  public abstract _describe(): { property: string; values: string[]; healthyBelowStatus?: number };

  /**
   * The durations given in the options, by option name, for the container to validate.
   * @internal
   */
  public _durations(): { [name: string]: Duration | undefined } {
    return {};
  }
}

/** The durations an options object gives (unset ones undefined), for the container to validate. */
function givenDurations(options: HealthCheckOptions) {
  return { interval: options.interval, timeout: options.timeout, startPeriod: options.startPeriod, startInterval: options.startInterval };
}

/** The timing of a check, with Docker's defaults filled in. */
function timing(options: HealthCheckOptions) {
  return {
    intervalMs: (options.interval ?? Duration.seconds(10)).toMilliseconds(),
    timeoutMs: (options.timeout ?? Duration.seconds(5)).toMilliseconds(),
    startPeriodMs: (options.startPeriod ?? Duration.seconds(10)).toMilliseconds(),
    startIntervalMs: options.startInterval?.toMilliseconds(),
    retries: options.retries ?? 3,
  };
}

class HttpHealthCheck extends HealthCheck {
  constructor(private readonly path: string, private readonly options: HttpHealthCheckOptions) {
    super();
  }

  public _render(port: number, sharedPort = false): RenderedHealthCheck {
    const t = timing(this.options);
    // The probe gives up just before Docker would kill it, so a slow answer reports as a failure.
    const probeSeconds = Math.max(1, t.timeoutMs / 1000 - 0.5);
    const below = this.options.healthyBelowStatus ?? 400;
    if (sharedPort) {
      return { test: ['CMD', 'python3', '-c', OWN_HTTP_PROBE, String(port), this.path, String(probeSeconds), String(below)], ...t };
    }
    return { test: ['CMD', 'python3', '-c', HTTP_PROBE, String(port), this.path, String(probeSeconds), String(below)], ...t };
  }

  public _describe() {
    return { property: 'healthCheck.path', values: [this.path], healthyBelowStatus: this.options.healthyBelowStatus };
  }

  public _durations() {
    return givenDurations(this.options);
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

  public _durations() {
    return givenDurations(this.options);
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
