/**
 * A steady client on loopback for rollouts: one request at a time, about 20 per second, for as
 * long as a deploy runs. Bounded twice, by a request count and by a time, whichever comes first.
 * Only 127.0.0.1 is ever targeted.
 */
import * as http from 'http';

/** One polled request: when it started (ms from the start of polling), its status (0: no answer) and body. */
export interface Sample {
  readonly ms: number;
  readonly status: number;
  readonly body: string;
}

export interface PollOptions {
  /** Milliseconds between the starts of two requests. */
  readonly intervalMs?: number;
  /** Polling stops after this many requests in any case. */
  readonly maxRequests?: number;
  /** Polling stops after this many milliseconds in any case. */
  readonly maxMs?: number;
  /** How long one request may take before it counts as failed. */
  readonly timeoutMs?: number;
}

export const POLL_INTERVAL_MS = 50;

function request(port: number, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise(ok => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, res => {
      let body = '';
      res.setEncoding('utf-8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      res.on('error', () => ok({ status: 0, body: '' }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok({ status: 0, body: '' }));
  });
}

/** Polls 127.0.0.1:port at a steady pace until stop(), or until either bound is reached. */
export function poll(port: number, path: string, options: PollOptions = {}): { stop(): Promise<Sample[]> } {
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const maxRequests = options.maxRequests ?? 12_000;
  const maxMs = options.maxMs ?? 600_000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running && samples.length < maxRequests && elapsed() < maxMs) {
      const ms = elapsed();
      const answer = await request(port, path, timeoutMs);
      samples.push({ ms, ...answer });
      const wait = ms + interval - elapsed();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Requests without a 200 answer. */
export function failures(samples: readonly Sample[]): Sample[] {
  return samples.filter(s => s.status !== 200);
}

/**
 * The longest time between two successful answers, less the polling interval; a failure after the
 * last success (the app never came back) counts up to the end of polling.
 */
export function longestGap(samples: ReadonlyArray<{ ms: number; status: number }>, interval = POLL_INTERVAL_MS): number {
  let longest = 0;
  let lastOk: number | undefined;
  for (const s of samples) {
    if (s.status !== 200) continue;
    if (lastOk !== undefined) longest = Math.max(longest, s.ms - lastOk - interval);
    lastOk = s.ms;
  }
  const last = samples[samples.length - 1];
  if (last && last.status !== 200 && lastOk !== undefined) longest = Math.max(longest, last.ms - lastOk);
  return Math.max(0, longest);
}
