import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { applyKeepingFailure, applyStack, ApplyResult, describeTerraform, destroyStack, docker, planOnly } from './deployer';
import { prepareEngine, TEST_LABELS } from './engine';
import { execIn, get, waitFor } from './probes';
import { APPS } from './stacks';
import { ingressWorks, steadyClient } from './swarm/probes';
import { Duration, HealthCheck, PublishMode, ServiceMode, WsgiImage, WsgiService } from '../../src';

const PORT = 18300;
const REGISTRY = '127.0.0.1:5000';
const SERVICE = 'cdktf-wsgi-swarm-web';
const SECRET_VALUE = `swarm-secret-${Math.random().toString(36).slice(2)}-0123456789`;

interface StackOptions {
  readonly replicas: number;
  readonly pushed?: boolean;
}

describeTerraform('WsgiService on a single-node Docker Swarm (real toolchain)', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-src-'));
  let outdir = '';
  let state: ApplyResult | undefined;
  let ingress = false;
  let mode = PublishMode.HOST;

  function synth(options: StackOptions): string {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'swarm');
    // docker_registry_image pushes with the provider's credentials; the test registry has none.
    new DockerProvider(stack, 'docker', { registryAuth: [{ address: `http://${REGISTRY}`, authDisabled: true }] });
    const secret = new TerraformVariable(stack, 'app_secret', { type: 'string', sensitive: true });
    const image = new WsgiImage(stack, 'Image', {
      labels: TEST_LABELS,
      source,
      entrypoint: 'manager:app',
      ...(options.pushed ? { repository: `${REGISTRY}/cdktf-wsgi-test/swarm` } : {}),
    });
    new WsgiService(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      serviceName: SERVICE,
      mode: ServiceMode.replicated(options.replicas),
      publish: [{ publishedPort: PORT, mode }],
      healthCheck: HealthCheck.http('/healthz', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(2), retries: 2 }),
      secrets: { APP_SECRET: secret.stringValue },
      pushToRegistry: options.pushed,
      convergeTimeout: Duration.seconds(90),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'swarm');
  }

  /** The service's task containers, as Docker sees them on this node. */
  async function tasks(): Promise<Array<{ id: string; health: string; running: boolean }>> {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${SERVICE}`] } });
    return Promise.all(list.map(async c => {
      const info = await docker.getContainer(c.Id).inspect();
      return { id: c.Id, health: info.State.Health?.Status ?? 'none', running: info.State.Running };
    }));
  }
  const healthyTasks = async () => (await tasks()).filter(t => t.running && t.health === 'healthy');

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
    mode = ingress ? PublishMode.INGRESS : PublishMode.HOST;
    process.stdout.write(`\n*** swarm suite: the ingress routing mesh ${ingress ? 'works' : 'does not answer'} here; services publish in ${mode} mode ***\n`);
    fs.cpSync(path.join(APPS, 'swarm'), source, { recursive: true });
    process.env.TF_VAR_app_secret = SECRET_VALUE;
  }, 300_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    delete process.env.TF_VAR_app_secret;
  }, 300_000);

  // Host mode binds the port on the task's node, so one node runs one task per published port.
  const replicas = () => (mode === PublishMode.INGRESS ? 3 : 1);

  test('the replicas come up healthy and serve; the secret reaches the app and nothing else', async () => {
    state = await applyStack(synth({ replicas: replicas() }));
    const healthy = await healthyTasks();
    expect(healthy).toHaveLength(replicas());
    for (const t of healthy) {
      expect(await askTask(t.id, '/api/version')).toBe('v1');
      expect(await askTask(t.id, '/api/secret-length/APP_SECRET')).toBe(String(SECRET_VALUE.length));
    }
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: 'v1' });
    if (ingress) {
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) seen.add((await get(PORT, '/api/whoami')).body);
      expect(seen.size).toBeGreaterThan(1);
    }
    // The value is in no inspect output, no image and no file of cdktf.out.
    const serviceJson = execFileSync('docker', ['service', 'inspect', SERVICE], { encoding: 'utf-8' });
    expect(serviceJson).not.toContain(SECRET_VALUE);
    for (const t of healthy) {
      const info = JSON.stringify(await docker.getContainer(t.id).inspect());
      expect(info).not.toContain(SECRET_VALUE);
      const image = (await docker.getContainer(t.id).inspect()).Image;
      expect(JSON.stringify(await docker.getImage(image).inspect()) + JSON.stringify(await docker.getImage(image).history())).not.toContain(SECRET_VALUE);
    }
    const files = (fs.readdirSync(outdir, { recursive: true } as any) as string[]).map(f => path.join(outdir, String(f))).filter(f => fs.statSync(f).isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(fs.readFileSync(f, 'utf-8').includes(SECRET_VALUE)).toBe(false);
  }, 600_000);

  test('scaling is an in-place update of the service, not a replacement', async () => {
    const target = mode === PublishMode.INGRESS ? 4 : 1;
    const stackDir = synth({ replicas: target });
    const plan = await planOnly(stackDir, state!);
    const changed = Object.entries(plan.actions).filter(([, a]) => a !== 'unchanged').map(([address, a]) => [address.split('.')[0], a]);
    if (target !== replicas()) {
      expect(changed).toEqual([['docker_service', 'update']]);
    } else {
      expect(changed).toEqual([]);
    }
    state = await applyStack(stackDir, state);
    await waitFor(`${target} healthy tasks`, async () => (await healthyTasks()).length === target, 60_000);
  }, 600_000);

  test('a one-file code edit rolls out under a steady client', async () => {
    writeVersion('v2', true);
    const stackDir = synth({ replicas: mode === PublishMode.INGRESS ? 4 : 1 });
    const client = steadyClient(PORT, '/api/version', { intervalMs: 20, maxRequests: 6000, maxSeconds: 120 });
    const started = Date.now();
    state = await applyStack(stackDir, state);
    const deploySeconds = (Date.now() - started) / 1000;
    await waitFor('v2 served', async () => (await get(PORT, '/api/version')).body === 'v2', 30_000);
    const report = await client.stop();
    process.stdout.write(`swarm rollout (${mode}): ${report.requests} requests, ${report.failed} failed, longest gap ${report.longestGapMs} ms, apply ${deploySeconds.toFixed(1)} s\n`);
    fs.mkdirSync('test-reports', { recursive: true });
    fs.writeFileSync(path.join('test-reports', 'swarm-rollout.json'), JSON.stringify({ mode, ...report, deploySeconds }, null, 2));
    expect(report.requests).toBeGreaterThan(50);
    if (mode === PublishMode.INGRESS) {
      expect(report.failed).toBe(0);
    }
  }, 600_000);

  test('a version whose health check fails is rolled back, the apply fails, and the old version keeps serving', async () => {
    writeVersion('v3', false);
    const stackDir = synth({ replicas: mode === PublishMode.INGRESS ? 4 : 1 });
    let failure: any;
    try {
      state = await applyKeepingFailure(stackDir, state);
    } catch (e) {
      failure = e;
      state = failure.result ?? state;
    }
    expect(failure).toBeDefined();
    expect(String(failure.message)).toMatch(/rollback|roll\s+back|converge|unhealthy|paused/i);
    const status = JSON.parse(execFileSync('docker', ['service', 'inspect', SERVICE], { encoding: 'utf-8' }))[0].UpdateStatus;
    expect(status?.State).toMatch(/^rollback_/);
    await waitFor('v2 served again', async () => (await get(PORT, '/api/version')).body === 'v2', 60_000);
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
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: 'v2' });
  }, 300_000);

  test('with pushToRegistry the image goes to the registry and the tasks run it by digest', async () => {
    const stackDir = synth({ replicas: 1, pushed: true });
    state = await applyStack(stackDir, state);
    const spec = JSON.parse(execFileSync('docker', ['service', 'inspect', SERVICE], { encoding: 'utf-8' }))[0].Spec.TaskTemplate.ContainerSpec;
    expect(spec.Image).toMatch(new RegExp(`^${REGISTRY.replace(/[.]/g, '\\.')}/cdktf-wsgi-test/swarm:[0-9a-f]{16}@sha256:[0-9a-f]{64}$`));
    const tags = await get(5000, '/v2/cdktf-wsgi-test/swarm/tags/list');
    expect(tags.status).toBe(200);
    expect(JSON.parse(tags.body).tags).toContain(spec.Image.split(':')[2].split('@')[0]);
    await waitFor('served from the pushed image', async () => (await healthyTasks()).length === 1 && (await get(PORT, '/api/version')).body === 'v2', 60_000);
  }, 600_000);
});
