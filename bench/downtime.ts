/**
 * Scenario 8: how long the app is unreachable while `terraform apply` (what `cdktf deploy` runs)
 * rolls out a one-file code change. A bounded client polls the published port on loopback at
 * about 20 requests/s for the whole apply; Terraform's output lines are timestamped as they come,
 * so the gap can be set beside the order in which resources were built, destroyed and created.
 * The same app as a stack written by hand with the raw provider classes, as the library's stack,
 * and as the library's with a release command; a code edit (the dependency layer is reused) and a
 * dependency edit (it is rebuilt).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Duration, HealthCheck, ReleaseCommand, WsgiContainer, WsgiImage } from '../src';
import { addDockerProvider, ON_3_6_2, PROVIDER_VERSION } from '../test/engine/provider';
import { terraformEnv, toolchainUnavailable } from '../test/engine/terraform';

const ROOT = path.resolve(__dirname, '..');
const LEAVES = path.join(ROOT, 'examples', 'leaves', 'app');
const POLL_INTERVAL_MS = 50;
/** No apply in this scenario may take longer; the poller stops then in any case. */
const MAX_APPLY_MS = 600_000;

type Variant = 'hand' | 'library' | 'release';
const VARIANTS: Variant[] = ['hand', 'library', 'release'];
const PORTS: Record<Variant, number> = { hand: 18190, library: 18191, release: 18192 };
const LABELS: Record<Variant, string> = {
  hand: 'hand-written (raw `Image` + `Container`, Terraform\'s default order)',
  library: '`WsgiImage` + `WsgiContainer`',
  release: '`WsgiImage` + `WsgiContainer` with a `releaseCommand` (2 s)',
};
/** The library's default HTTP health check timings, repeated in the hand-written stack. */
const HEALTH = { interval: '10s', timeout: '5s', startPeriod: '10s', retries: 3 };

