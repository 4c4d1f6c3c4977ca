import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Network } from '@cdktf/provider-docker/lib/network';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { cannotRunHere } from './cannot-run';
import { applyKeepingFailure, applyStack, ApplyResult, describeTerraform, destroyStack, docker, planOnly } from './deployer';
import { prepareEngine, TEST_LABELS } from './engine';
import { removeTestNetwork, resetTestNetwork } from './labels';
import { expectLogsWithinSmallCap, SMALL_LOG_CAP } from './logs';
import { execIn, get, waitFor } from './probes';
import { addDockerProvider } from './provider';
import { APPS } from './stacks';
import { ingressWorks, steadyClient } from './swarm/probes';
import { Duration, HealthCheck, LogDriver, PublishMode, ServiceMode, WsgiImage, WsgiService } from '../../src';

const NO_INGRESS = 'the swarm ingress mesh needs IPVS, which this kernel lacks';
const INGRESS_BALANCES = 'swarm: the web service\'s ingress port spreads requests over its replicas';
const INGRESS_ROLLOUT = 'swarm: a start-first rollout through the ingress port fails no request';
/** Host-mode port of the edge service (one task per node); the web service's ingress port where the mesh works. */
const EDGE_PORT = 18300;
const WEB_PORT = 18301;
const REGISTRY = '127.0.0.1:5000';
const WEB = 'cdktf-wsgi-swarm-web';
const EDGE = 'cdktf-wsgi-swarm-edge';
/** An overlay network the stack creates, and one created outside Terraform, named literally. */
const STACK_NET = 'cdktf-wsgi-swarm-backend';
const EXTERNAL_NET = 'cdktf-wsgi-swarm-external';
const SECRET_VALUE = `swarm-secret-${Math.random().toString(36).slice(2)}-0123456789`;

interface StackOptions {
  /** Replicas of the web service. */
  readonly replicas: number;
  readonly pushed?: boolean;
}

