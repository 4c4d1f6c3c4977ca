/**
 * Plan review with the real toolchain: what `cdktf diff` would show for the edits users make, read
 * from `terraform show -json` of a saved plan (`resource_changes[].change.actions`), and what the
 * provider's refresh does to a container someone stopped by hand (3.6.2 and 4.x differ there).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Network } from '@cdktf/provider-docker/lib/network';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { actionsByConstruct, appContainer, applyStack, ApplyResult, describeTerraform, destroyStack, docker, planOnly } from './deployer';
import { prepareEngine, TEST_LABELS } from './engine';
import { get } from './probes';
import { addDockerProvider, ON_3_6_2, PROVIDER_VERSION } from './provider';
import { APPS } from './stacks';
import { Duration, HealthCheck, WsgiContainer, WsgiImage } from '../../src';

const PORT = 18101;
/** A user-defined bridge network of the stack: the container joins it by name and still publishes its port. */
const NETWORK = 'cdktf-wsgi-plan-backend';
const TOKEN = `plan-s3cr3t-${crypto.randomBytes(8).toString('hex')}`;
const OTHER_TOKEN = `plan-s3cr3t-${crypto.randomBytes(8).toString('hex')}`;

interface Variant {
  readonly healthPath?: string;
  readonly mode?: string;
}

describeTerraform(`plan review with Terraform and provider ${PROVIDER_VERSION}`, () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-src-'));
  let state: ApplyResult | undefined;

  function synth(v: Variant = {}): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'plan');
    addDockerProvider(stack);
    const token = new TerraformVariable(stack, 'plan_token', { type: 'string', sensitive: true });
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app' });
    const network = new Network(stack, 'Backend', { name: NETWORK, labels: Object.entries(TEST_LABELS).map(([label, value]) => ({ label, value })) });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      networks: [network.name],
      publish: [{ hostPort: PORT }],
      // Not whole seconds below a minute: the form the provider reads back differs from the plain one.
      healthCheck: HealthCheck.http(v.healthPath ?? '/api/ok', { interval: Duration.millis(1500), startPeriod: Duration.seconds(60) }),
      environment: { APP_TOKEN: token.stringValue, APP_MODE: v.mode ?? 'blue' },
    });
    app.synth();
    return path.join(outdir, 'stacks', 'plan');
  }

  /** Every resource of the stack unchanged, but for `changed`. */
  const planned = (changed: Record<string, string> = {}) => ({
    'docker_image.Image': 'unchanged',
    'docker_image.Web_NetworkHolderImage': 'unchanged',
    'docker_container.Web_NetworkHolder': 'unchanged',
    'docker_container.Web_DestroyGuard': 'unchanged',
    'docker_network.Backend': 'unchanged',
    'docker_container.Web': 'unchanged',
    'docker_container.Web_Reconcile': 'unchanged',
    ...changed,
  });
  /**
   * What replaces the app container: a new one, under a new name, next to the old one, and the
   * reconcile step of that generation.
   */
  const newGeneration = { 'docker_container.Web': 'replace', 'docker_container.Web_Reconcile': 'replace' };

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    process.env.TF_VAR_plan_token = TOKEN;
    state = await applyStack(synth());
    expect(await get(PORT, '/api/env/APP_TOKEN')).toEqual({ status: 200, body: TOKEN });
    const [web] = await docker.listContainers({ filters: { publish: [String(PORT)] } });
    expect(Object.keys(web.NetworkSettings.Networks)).toEqual([NETWORK]);
  }, 900_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    delete process.env.TF_VAR_plan_token;
  }, 120_000);

  test('an unchanged re-synth plans no changes', async () => {
    const plan = await planOnly(synth(), state!);
    expect(actionsByConstruct(plan.actions)).toEqual(planned());
    expect(plan.planText).toMatch(/No changes\. Your infrastructure matches the configuration\./);
  }, 300_000);

  test('a one-line .py edit replaces the image and its container', async () => {
    const file = path.join(source, 'app', '__init__.py');
    const original = fs.readFileSync(file, 'utf-8');
    fs.writeFileSync(file, `${original}\n# edited\n`);
    try {
      const plan = await planOnly(synth(), state!);
      expect(actionsByConstruct(plan.actions)).toEqual(planned({ 'docker_image.Image': 'replace', ...newGeneration }));
      expect(plan.planText).toMatch(/triggers[\s\S]*# forces replacement/);
      // Created before the old ones go, which the plan says, under a name drawn at apply.
      expect(plan.planText).toMatch(/docker_container\.Web_[0-9A-F]{8} must be replaced\n\+\/- resource/);
      expect(plan.planText).toMatch(/Plan: 3 to add, 0 to change, 3 to destroy\./);
    } finally {
      fs.writeFileSync(file, original);
    }
  }, 300_000);

  test('a health-check edit replaces only the container (through the settings label)', async () => {
    const plan = await planOnly(synth({ healthPath: '/api/state' }), state!);
    expect(actionsByConstruct(plan.actions)).toEqual(planned(newGeneration));
    expect(plan.planText).toMatch(/labels[\s\S]*# forces replacement/);
  }, 300_000);

  test('an environment edit replaces the container (env is ForceNew)', async () => {
    const plan = await planOnly(synth({ mode: 'green' }), state!);
    expect(actionsByConstruct(plan.actions)).toEqual(planned(newGeneration));
  }, 300_000);

  test('a changed sensitive variable replaces the container and shows neither value', async () => {
    process.env.TF_VAR_plan_token = OTHER_TOKEN;
    try {
      const plan = await planOnly(synth(), state!);
      expect(actionsByConstruct(plan.actions)).toEqual(planned(newGeneration));
      expect(plan.planText).toContain('(sensitive value)');
      expect(plan.planText).not.toContain(TOKEN);
      expect(plan.planText).not.toContain(OTHER_TOKEN);
    } finally {
      process.env.TF_VAR_plan_token = TOKEN;
    }
  }, 300_000);

  test('refresh of a container stopped by hand: 3.6.2 deletes it during the plan; 4.x keeps it and plans to start it again', async () => {
    const id = appContainer(state!).attrs.id;
    await docker.getContainer(id).stop();
    const plan = await planOnly(synth(), state!);
    if (ON_3_6_2) {
      expect(actionsByConstruct(plan.actions)).toEqual(planned({ 'docker_container.Web': 'create', 'docker_container.Web_Reconcile': 'replace' }));
      // A plan is meant to change nothing; this provider's Read removed the stopped container.
      await expect(docker.getContainer(id).inspect()).rejects.toThrow(/no such container/i);
    } else {
      // The app container has no ports of its own (the holder's are unaffected), so only must_run
      // reads back changed: an update in place, which starts it again.
      expect(actionsByConstruct(plan.actions)).toEqual(planned({ 'docker_container.Web': 'update' }));
      expect(plan.planText).toMatch(/~ must_run\s+= false -> true/);
      // 4.x's Read leaves the stopped container alone (#841): the plan changed nothing.
      expect((await docker.getContainer(id).inspect()).State.Running).toBe(false);
    }
    // The next apply brings the app back.
    state = await applyStack(synth(), state);
    expect(await get(PORT, '/api/env/APP_TOKEN')).toEqual({ status: 200, body: TOKEN });
  }, 300_000);
});
