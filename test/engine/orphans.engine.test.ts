/**
 * Deploys interrupted at each point of an apply, by each way an apply ends early, on the real
 * engine with the real toolchain (docs/reliability.md, "Interrupted deploys"). The guarantee under
 * test: no container outside Terraform's state serves after the next deploy, and after the deploy
 * that follows it exactly the state's containers exist; a destroy leaves nothing of ours.
 *
 * The cases run in order, each from the state the one before left: an interrupted apply to a new
 * version, the user's next deploy of that version, then a deploy of one more version.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { applyStack, ApplyResult, destroyStack } from './deployer';
import { describeEngine, prepareEngine, TEST_LABEL, TEST_LABELS } from './engine';
import { getOnNewConnection, waitFor } from './probes';
import { addDockerProvider, PROVIDER_VERSION } from './provider';
import { APPS, setAppVersion, VERSION_ROUTE } from './stacks';
import { applyWatched, currentState, signalGroup, WatchedApply } from './terraform';
import { Duration, HealthCheck, ReleaseCommand, WsgiContainer, WsgiImage } from '../../src';

const PORT = 18140;
const NAME = 'orphans-web';
/** How many fresh connections each check makes; each must answer the version the state says. */
const CONNECTIONS = 40;

const IMAGE_CREATING = /^docker_image\.Image_[0-9A-F]{8}: Creating\.\.\./;
const APP_CREATING = /^docker_container\.Web_[0-9A-F]{8}: Creating\.\.\./;
const RELEASE_CREATING = /^docker_container\.Web_Release_[0-9A-F]{8}: Creating\.\.\./;
const OLD_APP_DESTROYING = /^docker_container\.Web_[0-9A-F]{8} \(deposed object [0-9a-f]+\): Destroying\.\.\./;

/** How an apply is ended early: a signal to Terraform's process group, or SIGKILL to the provider alone. */
type Ending = 'SIGKILL' | 'SIGINT' | 'SIGTERM' | 'provider SIGKILL';