interface Rollout {
  readonly applyMs: number;
  readonly imageBuildMs: number;
  readonly requests: number;
  readonly failed: number;
  readonly longestGapMs: number;
  /** Terraform's progress lines with their time from the start of the apply, in ms. */
  readonly events: Array<{ ms: number; line: string }>;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Synthesizes one variant into a fresh outdir; the state lives at a fixed path across re-synths. */
function synthVariant(variant: Variant, source: string, work: string): string {
  const outdir = fs.mkdtempSync(path.join(work, `out-${variant}-`));
  const app = new App({ outdir, stackTraces: false });
  const id = `downtime-${variant}`;
  const stack = new TerraformStack(app, id);
  new LocalBackend(stack, { path: path.join(work, `${id}.tfstate`) });
  addDockerProvider(stack);
  const name = `cdktf-wsgi-bench-${id}`;
  if (variant === 'hand') {
    // The same build context and health check, wired the way a hand-written stack does it.
    const stage = new App({ outdir: fs.mkdtempSync(path.join(work, 'stage-')), stackTraces: false });
    const stageStack = new TerraformStack(stage, 'stage');
    addDockerProvider(stageStack);
    const staged = new WsgiImage(stageStack, 'Image', { source, entrypoint: 'manager:app', port: 8123 });
    stage.synth();
    const image = new Image(stack, 'Image', {
      name: 'cdktf-wsgi-bench/hand:latest',
      // As a hand-written stack must write it for each line: 3.6.2 resolves the Dockerfile against
      // Terraform's working directory, 4.x against the context (docs/providers.md).
      buildAttribute: { context: 'context', dockerfile: ON_3_6_2 ? 'context/Dockerfile' : 'Dockerfile' },
      triggers: { source: staged.fingerprint },
    });
    new Container(stack, 'Web', {
      name,
      image: image.imageId,
      ports: [{ internal: 8123, external: PORTS.hand, ip: '127.0.0.1' }],
      user: staged.user,
      restart: 'unless-stopped',
      healthcheck: {
        test: ['CMD', 'python3', '-c', 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8123/api/leaves", timeout=4)'],
        ...HEALTH,
      },
      wait: true,
      waitTimeout: 60,
      stopSignal: 'SIGTERM',
      stopTimeout: 35,
      destroyGraceSeconds: 35,
    });
    app.synth();
    const stackDir = path.join(outdir, 'stacks', id);
    fs.cpSync(path.join(stage.outdir, 'stacks', 'stage', staged.contextPath), path.join(stackDir, 'context'), { recursive: true });
    return stackDir;
  }
  const image = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', port: 8123 });
  new WsgiContainer(stack, 'Web', {
    image,
    containerName: name,
    publish: [{ hostPort: PORTS[variant] }],
    healthCheck: HealthCheck.http('/api/leaves', {
      interval: Duration.seconds(10), timeout: Duration.seconds(5), startPeriod: Duration.seconds(10), retries: 3,
    }),
    releaseCommand: variant === 'release' ? ReleaseCommand.exec(['python3', '-c', 'import time; time.sleep(2); print("released")']) : undefined,
  });
  app.synth();
  return path.join(outdir, 'stacks', id);
}

/** Runs terraform in stackDir; each output line is passed on with its time since the start. */
export function terraform(stackDir: string, args: string[], onLine?: (ms: number, line: string) => void): Promise<void> {
  const started = process.hrtime.bigint();
  return new Promise((ok, ko) => {
    const child = spawn('terraform', args, { cwd: stackDir, env: terraformEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGTERM'), MAX_APPLY_MS);
    let err = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      for (const line of lines) onLine?.(ms, line);
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('close', code => {
      clearTimeout(timer);
      if (code === 0) ok();
      else ko(new Error(`terraform ${args.join(' ')} failed (${code}) in ${stackDir}:\n${err}`));
    });
  });
}

function status(port: number): Promise<number> {
  return new Promise(ok => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/leaves', timeout: 1000 }, res => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(0));
  });
}

/** Polls at about 20 requests/s until stop() or MAX_APPLY_MS; returns each request's start and status. */
export function poll(port: number): { stop(): Promise<Array<{ ms: number; ok: boolean }>> } {
  const started = process.hrtime.bigint();
  const samples: Array<{ ms: number; ok: boolean }> = [];
  let running = true;
  const loop = (async () => {
    while (running && Number(process.hrtime.bigint() - started) / 1e6 < MAX_APPLY_MS) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const code = await status(port);
      samples.push({ ms, ok: code === 200 });
      const next = ms + POLL_INTERVAL_MS - Number(process.hrtime.bigint() - started) / 1e6;
      if (next > 0) await new Promise(r => setTimeout(r, next));
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

/** What a rollout changes: one .py file (the dependency layer is reused), or requirements.txt (it is rebuilt). */
type Edit = 'code' | 'deps';

/** One rollout of an edit on a deployed variant, measured. */
async function rollout(variant: Variant, edit: Edit, source: string, work: string): Promise<Rollout> {
  const file = edit === 'code' ? path.join(source, 'app', '__init__.py') : path.join(source, 'requirements.txt');
  fs.appendFileSync(file, `\n# edit ${Date.now()}\n`);
  const stackDir = synthVariant(variant, source, work);
  await terraform(stackDir, ['init', '-input=false', '-no-color', '-reconfigure']);
  const poller = poll(PORTS[variant]);
  await new Promise(r => setTimeout(r, 1000));
  const events: Array<{ ms: number; line: string }> = [];
  const applyStart = process.hrtime.bigint();
  await terraform(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color'], (ms, line) => {
    if (/: (Creating|Creation complete|Destroying|Destruction complete)/.test(line)) events.push({ ms, line: line.trim() });
  });
  const applyMs = Number(process.hrtime.bigint() - applyStart) / 1e6;
  await new Promise(r => setTimeout(r, 2000));
  const samples = await poller.stop();
  const built = events.find(e => /^docker_image\.[^:]+: Creation complete after/.test(e.line));
  const buildStart = events.find(e => /^docker_image\.[^:]+: Creating/.test(e.line));
  return {
    applyMs,
    imageBuildMs: built && buildStart ? built.ms - buildStart.ms : 0,
    requests: samples.length,
    failed: samples.filter(s => !s.ok).length,
    longestGapMs: longestGap(samples),
    events,
  };
}

/**
 * The longest time between two successful answers, less the polling interval; a failure after the
 * last success (the app never came back) counts up to the end of polling.
 */
export function longestGap(samples: Array<{ ms: number; ok: boolean }>): number {
  let longest = 0;
  let lastOk: number | undefined;
  for (const s of samples) {
    if (!s.ok) continue;
    if (lastOk !== undefined) longest = Math.max(longest, s.ms - lastOk - POLL_INTERVAL_MS);
    lastOk = s.ms;
  }
  const last = samples[samples.length - 1];
  if (last && !last.ok && lastOk !== undefined) longest = Math.max(longest, last.ms - lastOk);
  return Math.max(0, longest);
}

export async function downtimeScenario(opts: { quick: boolean; work: string; runs: number }): Promise<string[]> {
  const title = `## 8. Downtime while a code change deploys (kreuzwerker/docker ${PROVIDER_VERSION})`;
  const missing = toolchainUnavailable();
  if (missing) {
    return [title, '', `Not measured: the real toolchain is unavailable (${missing.split('\n').slice(-1)[0]}).`, ''];
  }
  const work = path.join(opts.work, 'downtime');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const cases: Array<[Variant, Edit]> = [['hand', 'code'], ['library', 'code'], ['release', 'code'], ['hand', 'deps'], ['library', 'deps']];
  const results = new Map<string, Rollout[]>(cases.map(([v, e]) => [`${v}/${e}`, []]));
  for (const variant of VARIANTS) {
    const source = path.join(work, `src-${variant}`);
    fs.cpSync(LEAVES, source, { recursive: true });
    const first = synthVariant(variant, source, work);
    await terraform(first, ['init', '-input=false', '-no-color', '-reconfigure']);
    await terraform(first, ['apply', '-auto-approve', '-input=false', '-no-color']);
    try {
      for (let i = 0; i < opts.runs; i++) {
        for (const [v, edit] of cases) {
          if (v === variant) results.get(`${v}/${edit}`)!.push(await rollout(variant, edit, source, work));
        }
      }
    } finally {
      // Synthesized again from the source as it is now, so the destroy plans against the last state.
      const last = synthVariant(variant, source, work);
      await terraform(last, ['init', '-input=false', '-no-color', '-reconfigure']).catch(() => undefined);
      await terraform(last, ['destroy', '-auto-approve', '-input=false', '-no-color']).catch(e => process.stderr.write(`${e}\n`));
    }
  }

  const EDITS: Record<Edit, string> = { code: 'one `.py` line', deps: '`requirements.txt` (dependency layer rebuilt)' };
  const med = (key: string, f: (r: Rollout) => number) => median(results.get(key)!.map(f));
  const row = ([v, e]: [Variant, Edit]) => {
    const key = `${v}/${e}`;
    return `| ${LABELS[v]} | ${EDITS[e]} | ${fmt(med(key, r => r.applyMs) / 1000, 1)} s | ${fmt(med(key, r => r.imageBuildMs) / 1000, 1)} s | ` +
      `${fmt(med(key, r => r.failed))} of ${fmt(med(key, r => r.requests))} | ${fmt(med(key, r => r.longestGapMs) / 1000, 2)} s |`;
  };
  const order = (key: string) => results.get(key)![0].events.map(e => `${fmt(e.ms / 1000, 1)} s ${e.line.replace(/ \[id=[^\]]*\]/, '')}`);
  const gap = (key: string) => med(key, r => r.longestGapMs);
  const build = (key: string) => med(key, r => r.imageBuildMs);
  const lines = [
    title,
    '',
    `An edit, then \`terraform apply\` in the stack directory (what \`cdktf deploy\` runs), with Terraform 1.11 and kreuzwerker/docker ${PROVIDER_VERSION}. ` +
      'A client polls `GET /api/leaves` on the published loopback port every 50 ms from 1 s before the apply until 2 s after it. ' +
      '"Longest gap" is the longest time between two successful answers, less the polling interval. ' +
      `Median of ${opts.runs} run${opts.runs > 1 ? 's' : ''} per row.`,
    '',
    '| Stack | edit | apply | image build | failed requests | longest gap |',
    '|---|---|---|---|---|---|',
    ...cases.map(row),
    '',
  ];
  // Conclusions only as far as this run's figures carry them.
  lines.push(gap('library/code') <= 2000
    ? `A code edit: the library's gap is ${fmt(gap('library/code') / 1000, 2)} s, within the 2 s target, with an image build of ${fmt(build('library/code') / 1000, 1)} s (the dependency layer is reused).`
    : `A code edit: the library's gap is ${fmt(gap('library/code') / 1000, 2)} s, over the 2 s target (image build ${fmt(build('library/code') / 1000, 1)} s).`);
  lines.push(gap('library/deps') >= build('library/deps')
    ? `A dependency edit: the gap (${fmt(gap('library/deps') / 1000, 2)} s) includes the whole build (${fmt(build('library/deps') / 1000, 1)} s), as in the hand-written stack (${fmt(gap('hand/deps') / 1000, 2)} s): ` +
      'Terraform destroys the container before it builds the image it is replaced with (see the order below).'
    : `A dependency edit: the gap (${fmt(gap('library/deps') / 1000, 2)} s) is shorter than the build (${fmt(build('library/deps') / 1000, 1)} s).`);
  lines.push('', 'Order of operations in the first run of each row (time from the start of the apply):', '');
  for (const [v, e] of cases) lines.push(`${LABELS[v]}, ${EDITS[e]}:`, '', '```', ...order(`${v}/${e}`), '```', '');
  return lines;
}
