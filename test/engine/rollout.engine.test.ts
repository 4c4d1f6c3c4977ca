import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { actionsByConstruct, appContainer, applyStack, ApplyResult, destroyStack, docker } from './deployer';
import { describeEngine, prepareEngine, TEST_LABELS } from './engine';
import { removeTestVolume, resetTestVolume } from './labels';
import { expectLogsWithinSmallCap, SMALL_LOG_CAP } from './logs';
import { get } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_CHECK } from './stacks';
import { HealthCheck, LogDriver, UpdateOrder, WsgiContainer, WsgiImage } from '../../src';

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
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', writablePaths: ['/data'] });
    // Replaced in place: what this suite shows (rebuild precision, the settings label against the
    // provider's ignored edits) is about one container; test/engine/zero-downtime.engine.test.ts
    // covers the default order's rollouts.
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      updateOrder: UpdateOrder.STOP_FIRST,
      publish: [{ hostPort: PORT }],
      healthCheck: HealthCheck.http(healthPath, PROMPT_CHECK),
      volumes: [{ volumeName: VOLUME, containerPath: '/data' }],
      logging: LogDriver.jsonFile(SMALL_LOG_CAP),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'rollout');
  }

  /** The step that copies the app: BuildKit records `COPY app/ /app/`, the classic builder `COPY dir:<hash> in /app/`. */
  const COPY_APP = /COPY .*(app\/ \/app\/|in \/app\/\s*$)/;
  /** The build steps of an image, newest first, as the Engine API's history lists them. */
  const buildSteps = async (imageId: string) => (await docker.getImage(imageId).history() as Array<{ CreatedBy: string; Created: number }>)
    .map(h => ({ CreatedBy: h.CreatedBy, Created: h.Created }));
  /** What the plan did to the app's image and to its app container (the holder and the helpers around it aside). */
  const actions = () => {
    const byConstruct = actionsByConstruct(state!.actions);
    return { docker_image: byConstruct['docker_image.Image'], docker_container: byConstruct['docker_container.Web_App'] };
  };
  const containerOf = (r: ApplyResult) => appContainer(r);

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    resetTestVolume(VOLUME);
    state = await applyStack(synth());
    expect(await get(PORT, '/api/state/write/kept')).toEqual({ status: 200, body: 'written' });
  }, 900_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    removeTestVolume(VOLUME);
  }, 120_000);

  test('changing nothing replaces nothing: byte-identical re-synth, every resource unchanged', async () => {
    const first = state!;
    const before = containerOf(first).attrs.id;
    const again = synth();
    expect(snapshotDir(synth())).toEqual(snapshotDir(again));
    state = await applyStack(again, first);
    expect(actions()).toEqual({ docker_image: 'unchanged', docker_container: 'unchanged' });
    expect(new Set(Object.values(state.actions))).toEqual(new Set(['unchanged']));
    expect(containerOf(state).attrs.id).toBe(before);
  }, 300_000);

  test('editing one .py file replaces image and container, reuses the dependency layer, and keeps the named volume', async () => {
    // A value unique to this run, so no earlier run's build cache can hold the edited source layer.
    const v2 = `ok v2 ${Date.now()}`;
    const file = path.join(source, 'app', '__init__.py');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace('return "ok"', `return "${v2}"`));
    const previous = state!;
    const oldSteps = await buildSteps(containerOf(previous).attrs.image);
    state = await applyStack(synth(), previous);
    expect(actions()).toEqual({ docker_image: 'replace', docker_container: 'replace' });
    expect(containerOf(state).attrs.id).not.toBe(containerOf(previous).attrs.id);
    // Whatever the builder (the provider runs BuildKit here), a step taken from the cache keeps the
    // creation time it had in the old image; a step that ran again gets a new one.
    const newSteps = await buildSteps(containerOf(state).attrs.image);
    const step = (steps: typeof oldSteps, re: RegExp) => steps.filter(h => re.test(h.CreatedBy));
    expect(step(newSteps, /pip install/)).toHaveLength(1);
    expect(step(newSteps, /pip install/)).toEqual(step(oldSteps, /pip install/));
    expect(step(newSteps, COPY_APP)).toHaveLength(1);
    expect(step(newSteps, COPY_APP)[0].Created).not.toBe(step(oldSteps, COPY_APP)[0].Created);
    expect(await get(PORT, '/api/ok')).toEqual({ status: 200, body: v2 });
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: 'kept' });
  }, 300_000);

  test('an edited health check really reaches the running container (the provider alone, 3.6.2 and 4.6 alike, would ignore it)', async () => {
    const previous = state!;
    const healthOf = async (r: ApplyResult) => (await docker.getContainer(containerOf(r).attrs.id).inspect()).Config.Healthcheck?.Test ?? [];

    // Without the settings label the provider plans the edit as an in-place update and never sends it
    // to Docker: 3.6.2 because healthcheck is not ForceNew, 4.6 because only its block is (#989).
    const unshielded = synth('/api/state');
    const tfFile = path.join(unshielded, 'cdk.tf.json');
    const tf = JSON.parse(fs.readFileSync(tfFile, 'utf-8'));
    const web = tf.resource.docker_container[Object.keys(tf.resource.docker_container).find(k => /^Web_App_[0-9A-F]{8}$/.test(k))!];
    web.labels = containerOf(previous).attrs.labels.map((l: any) => ({ label: l.label, value: l.value }));
    fs.writeFileSync(tfFile, JSON.stringify(tf));
    state = await applyStack(unshielded, previous);
    expect(actions()).toEqual({ docker_image: 'unchanged', docker_container: 'update' });
    expect(containerOf(state).attrs.id).toBe(containerOf(previous).attrs.id);
    expect(await healthOf(state)).toContain('/api/ok');
    expect(await healthOf(state)).not.toContain('/api/state');

    // With the label as synthesized, the same edit replaces the container and reaches Docker.
    const shielded = state;
    state = await applyStack(synth('/api/state'), shielded);
    expect(actions()).toEqual({ docker_image: 'unchanged', docker_container: 'replace' });
    const info = await docker.getContainer(containerOf(state).attrs.id).inspect();
    expect(info.Config.Healthcheck?.Test).toContain('/api/state');
    expect(info.State.Health?.Status).toBe('healthy');
  }, 300_000);

  test('the app\'s log on the host stays within its cap after the app writes four times as much', async () => {
    const bytes = await expectLogsWithinSmallCap(containerOf(state!).attrs.id,
      async () => expect(await get(PORT, '/api/log/1024')).toEqual({ status: 200, body: 'logged' }));
    process.stdout.write(`rollout: after 8 MiB of output, the log files hold ${bytes} bytes\n`);
  }, 120_000);
});
