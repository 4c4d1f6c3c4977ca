/**
 * Scenario 10: a one-file code change rolled out by `terraform apply` on a WsgiService (Docker
 * Swarm) against the same app as a WsgiContainer: failed requests, longest gap and apply time,
 * measured by the same loopback poller as scenario 8. The service publishes three ways: in the
 * node's network namespace (PublishMode.HOST_NETWORK, two tasks, start-first); and, as the
 * baseline in the same run, through the mesh where the engine has it (two tasks, start-first), or
 * in host mode where it does not (one task, stop-first).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { median, terraform } from './downtime';
import { Duration, HealthCheck, PublishMode, ServiceMode, WsgiContainer, WsgiImage, WsgiService } from '../src';
import { failures, longestGap, poll } from '../test/engine/poller';
import { addDockerProvider, PROVIDER_VERSION } from '../test/engine/provider';
import { ingressWorks } from '../test/engine/swarm/probes';
import { toolchainUnavailable } from '../test/engine/terraform';

const LEAVES = path.resolve(__dirname, '..', 'examples', 'leaves', 'app');
type Variant = 'container' | 'service' | 'service-host-network';
const VARIANTS: Variant[] = ['container', 'service', 'service-host-network'];
const PORTS: Record<Variant, number> = { 'container': 18193, 'service': 18194, 'service-host-network': 18197 };
/** The same, quick health check for both, so neither waits on a slow probe. */
const HEALTH = HealthCheck.http('/api/leaves', { interval: Duration.seconds(2), timeout: Duration.seconds(2), startPeriod: Duration.seconds(2), retries: 3 });

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function synth(variant: Variant, source: string, work: string, ingress: boolean): string {
  const outdir = fs.mkdtempSync(path.join(work, `out-${variant}-`));
  const app = new App({ outdir, stackTraces: false });
  const id = `scaling-${variant}`;
  const stack = new TerraformStack(app, id);
  new LocalBackend(stack, { path: path.join(work, `${id}.tfstate`) });
  addDockerProvider(stack);
  const image = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', port: 8123, labels: { 'cdktf-wsgi.bench': 'scaling' } });
  if (variant === 'container') {
    new WsgiContainer(stack, 'Web', { image, containerName: `cdktf-wsgi-bench-${id}`, publish: [{ hostPort: PORTS.container }], healthCheck: HEALTH });
  } else if (variant === 'service') {
    new WsgiService(stack, 'Web', {
      image,
      serviceName: `cdktf-wsgi-bench-${id}`,
      mode: ServiceMode.replicated(ingress ? 2 : 1),
      publish: [{ publishedPort: PORTS.service, mode: ingress ? PublishMode.INGRESS : PublishMode.HOST }],
      healthCheck: HEALTH,
    });
  } else {
    new WsgiService(stack, 'Web', {
      image,
      serviceName: `cdktf-wsgi-bench-${id}`,
      mode: ServiceMode.replicated(2),
      publish: [{ publishedPort: PORTS[variant], mode: PublishMode.HOST_NETWORK }],
      healthCheck: HEALTH,
    });
  }
  app.synth();
  return path.join(outdir, 'stacks', id);
}

interface Measured { readonly applyMs: number; readonly requests: number; readonly failed: number; readonly longestGapMs: number }

