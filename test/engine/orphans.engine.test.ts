/**
 * Deploys interrupted at each point of an apply, by each way an apply ends early, on the real
 * engine with the real toolchain (docs/reliability.md, "Interrupted deploys"), for each update
 * order. The guarantee under test: no container outside Terraform's state serves after the next
 * deploy, and after the deploy that follows it exactly the state's containers exist; a destroy
 * leaves nothing of ours.
 *
 * The cases of each order run in order, each from the state the one before left: an interrupted
 * apply to a new version, the user's next deploy of that version, then (on 3.6.2, which removes
 * what it stopped one deploy later) a deploy of one more version.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { container } from '@cdktf/provider-docker';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { applyStack, ApplyResult, destroyStack } from './deployer';
import { describeEngine, prepareEngine, TEST_LABEL, TEST_LABELS } from './engine';
import { getOnNewConnection, waitFor } from './probes';
import { addDockerProvider, ON_3_6_2, PROVIDER_VERSION } from './provider';
import { APPS, ENGINE_HAS_START_INTERVAL, setAppVersion, VERSION_ROUTE } from './stacks';
import { applyWatched, currentState, signalGroup, terraformEnv, WatchedApply } from './terraform';
import { Duration, HealthCheck, ReleaseCommand, UpdateOrder, WsgiContainer, WsgiImage } from '../../src';

/** How many fresh connections each check makes; each must answer the version the state says. */
const CONNECTIONS = 40;

const IMAGE_CREATING = /^docker_image\.Image_[0-9A-F]{8}: Creating\.\.\./;
/** The app container's address: `Web` with START_FIRST, `Web/App` with STOP_FIRST (`Web` in earlier releases). */
const APP_CREATING = /^docker_container\.Web_(App_)?[0-9A-F]{8}: Creating\.\.\./;
const RELEASE_CREATING = /^docker_container\.Web_Release_[0-9A-F]{8}: Creating\.\.\./;
const OLD_APP_DESTROYING = /^docker_container\.Web_[0-9A-F]{8} \(deposed object [0-9a-f]+\): Destroying\.\.\./;

/** How an apply is ended early: a signal to Terraform's process group, or SIGKILL to the provider alone. */
type Ending = 'SIGKILL' | 'SIGINT' | 'SIGTERM' | 'provider SIGKILL';

/** One deployed app of one update order, and the steps every case takes with it. */
class InterruptedDeploys {
  public state: ApplyResult | undefined;
  public version = 1;
  /** Whether the stack synthesized now is for an interrupted apply, which needs the windows (see addContainer). */
  private interrupting = false;
  private readonly source = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-src-'));
  private readonly init = path.join(this.source, 'app', '__init__.py');

  constructor(public order: UpdateOrder, private readonly name: string, private readonly port: number) {}