describeTerraform('WsgiService on a single-node Docker Swarm (real toolchain)', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-src-'));
  let outdir = '';
  let state: ApplyResult | undefined;
  let ingress = false;

  function synth(options: StackOptions): string {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'swarm');
    // docker_registry_image pushes with the provider's credentials; the test registry has none.
    addDockerProvider(stack, { registryAuth: [{ address: `http://${REGISTRY}`, authDisabled: true }] });
    const secret = new TerraformVariable(stack, 'app_secret', { type: 'string', sensitive: true });
    const backend = new Network(stack, 'Backend', {
      name: STACK_NET,
      driver: 'overlay',
      attachable: true,
      labels: Object.entries(TEST_LABELS).map(([label, value]) => ({ label, value })),
    });
    const image = new WsgiImage(stack, 'Image', {
      labels: TEST_LABELS,
      source,
      entrypoint: 'manager:app',
      ...(options.pushed ? { repository: `${REGISTRY}/cdktf-wsgi-test/swarm` } : {}),
    });
    const common = {
      labels: TEST_LABELS,
      image,
      healthCheck: HealthCheck.http('/healthz', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(2), retries: 2 }),
      secrets: { APP_SECRET: secret.stringValue },
      pushToRegistry: options.pushed,
      convergeTimeout: Duration.seconds(90),
    };
    // Replicated: on one node its port goes through the ingress mesh, which needs IPVS; without it the
    // tasks are reached on their own loopback.
    new WsgiService(stack, 'Web', {
      ...common,
      serviceName: WEB,
      mode: ServiceMode.replicated(options.replicas),
      // One by a resource's name (known at plan once it exists), one by a literal name: Swarm keeps
      // both by ID, and the re-plan below must still be empty.
      networks: [backend.name, EXTERNAL_NET],
      publish: ingress ? [{ publishedPort: WEB_PORT, mode: PublishMode.INGRESS }] : [],
    });
    // Host mode: the port is bound on the task's node, so one task per node, stop-first updates.
    new WsgiService(stack, 'Edge', {
      ...common,
      serviceName: EDGE,
      mode: ServiceMode.replicated(1),
      publish: [{ publishedPort: EDGE_PORT, mode: PublishMode.HOST }],
      logging: LogDriver.jsonFile(SMALL_LOG_CAP),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'swarm');
  }

  /** The service's task containers, as Docker sees them on this node. */
  async function tasks(service = WEB): Promise<Array<{ id: string; health: string; running: boolean }>> {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${service}`] } });
    return Promise.all(list.map(async c => {
      const info = await docker.getContainer(c.Id).inspect();
      return { id: c.Id, health: info.State.Health?.Status ?? 'none', running: info.State.Running };
    }));
  }
  const healthyTasks = async (service = WEB) => (await tasks(service)).filter(t => t.running && t.health === 'healthy');
  const inspectService = (name: string) => JSON.parse(execFileSync('docker', ['service', 'inspect', name], { encoding: 'utf-8' }))[0];

  /** What a task answers on its own loopback (no traffic leaves the task's network namespace). */
  const askTask = (id: string, urlPath: string) => execIn(id, ['python3', '-c',
    `import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8000${urlPath}", timeout=5).read().decode(), end="")`]);

  function writeVersion(version: string, healthy: boolean): void {
    fs.writeFileSync(path.join(source, 'app', 'version.py'), `VERSION = ${JSON.stringify(version)}\nHEALTHY = ${healthy ? 'True' : 'False'}\n`);
  }

  beforeAll(async () => {
    prepareEngine();
    execFileSync('bash', [path.join(__dirname, 'swarm', 'up.sh')], { stdio: 'inherit', timeout: 120_000 });
    ingress = await ingressWorks(18399);
    process.stdout.write(`\n*** swarm suite: the ingress routing mesh ${ingress ? 'works' : 'does not answer (no IPVS in this kernel)'} here; `
      + `${ingress ? 'the web service publishes in ingress mode' : 'the web service publishes nothing, the edge service in host mode'} ***\n`);
    fs.cpSync(path.join(APPS, 'swarm'), source, { recursive: true });
    resetTestNetwork(EXTERNAL_NET, 'overlay');
    process.env.TF_VAR_app_secret = SECRET_VALUE;
  }, 300_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    removeTestNetwork(EXTERNAL_NET);
    delete process.env.TF_VAR_app_secret;
  }, 300_000);

  const REPLICAS = 3;

  test('the replicas come up healthy on their overlay networks and serve; the secret reaches the app and nothing else; a re-plan changes nothing', async () => {
    const first = synth({ replicas: REPLICAS });
    state = await applyStack(first);
    // The provider reads durations and ratios back in its own form: the rendering must match it.
    const replan = await planOnly(first, state);
    expect(Object.entries(replan.actions).filter(([, a]) => a !== 'unchanged')).toEqual([]);
    const healthy = await healthyTasks();
    expect(healthy).toHaveLength(REPLICAS);
    expect(await healthyTasks(EDGE)).toHaveLength(1);
    for (const t of [...healthy, ...await healthyTasks(EDGE)]) {
      expect(await askTask(t.id, '/api/version')).toBe('v1');
      expect(await askTask(t.id, '/api/secret-length/APP_SECRET')).toBe(String(SECRET_VALUE.length));
    }
    // Each web task is on both overlay networks (and the edge on none of them).
    for (const t of healthy) {
      const attached = Object.keys((await docker.getContainer(t.id).inspect()).NetworkSettings.Networks);
      expect(attached).toEqual(expect.arrayContaining([STACK_NET, EXTERNAL_NET]));
    }
    for (const t of await healthyTasks(EDGE)) {
      expect(Object.keys((await docker.getContainer(t.id).inspect()).NetworkSettings.Networks)).not.toContain(STACK_NET);
    }
    expect(await get(EDGE_PORT, '/api/version')).toEqual({ status: 200, body: 'v1' });
    if (ingress) {
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) seen.add((await get(WEB_PORT, '/api/whoami')).body);
      expect(seen.size).toBeGreaterThan(1);
    } else {
      cannotRunHere(INGRESS_BALANCES, NO_INGRESS);
    }
    // The value is in no inspect output, no image and no file of cdktf.out.
    for (const name of [WEB, EDGE]) {
      expect(execFileSync('docker', ['service', 'inspect', name], { encoding: 'utf-8' })).not.toContain(SECRET_VALUE);
    }
    for (const t of healthy) {
      const info = await docker.getContainer(t.id).inspect();
      expect(JSON.stringify(info)).not.toContain(SECRET_VALUE);
      const image = docker.getImage(info.Image);
      expect(JSON.stringify(await image.inspect()) + JSON.stringify(await image.history())).not.toContain(SECRET_VALUE);
    }
    const files = (fs.readdirSync(outdir, { recursive: true } as any) as string[])
      .map(f => path.join(outdir, String(f)))
      .filter(f => fs.statSync(f).isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(fs.readFileSync(f, 'utf-8').includes(SECRET_VALUE)).toBe(false);
  }, 600_000);

  test('a task\'s log on the host stays within its cap after the app writes four times as much', async () => {
    const [task] = await healthyTasks(EDGE);
    const bytes = await expectLogsWithinSmallCap(task.id,
      async () => expect(await get(EDGE_PORT, '/api/log/1024')).toEqual({ status: 200, body: 'logged' }));
    process.stdout.write(`swarm: after 8 MiB of output, the task's log files hold ${bytes} bytes\n`);
  }, 120_000);

  test('scaling is an in-place update of the service, not a replacement', async () => {
    const stackDir = synth({ replicas: REPLICAS + 1 });
    const plan = await planOnly(stackDir, state!);
    const changed = Object.entries(plan.actions).filter(([, a]) => a !== 'unchanged').map(([address, a]) => [address.split('.')[0], a]);
    expect(changed).toEqual([['docker_service', 'update']]);
    const before = (await healthyTasks()).map(t => t.id);
    state = await applyStack(stackDir, state);
    await waitFor(`${REPLICAS + 1} healthy tasks`, async () => (await healthyTasks()).length === REPLICAS + 1, 60_000);
    // Scaling adds a task; the running ones stay.
    const after = (await healthyTasks()).map(t => t.id);
    expect(before.every(id => after.includes(id))).toBe(true);
  }, 600_000);

  test('a one-file code edit rolls out under a steady client', async () => {
    writeVersion('v2', true);
    const stackDir = synth({ replicas: REPLICAS + 1 });
    const port = ingress ? WEB_PORT : EDGE_PORT;
    const client = steadyClient(port, '/api/version', { intervalMs: 20, maxRequests: 6000, maxSeconds: 120 });
    const started = Date.now();
    state = await applyStack(stackDir, state);
    const deploySeconds = (Date.now() - started) / 1000;
    await waitFor('v2 served', async () => (await get(port, '/api/version')).body === 'v2', 30_000);
    const report = await client.stop();
    const mode = ingress ? 'ingress, start-first' : 'host, stop-first';
    process.stdout.write(`swarm rollout (${mode}): ${report.requests} requests, ${report.failed} failed, longest gap ${report.longestGapMs} ms, apply ${deploySeconds.toFixed(1)} s\n`);
    fs.mkdirSync('test-reports', { recursive: true });
    fs.writeFileSync(path.join('test-reports', 'swarm-rollout.json'), JSON.stringify({ mode, ...report, deploySeconds }, null, 2));
    expect(report.requests).toBeGreaterThan(50);
    // The web service may still be retiring its last old task when the apply returns (a task listed
    // as healthy can stop before it is asked), so the check waits for the settled service.
    await waitFor('every web task on v2', async () => {
      const healthy = await healthyTasks();
      return healthy.length === REPLICAS + 1 && (await Promise.all(healthy.map(t => askTask(t.id, '/api/version')))).every(v => v === 'v2');
    }, 120_000);
    if (ingress) {
      expect(report.failed).toBe(0);
    } else {
      cannotRunHere(INGRESS_ROLLOUT, NO_INGRESS);
    }
  }, 600_000);

  test('a version whose health check fails is rolled back, the apply fails, and the old version keeps serving', async () => {
    writeVersion('v3', false);
    const stackDir = synth({ replicas: REPLICAS + 1 });
    let failure: any;
    try {
      state = await applyKeepingFailure(stackDir, state);
    } catch (e) {
      failure = e;
      state = failure.result ?? state;
    }
    expect(failure).toBeDefined();
    process.stdout.write(`swarm: the failed rollout's apply error: ${String(failure.message).split('\n').filter(l => /Error|rollback|converge/i.test(l)).slice(0, 4).join(' | ')}\n`);
    expect(inspectService(EDGE).UpdateStatus?.State).toMatch(/^rollback_/);
    await waitFor('v2 served again', async () => (await get(EDGE_PORT, '/api/version')).body === 'v2', 60_000);
    await waitFor('every web task back on v2', async () => {
      const healthy = await healthyTasks();
      return healthy.length === REPLICAS + 1 && (await Promise.all(healthy.map(t => askTask(t.id, '/api/version')))).every(v => v === 'v2');
    }, 120_000);
    writeVersion('v2', true);
  }, 600_000);

  test('a task whose process is killed is replaced by Swarm', async () => {
    const before = await healthyTasks();
    const victim = before[0];
    await docker.getContainer(victim.id).kill({ signal: 'SIGKILL' });
    const ms = await waitFor('the task replaced and healthy', async () => {
      const now = await healthyTasks();
      return now.length === before.length && !now.some(t => t.id === victim.id);
    }, 120_000);
    process.stdout.write(`swarm: a killed task was replaced and healthy after ${ms} ms\n`);
  }, 300_000);

  test('with pushToRegistry the image goes to the registry and the tasks run it by digest', async () => {
    const stackDir = synth({ replicas: 1, pushed: true });
    state = await applyStack(stackDir, state);
    const image = inspectService(EDGE).Spec.TaskTemplate.ContainerSpec.Image as string;
    expect(image).toMatch(new RegExp(`^${REGISTRY.replace(/[.]/g, '\\.')}/cdktf-wsgi-test/swarm:[0-9a-f]{16}@sha256:[0-9a-f]{64}$`));
    const tags = await get(5000, '/v2/cdktf-wsgi-test/swarm/tags/list');
    expect(tags.status).toBe(200);
    expect(JSON.parse(tags.body).tags).toContain(image.split('@')[0].split(':').pop());
    await waitFor('served from the pushed image', async () => (await get(EDGE_PORT, '/api/version')).body === 'v2', 60_000);
  }, 600_000);
});
