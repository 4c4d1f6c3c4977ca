import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { describeEngine, prepareEngine } from './engine';
import { applyStack, ApplyResult, destroyStack, docker, planAction } from './harness';
import { get } from './probes';
import { APPS } from './stacks';
import { HealthCheck, WsgiContainer, WsgiImage } from '../../src';

const VOLUME = 'cdktf-wsgi-rollout-state';
const PORT = 18085;

/** Every file below dir with its content, for byte-for-byte comparison. */
function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries((fs.readdirSync(dir, { recursive: true } as any) as string[]).map(String).sort()
    .filter(f => fs.statSync(path.join(dir, f)).isFile())
    .map(f => [f, fs.readFileSync(path.join(dir, f), 'base64')]));
}

describeEngine('rollouts on a real Docker engine', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-src-'));
  let state: ApplyResult | undefined;

  /** Synthesizes the stack for the current source and health path; returns the stack directory. */
  function synth(healthPath = '/api/ok'): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'rollout');
    new DockerProvider(stack, 'docker', {});
    const image = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', writablePaths: ['/data'] });
    new WsgiContainer(stack, 'Web', {
      image,
      publish: [{ hostPort: PORT }],
      healthCheck: HealthCheck.http(healthPath),
      volumes: [{ volumeName: VOLUME, containerPath: '/data' }],
    });
    app.synth();
    return path.join(outdir, 'stacks', 'rollout');
  }

  const actions = () => Object.fromEntries(Object.entries(state!.actions).map(([k, v]) => [k.split('.')[0], v]));
  const containerOf = (r: ApplyResult) => r.resources.find(x => x.type === 'docker_container')!;

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    await docker.getVolume(VOLUME).remove().catch(() => undefined);
    state = await applyStack(synth());
    expect(await get(PORT, '/api/state/write/kept')).toEqual({ status: 200, body: 'written' });
  }, 900_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    await docker.getVolume(VOLUME).remove().catch(() => undefined);
  }, 120_000);

  test('changing nothing replaces nothing: byte-identical re-synth, every resource unchanged', async () => {
    const first = state!;
    const before = containerOf(first).attrs.id;
    const again = synth();
    expect(snapshotDir(synth())).toEqual(snapshotDir(again));
    state = await applyStack(again, first);
    expect(actions()).toEqual({ docker_image: 'unchanged', docker_container: 'unchanged' });
    expect(containerOf(state).attrs.id).toBe(before);
  }, 300_000);

  test('editing one .py file replaces image and container, reuses the dependency layer, and keeps the named volume', async () => {
    // A value unique to this run, so no earlier run's build cache can hold the edited source layer.
    const v2 = `ok v2 ${Date.now()}`;
    const file = path.join(source, 'app', '__init__.py');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace('return "ok"', `return "${v2}"`));
    const previous = state!;
    state = await applyStack(synth(), previous);
    expect(actions()).toEqual({ docker_image: 'replace', docker_container: 'replace' });
    expect(containerOf(state).attrs.id).not.toBe(containerOf(previous).attrs.id);
    const log = Object.values(state.buildLogs).join('');
    expect(log).toMatch(/RUN python3 -m pip install[^\n]*\n ---> Using cache/);
    expect(log).not.toMatch(/COPY \["app\/", "\/app\/"\]\n ---> Using cache/);
    expect(await get(PORT, '/api/ok')).toEqual({ status: 200, body: v2 });
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: 'kept' });
  }, 300_000);

  test('an edited health check really reaches the running container (3.6.2 alone would ignore it)', async () => {
    const previous = state!;
    const stackDir = synth('/api/state');
    state = await applyStack(stackDir, previous);
    expect(actions()).toEqual({ docker_image: 'unchanged', docker_container: 'replace' });
    const info = await docker.getContainer(containerOf(state).attrs.id).inspect();
    expect(info.Config.Healthcheck?.Test).toContain('/api/state');
    expect(info.State.Health?.Status).toBe('healthy');
    // Without the label, the same edit is one provider 3.6.2 records but never applies.
    const oldConfig = containerOf(previous).config;
    const newConfig = containerOf(state).config;
    expect(planAction('docker_container', oldConfig, { ...newConfig, labels: oldConfig.labels })).toBe('ignored-update');
  }, 300_000);
});