  /** The app's source at v1, deployed with `synth`'s stack (or `first`'s, the layout of an earlier release). */
  public async deployFirst(first?: (stack: TerraformStack, image: WsgiImage) => void): Promise<void> {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), this.source, { recursive: true });
    fs.appendFileSync(this.init, VERSION_ROUTE);
    setAppVersion(this.init, `v${this.version}`);
    this.state = await applyStack(this.synth(first ?? ((stack, image) => this.addContainer(stack, image))));
  }

  public synth(add: (stack: TerraformStack, image: WsgiImage) => void = (stack, image) => this.addContainer(stack, image)): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'orphans');
    addDockerProvider(stack);
    add(stack, new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source: this.source, entrypoint: 'manager:app' }));
    app.synth();
    return path.join(outdir, 'stacks', 'orphans');
  }

  /**
   * What an earlier release synthesized for a STOP_FIRST container: one `docker_container` at
   * `Web/Resource`, named `containerName`, publishing the port itself.
   */
  public addEarlierStopFirstContainer(stack: TerraformStack, image: WsgiImage): void {
    new container.Container(new Construct(stack, 'Web'), 'Resource', {
      name: this.name,
      image: image.imageId,
      ports: [{ internal: image.port, external: this.port, ip: '127.0.0.1' }],
      user: '10001:10001',
      healthcheck: { test: ['CMD', 'python3', '-c', `import urllib.request; urllib.request.urlopen("http://127.0.0.1:${image.port}/api/ok")`], interval: '1s', retries: 30 },
      wait: true,
      restart: 'unless-stopped',
      // Slow to stop, as an app finishing its requests is: gunicorn reloads its workers on SIGHUP,
      // so the stop takes the whole timeout. A holder created beside the stop, not after it, fails.
      stopSignal: 'SIGHUP',
      stopTimeout: 8,
      destroyGraceSeconds: 8,
      labels: Object.entries(TEST_LABELS).map(([label, value]) => ({ label, value })),
    });
  }

  public dockerLines(args: string[]): string[] {
    return execFileSync('docker', args, { encoding: 'utf-8', timeout: 60_000 }).split('\n').filter(Boolean).sort();
  }

  public ourContainers(status?: string): string[] {
    return this.dockerLines(['ps', '-a', '--filter', `label=${TEST_LABEL}`, '--filter', `name=^${this.name}`, ...(status ? ['--filter', `status=${status}`] : []), '--format', '{{.Names}}']);
  }

  public appContainers(): string[] {
    return this.dockerLines(['ps', '-a', '--filter', `name=^${this.name}(-[0-9a-f]{8})?$`, '--format', '{{.Names}}']);
  }

  public releaseContainers(): string[] {
    return this.dockerLines(['ps', '-a', '--filter', `name=^${this.name}-release`, '--format', '{{.Names}}']);
  }

  /** The versions {@link CONNECTIONS} fresh connections get; every one must answer 200. */
  public async versionsAnswering(): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const answer = await getOnNewConnection(this.port, '/api/version');
      expect(answer.status).toBe(200);
      answers.push(answer.body);
    }
    return answers;
  }

  /** Whether a fresh connection is answered by `v`. */
  public async answeredBy(v: string): Promise<boolean> {
    return (await getOnNewConnection(this.port, '/api/version').catch(() => ({ body: '' }))).body === v;
  }

  /**
   * Applies the next version and ends that apply with `ending` once `ready` holds after Terraform
   * printed the line `at`. Waits until nothing of the apply is left running.
   */
  public async interruptedDeploy(at: RegExp, ending: Ending, ready: () => Promise<boolean>, edit?: () => void): Promise<WatchedApply> {
    this.nextVersion();
    edit?.();
    this.interrupting = true;
    const stackDir = this.synth();
    this.interrupting = false;
    let ended: Promise<void> | undefined;
    const run = await applyWatched(stackDir, this.state, (line, group) => {
      if (ended === undefined && at.test(line)) {
        ended = waitFor('the moment to interrupt', ready, 60_000).then(() => end(group, ending));
      }
    });
    expect(ended).toBeDefined();
    await ended;
    expect(run.code).not.toBe(0);
    const outside = this.ourContainers().filter(n => !inState(run.result).includes(n));
    process.stdout.write(`orphans (${PROVIDER_VERSION}, ${this.order}): v${this.version} ended by ${ending} at ${at.source}; outside the state: ${outside.join(', ') || 'nothing'}\n`);
    return run;
  }

  /** Edits the app's source to answer the next version. */
  public nextVersion(): void {
    this.version++;
    setAppVersion(this.init, `v${this.version}`);
  }

  /** A requirements edit, so the build runs pip for seconds rather than copying one file. */
  public editRequirements(): void {
    fs.appendFileSync(path.join(this.source, 'requirements.txt'), `\n# edited ${Date.now()}\n`);
  }

  /**
   * The user's next deploy after an interrupted one, checked: every fresh connection answers the
   * deployed version, and nothing outside the state runs. Provider 4.x leaves exactly the state's
   * containers there, and the next case deploys again from that state. 3.6.2 leaves what it stopped
   * until the deploy after removes it, so on 3.6.2 one more version is deployed, and after it
   * exactly the state's containers exist.
   */
  public async expectNextDeploysConverge(after: ApplyResult): Promise<void> {
    const next = await applyStack(this.synth(), after);
    const step = next.resources.find(r => r.type === 'docker_container' && /-reconcile-/.test(String(r.attrs.name)));
    process.stdout.write(`orphans (${PROVIDER_VERSION}, ${this.order}): the next deploy's reconcile step said: ${JSON.stringify(String(step?.attrs.container_logs ?? '').replace(/\r/g, '').trim())}\n`);
    expect([...new Set(await this.versionsAnswering())]).toEqual([`v${this.version}`]);
    expect(this.ourContainers('running')).toEqual(inState(next).filter(n => !/-(release|reconcile)-/.test(n)));
    this.state = next;
    if (!ON_3_6_2) {
      expect(this.ourContainers()).toEqual(inState(next));
      return;
    }
    this.nextVersion();
    this.state = await applyStack(this.synth(), next);
    expect([...new Set(await this.versionsAnswering())]).toEqual([`v${this.version}`]);
    expect(this.ourContainers()).toEqual(inState(this.state));
  }

  /** The case of an apply killed once the provider has created the new app container. */
  public async killRightAfterCreate(): Promise<void> {
    const before = this.appContainers();
    const run = await this.interruptedDeploy(APP_CREATING, 'SIGKILL', async () => this.appContainers().some(n => !before.includes(n)));
    await this.expectNextDeploysConverge(run.result);
  }

  /** The case of `cdktf destroy` right after an apply killed during the health wait. */
  public async destroyAfterKill(): Promise<void> {
    const run = await this.interruptedDeploy(APP_CREATING, 'SIGKILL', () => this.answeredBy(`v${this.version}`));
    await destroyStack(run.result);
    this.state = undefined;
    expect(this.ourContainers()).toEqual([]);
  }

  public async destroy(): Promise<void> {
    if (this.state) await destroyStack(await currentState(this.state)).catch(() => undefined);
    this.state = undefined;
  }

  /**
   * The app, with the windows an interrupted apply is ended in: its first check 3 s after start, so
   * the new version answers (through the shared port) for about two seconds before the provider's
   * health wait ends (the health-wait cases), and a release command that takes 3 s (the release
   * case). With 4.x the deploys that follow check every second and release at once, as a prompt app
   * does. With 3.6.2 every deploy keeps the windows: with prompt deploys after it, the deploy after
   * a kill during the old container's removal failed on 3.6.2 (a deposed container already gone),
   * an open defect this suite does not yet cover.
   */
  private addContainer(stack: TerraformStack, image: WsgiImage): void {
    const windows = this.interrupting || ON_3_6_2;
    const firstCheck = Duration.seconds(windows ? 3 : 1);
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      containerName: this.name,
      updateOrder: this.order,
      publish: [{ hostPort: this.port }],
      // An engine with a start interval probes a starting container at it (5 s unless set).
      healthCheck: HealthCheck.http('/api/ok', {
        interval: firstCheck,
        timeout: Duration.seconds(2),
        startPeriod: Duration.seconds(30),
        startInterval: ENGINE_HAS_START_INTERVAL ? firstCheck : undefined,
      }),
      releaseCommand: ReleaseCommand.exec(['python3', '-c', `import time; time.sleep(${windows ? 3 : 0}); print("release ran")`]),
    });
  }
}