async function rollout(variant: Variant, source: string, work: string, ingress: boolean): Promise<Measured> {
  fs.appendFileSync(path.join(source, 'app', '__init__.py'), `\n# edit ${Date.now()}\n`);
  const stackDir = synth(variant, source, work, ingress);
  await terraform(stackDir, ['init', '-input=false', '-no-color', '-reconfigure']);
  const poller = poll(PORTS[variant], '/api/leaves');
  await new Promise(r => setTimeout(r, 1000));
  const started = process.hrtime.bigint();
  await terraform(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  const applyMs = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise(r => setTimeout(r, 2000));
  const samples = await poller.stop();
  return { applyMs, requests: samples.length, failed: failures(samples).length, longestGapMs: longestGap(samples) };
}

export async function swarmRolloutScenario(opts: { quick: boolean; work: string; runs: number }): Promise<string[]> {
  const title = `## 10. Rolling out a code change: WsgiService (Swarm) against WsgiContainer (kreuzwerker/docker ${PROVIDER_VERSION})`;
  const missing = toolchainUnavailable();
  const swarm = (() => {
    try {
      return execFileSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf-8' }).trim();
    } catch {
      return 'no engine';
    }
  })();
  if (missing || swarm !== 'active') {
    return [title, '', `Not measured: ${missing ? `the real toolchain is unavailable (${missing.split('\n').slice(-1)[0]})` : `Swarm is ${swarm} (run test/engine/swarm/up.sh)`}.`, ''];
  }
  const ingress = await ingressWorks(18398);
  const work = path.join(opts.work, 'scaling');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const results: Record<Variant, Measured[]> = { 'container': [], 'service': [], 'service-host-network': [] };
  for (const variant of VARIANTS) {
    const source = path.join(work, `src-${variant}`);
    fs.cpSync(LEAVES, source, { recursive: true });
    const first = synth(variant, source, work, ingress);
    await terraform(first, ['init', '-input=false', '-no-color', '-reconfigure']);
    await terraform(first, ['apply', '-auto-approve', '-input=false', '-no-color']);
    try {
      for (let i = 0; i < opts.runs; i++) results[variant].push(await rollout(variant, source, work, ingress));
    } finally {
      const last = synth(variant, source, work, ingress);
      await terraform(last, ['init', '-input=false', '-no-color', '-reconfigure']).catch(() => undefined);
      await terraform(last, ['destroy', '-auto-approve', '-input=false', '-no-color']).catch(e => process.stderr.write(`${e}\n`));
    }
  }
  const med = (v: Variant, f: (m: Measured) => number) => median(results[v].map(f));
  const serviceMode = ingress ? '2 tasks, ingress mesh, start-first' : '1 task, host-mode port, stop-first (no ingress mesh here)';
  const row = (v: Variant, label: string) =>
    `| ${label} | ${fmt(med(v, m => m.applyMs) / 1000, 1)} s | ${fmt(med(v, m => m.failed))} of ${fmt(med(v, m => m.requests))} | ${fmt(med(v, m => m.longestGapMs) / 1000, 2)} s |`;
  const worstHostNetwork = Math.max(...results['service-host-network'].map(m => m.failed));
  return [
    title,
    '',
    `One \`.py\` line edited, then \`terraform apply\` (Terraform 1.11, kreuzwerker/docker ${PROVIDER_VERSION}) on a single-node swarm; the scenario 8 poller `
      + `(every 50 ms on the published loopback port). All use the same 2 s health check. Median of ${opts.runs} run${opts.runs > 1 ? 's' : ''} per row.`,
    '',
    '| Stack | apply | failed requests | longest gap |',
    '|---|---|---|---|',
    row('container', '`WsgiContainer` (`UpdateOrder.START_FIRST`, the default)'),
    row('service', `\`WsgiService\` (${serviceMode})`),
    row('service-host-network', '`WsgiService`, `PublishMode.HOST_NETWORK` (2 tasks in the node\'s network namespace, start-first)'),
    '',
    worstHostNetwork === 0
      ? 'In the node\'s network namespace, both tasks and their replacements listen on the port together (gunicorn\'s `reuse_port`), so Swarm starts the new task, waits until it is healthy, '
        + 'then stops the old one: no request failed in any run, on one node and without the mesh.'
      : `In the node's network namespace, ${worstHostNetwork} request${worstHostNetwork === 1 ? '' : 's'} failed in the worst run (the median is in the table).`,
    ingress
      ? 'With the mesh, the service keeps answering through the update: the new task takes traffic once healthy, before the old one stops.'
      : 'Without the ingress mesh, a host-mode port is held by one task per node, so that update must stop the old task first: the gap is the old task\'s stop '
        + 'plus the new task\'s start; Swarm\'s update also waits out the monitor window, hence the longer apply.',
    '',
  ];
}
