/** Probes for the Swarm suite; all traffic goes to 127.0.0.1. */
import { execFileSync } from 'child_process';
import { TEST_LABEL } from '../labels';
import { get } from '../probes';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Whether the ingress routing mesh answers here: a throwaway service (the offline base running
 * Python's http.server) published in ingress mode on `port`, asked on loopback, then removed.
 */
export async function ingressWorks(port: number, image = 'cdktf-wsgi-test/python-offline:3.11'): Promise<boolean> {
  const name = `cdktf-wsgi-ingress-probe-${process.pid}`;
  execFileSync('docker', ['service', 'create', '--detach', '--name', name, '--label', `${TEST_LABEL}=engine`, '--container-label', `${TEST_LABEL}=engine`,
    '--publish', `published=${port},target=8000,mode=ingress`, image, 'python3', '-m', 'http.server', '8000'], { stdio: 'ignore', timeout: 60_000 });
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const running = execFileSync('docker', ['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', name], { encoding: 'utf-8' });
      if (/^Running/m.test(running)) break;
      await sleep(500);
    }
    for (let i = 0; i < 20; i++) {
      const r = await get(port, '/').catch(() => undefined);
      if (r?.status === 200) return true;
      await sleep(500);
    }
    return false;
  } finally {
    execFileSync('docker', ['service', 'rm', name], { stdio: 'ignore', timeout: 60_000 });
  }
}

export interface ClientReport {
  readonly requests: number;
  readonly failed: number;
  /** The longest time without a successful answer, in ms. */
  readonly longestGapMs: number;
}

/**
 * One request after another on loopback, `intervalMs` apart, each with a 2 s timeout, bounded in
 * count and time; stop() ends it and reports failures and the longest gap between successes.
 */
export function steadyClient(port: number, urlPath: string, bounds: { intervalMs: number; maxRequests: number; maxSeconds: number }) {
  let stopped = false;
  let requests = 0;
  let failed = 0;
  let lastOk = Date.now();
  let longestGapMs = 0;
  const started = Date.now();
  const loop = (async () => {
    while (!stopped && requests < bounds.maxRequests && Date.now() - started < bounds.maxSeconds * 1000) {
      requests++;
      const r = await Promise.race([get(port, urlPath).catch(() => undefined), sleep(2000).then(() => undefined)]);
      const now = Date.now();
      if (r?.status === 200) {
        longestGapMs = Math.max(longestGapMs, now - lastOk);
        lastOk = now;
      } else {
        failed++;
      }
      await sleep(bounds.intervalMs);
    }
  })();
  return {
    async stop(): Promise<ClientReport> {
      stopped = true;
      await loop;
      longestGapMs = Math.max(longestGapMs, Date.now() - lastOk);
      return { requests, failed, longestGapMs };
    },
  };
}