const inState = (r: ApplyResult) => r.resources.filter(x => x.type === 'docker_container').map(x => String(x.attrs.name)).sort();

/** Ends the apply of process group `group` the way `ending` says. */
function end(group: number, ending: Ending): void {
  if (ending === 'provider SIGKILL') {
    const pids = execFileSync('pgrep', ['-g', String(group), '-f', 'terraform-provider-docker'], { encoding: 'utf-8' }).split('\n').filter(Boolean);
    expect(pids.length).toBeGreaterThan(0);
    pids.forEach(pid => process.kill(Number(pid), 'SIGKILL'));
  } else {
    signalGroup(group, ending);
  }
}

describeEngine('deploys interrupted at each point of an apply, on a real Docker engine (UpdateOrder.START_FIRST)', () => {
  const app = new InterruptedDeploys(UpdateOrder.START_FIRST, 'orphans-web', 18140);

  beforeAll(() => app.deployFirst(), 600_000);
  afterAll(() => app.destroy(), 300_000);

  test('SIGKILL during the image build', async () => {
    const run = await app.interruptedDeploy(IMAGE_CREATING, 'SIGKILL', async () => true, () => app.editRequirements());
    expect(run.output).not.toMatch(APP_CREATING);
    await app.expectNextDeploysConverge(run.result);
  }, 600_000);

  test('SIGKILL right after the new app container is created', () => app.killRightAfterCreate(), 600_000);

  for (const ending of ['SIGKILL', 'SIGINT', 'SIGTERM', 'provider SIGKILL'] as const) {
    test(`${ending} during the health wait, while the new version already answers`, async () => {
      const run = await app.interruptedDeploy(APP_CREATING, ending, () => app.answeredBy(`v${app.version}`));
      await app.expectNextDeploysConverge(run.result);
    }, 600_000);
  }

  test('SIGKILL during the release command', async () => {
    const before = app.releaseContainers();
    const run = await app.interruptedDeploy(RELEASE_CREATING, 'SIGKILL', async () => app.releaseContainers().some(n => !before.includes(n)));
    expect(run.output).not.toMatch(APP_CREATING);
    await app.expectNextDeploysConverge(run.result);
  }, 600_000);

  test('SIGKILL while the old app container is removed', async () => {
    const run = await app.interruptedDeploy(OLD_APP_DESTROYING, 'SIGKILL', async () => true);
    await app.expectNextDeploysConverge(run.result);
  }, 600_000);

  test('cdktf destroy right after an apply killed during the health wait leaves nothing of ours', () => app.destroyAfterKill(), 600_000);
});

