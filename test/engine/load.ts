/** A bounded HTTP load from a second process, on loopback only. */
import { execFile } from 'child_process';

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

/**
 * Runs autocannon in its own process against 127.0.0.1:port for a fixed duration and connection
 * count; it stops by itself. Only loopback is ever targeted.
 */
export function loadTest(port: number, path: string, seconds: number, connections: number): Promise<LoadResult> {
  const cli = require.resolve('autocannon/autocannon.js');
  const args = [cli, '--json', '-c', String(connections), '-d', String(seconds), '-t', '10', `http://127.0.0.1:${port}${path}`];
  return new Promise((ok, ko) => {
    execFile(process.execPath, args, { timeout: (seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return ko(err);
      const r = JSON.parse(stdout);
      return ok({
        requests: r.requests.total,
        requestsPerSecond: r.requests.average,
        p99Ms: r.latency.p99,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
      });
    });
  });
}
