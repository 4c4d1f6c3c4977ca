/**
 * Scenario 8: how long the app is unreachable while `terraform apply` (what `cdktf deploy` runs)
 * rolls out a change. A bounded client polls the published port on loopback at about 20
 * requests/s for the whole apply; Terraform's output lines are timestamped as they come, so the
 * gap can be set beside the order in which resources were built, destroyed and created. The same
 * app as a stack written by hand with the raw provider classes, and as the library's stack with
 * each update order, with and without a release command; a code edit (the dependency layer is
 * reused) and a dependency edit (it is rebuilt).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Duration, HealthCheck, ReleaseCommand, UpdateOrder, WsgiContainer, WsgiImage } from '../src';
import { failures, longestGap, poll } from '../test/engine/poller';
import { addDockerProvider, ON_3_6_2, PROVIDER_VERSION } from '../test/engine/provider';
import { terraformEnv, toolchainUnavailable } from '../test/engine/terraform';

const ROOT = path.resolve(__dirname, '..');
const LEAVES = path.join(ROOT, 'examples', 'leaves', 'app');
/** No apply in this scenario may take longer; the poller stops then in any case. */
const MAX_APPLY_MS = 600_000;

type Variant = 'hand' | 'stop-first' | 'stop-first-release' | 'start-first' | 'start-first-release';
const VARIANTS: Variant[] = ['hand', 'stop-first', 'stop-first-release', 'start-first', 'start-first-release'];
const PORTS: Record<Variant, number> = { 'hand': 18190, 'stop-first': 18191, 'stop-first-release': 18192, 'start-first': 18195, 'start-first-release': 18196 };
const LABELS: Record<Variant, string> = {
  'hand': 'hand-written (raw `Image` + `Container`, Terraform\'s default order)',
  'stop-first': '`WsgiContainer`, `UpdateOrder.STOP_FIRST` (replace in place, as before)',
  'stop-first-release': '`WsgiContainer`, `STOP_FIRST`, with a `releaseCommand` (2 s)',
  'start-first': '`WsgiContainer`, `UpdateOrder.START_FIRST` (the default)',
  'start-first-release': '`WsgiContainer`, `START_FIRST`, with a `releaseCommand` (2 s)',
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
    updateOrder: variant.startsWith('start-first') ? UpdateOrder.START_FIRST : UpdateOrder.STOP_FIRST,
    publish: [{ hostPort: PORTS[variant] }],
    healthCheck: HealthCheck.http('/api/leaves', {
      interval: Duration.seconds(10), timeout: Duration.seconds(5), startPeriod: Duration.seconds(10), retries: 3,
    }),
    releaseCommand: variant.endsWith('-release') ? ReleaseCommand.exec(['python3', '-c', 'import time; time.sleep(2); print("released")']) : undefined,
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

/** What a rollout changes: one .py file (the dependency layer is reused), or requirements.txt (it is rebuilt). */
type Edit = 'code' | 'deps';

/** One rollout of an edit on a deployed variant, measured. */
async function rollout(variant: Variant, edit: Edit, source: string, work: string): Promise<Rollout> {
  const file = edit === 'code' ? path.join(source, 'app', '__init__.py') : path.join(source, 'requirements.txt');
  fs.appendFileSync(file, `\n# edit ${Date.now()}\n`);
  const stackDir = synthVariant(variant, source, work);
  await terraform(stackDir, ['init', '-input=false', '-no-color', '-reconfigure']);
  const poller = poll(PORTS[variant], '/api/leaves', { maxMs: MAX_APPLY_MS });
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
    failed: failures(samples).length,
    longestGapMs: longestGap(samples),
    events,
  };
}

const EDITS: Record<Edit, string> = { code: 'one `.py` line', deps: '`requirements.txt` (dependency layer rebuilt)' };
/** Every variant with a code edit, and the three without a release command with a dependency edit. */
const CASES: Array<[Variant, Edit]> = [
  ['hand', 'code'], ['stop-first', 'code'], ['start-first', 'code'],
  ['stop-first-release', 'code'], ['start-first-release', 'code'],
  ['hand', 'deps'], ['stop-first', 'deps'], ['start-first', 'deps'],
];
/** Quick mode keeps the script working: every variant once, and each kind of edit. */
const QUICK_CASES: Array<[Variant, Edit]> = [
  ['hand', 'code'], ['stop-first', 'deps'], ['start-first', 'code'], ['stop-first-release', 'code'], ['start-first-release', 'deps'],
];

