import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { appContainer, applyStack, ApplyResult, destroyStack, docker } from './deployer';
import { describeEngine, prepareEngine, TEST_LABELS } from './engine';
import { loadTest } from './load';
import { execIn, get } from './probes';
import { addDockerProvider, ON_3_6_2 } from './provider';
import { APPS, ENGINE_HAS_START_INTERVAL } from './stacks';
import { LeavesStack } from '../../examples/leaves/main';
import { Duration, HealthCheck, WsgiContainer, WsgiImage } from '../../src';

describeEngine('the leaves example on a real Docker engine', () => {
  let outdir: string;
  let applied: ApplyResult | undefined;
  let containerId: string;

  beforeAll(async () => {
    prepareEngine();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaves-engine-'));
    const app = new App({ outdir });
    new LeavesStack(app, 'leaves');
    app.synth();
    applied = await applyStack(path.join(outdir, 'stacks', 'leaves'));
    containerId = appContainer(applied).attrs.id;
  }, 900_000);

  afterAll(async () => {
    if (applied) {
      await destroyStack(applied);
    }
    if (outdir) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  test('GET /api/leaves on the published host port answers "This tree has leaves"', async () => {
    const res = await get(8123, '/api/leaves');
    expect(res).toEqual({ status: 200, body: 'This tree has leaves' });
  });

  test('the image was built from a relative context, with the Dockerfile path as the provider line resolves it', async () => {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'leaves', 'cdk.tf.json'), 'utf-8'));
    const [img] = Object.values<any>(tf.resource.docker_image);
    expect(path.isAbsolute(img.build.context)).toBe(false);
    // 3.6.2 resolves the dockerfile against Terraform's working directory, 4.x against the context.
    expect(img.build.dockerfile).toBe(ON_3_6_2 ? `${img.build.context}/Dockerfile` : 'Dockerfile');
    const image = applied!.resources.find(r => r.type === 'docker_image')!;
    const history = await docker.getImage(image.attrs.image_id).history() as Array<{ CreatedBy: string; Comment: string }>;
    expect(history.some(h => /gunicorn/.test(h.CreatedBy))).toBe(true);
    // Both lines build with BuildKit here: 3.6.2 turns it on for every daemon with API >= 1.39
    // (Debian's 20.10 among them), 4.x builds with buildx by default.
    expect(history.filter(h => /ENTRYPOINT/.test(h.CreatedBy)).map(h => h.Comment)).toEqual(['buildkit.dockerfile.v0']);
  });

  test('the image installed gunicorn although requirements.txt only names Flask', async () => {
    expect(fs.readFileSync(path.join(__dirname, '../../examples/leaves/app/requirements.txt'), 'utf-8')).not.toMatch(/gunicorn/i);
    const versions = await execIn(containerId, ['python3', '-c', 'import flask, gunicorn, werkzeug; print(gunicorn.__version__, werkzeug.__name__)']);
    expect(versions).toMatch(/^\d+\.\d+(\.\d+)? werkzeug\n$/);
  });

  test('gunicorn is PID 1 and runs as the non-root UID 10001', async () => {
    const cmdline = (await execIn(containerId, ['cat', '/proc/1/cmdline'])).split('\0').filter(Boolean);
    expect(cmdline.slice(0, 3)).toEqual(['python3', '-m', 'gunicorn']);
    const status = await execIn(containerId, ['cat', '/proc/1/status']);
    const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status)!.slice(1).map(Number);
    expect(uids).toEqual([10001, 10001, 10001, 10001]);
  });

  test('the container is hardened: read-only root, no capabilities, no new privileges, healthy', async () => {
    const info = await docker.getContainer(containerId).inspect();
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(info.State.Health?.Status).toBe('healthy');
    const status = await execIn(containerId, ['cat', '/proc/1/status']);
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
  });

  test('an explicit startInterval reaches the engine (API 1.44 on), and an older engine refuses the container with the provider\'s message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaves-start-interval-'));
    let started: ApplyResult | undefined;
    try {
      const app = new App({ outdir: dir, stackTraces: false });
      const stack = new TerraformStack(app, 'start-interval');
      addDockerProvider(stack);
      const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source: path.join(APPS, 'probe'), entrypoint: 'manager:app' });
      new WsgiContainer(stack, 'Web', {
        image,
        labels: TEST_LABELS,
        containerName: 'leaves-start-interval',
        healthCheck: HealthCheck.http('/', { healthyBelowStatus: 500, startInterval: Duration.millis(500) }),
      });
      app.synth();
      const outcome = await applyStack(path.join(dir, 'stacks', 'start-interval')).then(r => ({ applied: r }), (e: Error) => ({ error: e }));
      if (!ENGINE_HAS_START_INTERVAL) {
        expect('error' in outcome && outcome.error.message).toMatch(/"specify health-check start interval" requires API version 1\.44/);
        return;
      }
      if ('error' in outcome) throw outcome.error;
      started = outcome.applied;
      const info = await docker.getContainer(appContainer(started).attrs.id).inspect();
      expect((info.Config.Healthcheck as { StartInterval?: number }).StartInterval).toBe(500e6);
      expect(info.State.Health?.Status).toBe('healthy');
    } finally {
      if (started) await destroyStack(started);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  test('under 30 s of load at 64 connections from a second process: zero errors, zero non-2xx', async () => {
    const result = await loadTest(8123, '/api/leaves', 30, 64);
    // Recorded for the test log and CI output; throughput is never asserted on this shared machine.
    const report = `load /api/leaves 30s x 64 connections: ${result.requests} requests, ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms} ms`;
    process.stdout.write(`${report}\n`);
    fs.mkdirSync(path.join(__dirname, '../../test-reports'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, '../../test-reports/load.json'), JSON.stringify(result, null, 2));
    expect(result.requests).toBeGreaterThan(0);
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
  }, 120_000);

  test('docker stop ends gunicorn gracefully: its master handles the TERM and exits 0, not killed', async () => {
    const container = docker.getContainer(containerId);
    await container.stop();
    const info = await container.inspect();
    // A SIGKILL after the stop timeout would exit 137; gunicorn's own words show it shut down on the TERM.
    expect(info.State.ExitCode).toBe(0);
    expect(info.State.OOMKilled).toBe(false);
    const log = (await container.logs({ stdout: true, stderr: true })).toString('utf-8');
    expect(log).toMatch(/Handling signal: term/);
    expect(log).toMatch(/Shutting down: Master/);
  }, 60_000);
});