describeEngine('deploys interrupted at each point of an apply, on a real Docker engine', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-src-'));
  const init = path.join(source, 'app', '__init__.py');
  let state: ApplyResult | undefined;
  let version = 1;

  function synth(): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'orphans');
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app' });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      containerName: NAME,
      publish: [{ hostPort: PORT }],
      // The first check 3 s after start: the new version answers (through the shared port) for
      // about two seconds before the provider's health wait ends, the window of the health-wait case.
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(3), timeout: Duration.seconds(2), startPeriod: Duration.seconds(30) }),
      releaseCommand: ReleaseCommand.exec(['python3', '-c', 'import time; time.sleep(3); print("release ran")']),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'orphans');
  }

  const dockerLines = (args: string[]) => execFileSync('docker', args, { encoding: 'utf-8', timeout: 60_000 }).split('\n').filter(Boolean).sort();
  const ourContainers = (status?: string) => dockerLines(['ps', '-a', '--filter', `label=${TEST_LABEL}`, ...(status ? ['--filter', `status=${status}`] : []), '--format', '{{.Names}}']);
  const inState = (r: ApplyResult) => r.resources.filter(x => x.type === 'docker_container').map(x => String(x.attrs.name)).sort();
  const appContainers = () => dockerLines(['ps', '-a', '--filter', `label=${WsgiContainer.CONTAINER_LABEL}=${NAME}`, '--filter', `name=^${NAME}-[0-9a-f]{8}$`, '--format', '{{.Names}}']);
  const releaseContainers = () => dockerLines(['ps', '-a', '--filter', `name=^${NAME}-release-`, '--format', '{{.Names}}']);

  /** The versions {@link CONNECTIONS} fresh connections get; every one must answer 200. */
  async function versionsAnswering(): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const answer = await getOnNewConnection(PORT, '/api/version');
      expect(answer.status).toBe(200);
      answers.push(answer.body);
    }
    return answers;
  }

  /** Whether a fresh connection is answered by `v`. */
  const answeredBy = async (v: string) => (await getOnNewConnection(PORT, '/api/version').catch(() => ({ body: '' }))).body === v;

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

  /**
   * Applies the next version and ends that apply with `ending` once `ready` holds after Terraform
   * printed the line `at`. Waits until nothing of the apply is left running.
   */
  async function interruptedDeploy(at: RegExp, ending: Ending, ready: () => Promise<boolean>, edit?: () => void): Promise<WatchedApply> {
    version++;
    setAppVersion(init, `v${version}`);
    edit?.();
    let ended: Promise<void> | undefined;
    const run = await applyWatched(synth(), state, (line, group) => {
      if (ended === undefined && at.test(line)) {
        ended = waitFor('the moment to interrupt', ready, 60_000).then(() => end(group, ending));
      }
    });
    expect(ended).toBeDefined();
    await ended;
    expect(run.code).not.toBe(0);
    const outside = ourContainers().filter(n => !inState(run.result).includes(n));
    process.stdout.write(`orphans (${PROVIDER_VERSION}): v${version} ended by ${ending} at ${at.source}; outside the state: ${outside.join(', ') || 'nothing'}\n`);
    return run;
  }

  /**
   * The user's next deploy after an interrupted one, and the deploy of one more version after it,
   * each checked: every fresh connection answers the deployed version, and nothing outside the state
   * runs. After the first, provider 4.x leaves exactly the state's containers; 3.6.2 leaves what it
   * stopped until the next deploy removes it. After the second, exactly the state's containers exist.
   */
  async function expectNextDeploysConverge(after: WatchedApply): Promise<void> {
    const next = await applyStack(synth(), after.result);
    const step = next.resources.find(r => r.type === 'docker_container' && /-reconcile-/.test(String(r.attrs.name)));
    process.stdout.write(`orphans (${PROVIDER_VERSION}): the next deploy's reconcile step said: ${JSON.stringify(String(step?.attrs.container_logs ?? '').replace(/\r/g, '').trim())}\n`);
    expect([...new Set(await versionsAnswering())]).toEqual([`v${version}`]);
    expect(ourContainers('running')).toEqual(inState(next).filter(n => !/-(release|reconcile)-/.test(n)));
    if (PROVIDER_VERSION !== '3.6.2') expect(ourContainers()).toEqual(inState(next));
    version++;
    setAppVersion(init, `v${version}`);
    state = await applyStack(synth(), next);
    expect([...new Set(await versionsAnswering())]).toEqual([`v${version}`]);
    expect(ourContainers()).toEqual(inState(state));
  }

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    setAppVersion(init, `v${version}`);
    state = await applyStack(synth());
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(await currentState(state)).catch(() => undefined);
  }, 300_000);

  test('SIGKILL during the image build', async () => {
    // A dependency edit, so the build runs pip for seconds rather than copying one file.
    const run = await interruptedDeploy(IMAGE_CREATING, 'SIGKILL', async () => true,
      () => fs.appendFileSync(path.join(source, 'requirements.txt'), `\n# edited ${Date.now()}\n`));
    expect(run.output).not.toMatch(APP_CREATING);
    await expectNextDeploysConverge(run);
  }, 600_000);

  test('SIGKILL right after the new app container is created', async () => {
    const before = appContainers();
    const run = await interruptedDeploy(APP_CREATING, 'SIGKILL', async () => appContainers().length > before.length);
    await expectNextDeploysConverge(run);
  }, 600_000);

  for (const ending of ['SIGKILL', 'SIGINT', 'SIGTERM', 'provider SIGKILL'] as const) {
    test(`${ending} during the health wait, while the new version already answers`, async () => {
      const run = await interruptedDeploy(APP_CREATING, ending, () => answeredBy(`v${version}`));
      await expectNextDeploysConverge(run);
    }, 600_000);
  }

  test('SIGKILL during the release command', async () => {
    const before = releaseContainers();
    const run = await interruptedDeploy(RELEASE_CREATING, 'SIGKILL', async () => releaseContainers().length > before.length);
    expect(run.output).not.toMatch(APP_CREATING);
    await expectNextDeploysConverge(run);
  }, 600_000);

  test('SIGKILL while the old app container is removed', async () => {
    const run = await interruptedDeploy(OLD_APP_DESTROYING, 'SIGKILL', async () => true);
    await expectNextDeploysConverge(run);
  }, 600_000);

  test('cdktf destroy right after an apply killed during the health wait leaves nothing of ours', async () => {
    const run = await interruptedDeploy(APP_CREATING, 'SIGKILL', () => answeredBy(`v${version}`));
    await destroyStack(run.result);
    state = undefined;
    expect(ourContainers()).toEqual([]);
  }, 600_000);
});