describeEngine('deploys interrupted at each point of an apply, on a real Docker engine (UpdateOrder.STOP_FIRST)', () => {
  const app = new InterruptedDeploys(UpdateOrder.STOP_FIRST, 'orphans-stop', 18141);

  // Deployed as an earlier release laid it out, so the first case is the upgrade to this one.
  beforeAll(() => app.deployFirst((stack, image) => app.addEarlierStopFirstContainer(stack, image)), 600_000);
  afterAll(() => app.destroy(), 300_000);

  test('the first deploy over an earlier release\'s one container replaces it with the holder, with no conflict', async () => {
    app.nextVersion();
    await app.expectNextDeploysConverge(app.state!);
  }, 600_000);

  test('SIGKILL right after the new app container is created', () => app.killRightAfterCreate(), 600_000);

  test('SIGKILL during the health wait, while the new version already answers', async () => {
    const run = await app.interruptedDeploy(APP_CREATING, 'SIGKILL', () => app.answeredBy(`v${app.version}`));
    await app.expectNextDeploysConverge(run.result);
  }, 600_000);

  test('switching to START_FIRST and back, after removing the app container as the README says, keeps the holder', async () => {
    const holders = () => app.dockerLines(['ps', '--filter', 'name=^orphans-stop(-guard-[0-9a-f]{8})?$', '--format', '{{.ID}} {{.Names}}']);
    const before = holders();
    expect(before).toHaveLength(2);
    for (const order of [UpdateOrder.START_FIRST, UpdateOrder.STOP_FIRST]) {
      // The app container's address differs between the orders, and Terraform cannot plan its move
      // together with create-before-destroy (a cycle), so the README removes it first.
      const appAddress = app.state!.resources.find(r => r.type === 'docker_container' && /^Web_(App_)?[0-9A-F]{8}$/.test(r.name))!.name;
      execFileSync('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color', `-target=docker_container.${appAddress}`],
        { cwd: app.state!.stackDir, env: terraformEnv(), stdio: 'ignore', timeout: 300_000 });
      app.order = order;
      app.nextVersion();
      app.state = await applyStack(app.synth(), await currentState(app.state!));
      expect([...new Set(await app.versionsAnswering())]).toEqual([`v${app.version}`]);
      expect(app.ourContainers()).toEqual(inState(app.state));
      expect(holders()).toEqual(before);
    }
  }, 600_000);

  test('cdktf destroy right after an apply killed during the health wait leaves nothing of ours', () => app.destroyAfterKill(), 600_000);
});