export async function downtimeScenario(opts: { quick: boolean; work: string; runs: number }): Promise<string[]> {
  const title = `## 8. Downtime while a code change deploys (kreuzwerker/docker ${PROVIDER_VERSION})`;
  const missing = toolchainUnavailable();
  if (missing) {
    return [title, '', `Not measured: the real toolchain is unavailable (${missing.split('\n').slice(-1)[0]}).`, ''];
  }
  const work = path.join(opts.work, 'downtime');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const cases = opts.quick ? QUICK_CASES : CASES;
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

  const med = (key: string, f: (r: Rollout) => number) => median(results.get(key)!.map(f));
  const row = ([v, e]: [Variant, Edit]) => {
    const key = `${v}/${e}`;
    return `| ${LABELS[v]} | ${EDITS[e]} | ${fmt(med(key, r => r.applyMs) / 1000, 1)} s | ${fmt(med(key, r => r.imageBuildMs) / 1000, 1)} s | ` +
      `${fmt(med(key, r => r.failed))} of ${fmt(med(key, r => r.requests))} | ${fmt(med(key, r => r.longestGapMs) / 1000, 2)} s |`;
  };
  const order = (key: string) => results.get(key)![0].events.map(e => `${fmt(e.ms / 1000, 1)} s ${e.line.replace(/ \[id=[^\]]*\]/, '')}`);
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
  // Conclusions only as far as this run's figures carry them; quick mode's carry none.
  if (!opts.quick) lines.push(...conclusions(cases, results), '');
  lines.push('Order of operations in the first run of each row (time from the start of the apply):', '');
  for (const [v, e] of cases) lines.push(`${LABELS[v]}, ${EDITS[e]}:`, '', '```', ...order(`${v}/${e}`), '```', '');
  return lines;
}

function conclusions(cases: Array<[Variant, Edit]>, results: Map<string, Rollout[]>): string[] {
  const med = (key: string, f: (r: Rollout) => number) => median(results.get(key)!.map(f));
  const gap = (key: string) => med(key, r => r.longestGapMs);
  const build = (key: string) => med(key, r => r.imageBuildMs);
  const lines: string[] = [];
  const failed = (key: string) => med(key, r => r.failed);
  const startFirst = cases.filter(([v]) => v.startsWith('start-first')).map(([v, e]) => `${v}/${e}`);
  const worstStartFirst = Math.max(...startFirst.map(key => Math.max(...results.get(key)!.map(r => r.failed))));
  lines.push(worstStartFirst === 0
    ? `\`UpdateOrder.START_FIRST\`: no request failed in any run of its rows (the new container listens next to the old one, and the old one stops only once the new one is healthy); its longest gap is ${fmt(Math.max(...startFirst.map(gap)) / 1000, 2)} s.`
    : `\`UpdateOrder.START_FIRST\`: ${worstStartFirst} requests failed in its worst run, so it did not reach 0 here.`);
  lines.push(`\`UpdateOrder.STOP_FIRST\` (today's replace in place), measured in the same run: ${fmt(failed('stop-first/code'))} failed with a gap of ${fmt(gap('stop-first/code') / 1000, 2)} s for a code edit, `
    + `${fmt(failed('stop-first/deps'))} with ${fmt(gap('stop-first/deps') / 1000, 2)} s for a dependency edit (image build ${fmt(build('stop-first/deps') / 1000, 1)} s), `
    + `${fmt(failed('stop-first-release/code'))} with ${fmt(gap('stop-first-release/code') / 1000, 2)} s with the release command; the hand-written stack: ${fmt(failed('hand/code'))} and ${fmt(gap('hand/code') / 1000, 2)} s.`);
  return lines;
}
