/**
 * Scenario 10: a one-file code change rolled out by `terraform apply` on a WsgiService (Docker
 * Swarm) against the same app as a WsgiContainer: failed requests, longest gap and apply time,
 * measured by the same loopback poller as scenario 8. On an engine without the ingress mesh the
 * service publishes in host mode (one task, stop-first); with it, two tasks behind the mesh,
 * start-first.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { longestGap, median, poll, terraform } from './downtime';
import { Duration, HealthCheck, PublishMode, ServiceMode, WsgiContainer, WsgiImage, WsgiService } from '../src';
import { addDockerProvider, PROVIDER_VERSION } from '../test/engine/provider';
import { ingressWorks } from '../test/engine/swarm/probes';
import { toolchainUnavailable } from '../test/engine/terraform';

const LEAVES = path.resolve(__dirname, '..', 'examples', 'leaves', 'app');
type Variant = 'container' | 'service';
const PORTS: Record<Variant, number> = { container: 18193, service: 18194 };
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
  } else {
    new WsgiService(stack, 'Web', {
      image,
      serviceName: `cdktf-wsgi-bench-${id}`,
      mode: ServiceMode.replicated(ingress ? 2 : 1),
      publish: [{ publishedPort: PORTS.service, mode: ingress ? PublishMode.INGRESS : PublishMode.HOST }],
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
  const poller = poll(PORTS[variant]);
  await new Promise(r => setTimeout(r, 1000));
  const started = process.hrtime.bigint();
  await terraform(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  const applyMs = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise(r => setTimeout(r, 2000));
  const samples = await poller.stop();
  return { applyMs, requests: samples.length, failed: samples.filter(s => !s.ok).length, longestGapMs: longestGap(samples) };
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
  const results: Record<Variant, Measured[]> = { container: [], service: [] };
  for (const variant of ['container', 'service'] as Variant[]) {
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
  return [
    title,
    '',
    `One \`.py\` line edited, then \`terraform apply\` (Terraform 1.11, kreuzwerker/docker ${PROVIDER_VERSION}) on a single-node swarm; the scenario 8 poller `
      + `(every 50 ms on the published loopback port). Both use the same 2 s health check. Median of ${opts.runs} run${opts.runs > 1 ? 's' : ''} per row.`,
    '',
    '| Stack | apply | failed requests | longest gap |',
    '|---|---|---|---|',
    row('container', '`WsgiContainer` (replaced: stop, then start)'),
    row('service', `\`WsgiService\` (${serviceMode})`),
    '',
    ingress
      ? 'With the mesh, the service keeps answering through the update: the new task takes traffic once healthy, before the old one stops.'
      : 'Without the ingress mesh, a host-mode port is held by one task per node, so the update must stop the old task first: the gap is the old task\'s stop '
        + 'plus the new task\'s start, as for the container; Swarm\'s update also waits out the monitor window, hence the longer apply. Zero-gap rollouts need the mesh (or several nodes behind a load balancer).',
    '',
  ];
}
