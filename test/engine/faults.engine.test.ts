/**
 * Deploys that are interrupted or hit a fault, on the real engine with the real toolchain. Each case
 * injects its fault at a controlled point of a `terraform apply` (found by the line Terraform prints
 * as it starts that step), then runs the user's next apply and checks that:
 *  1. it converges, with no manual cleanup;
 *  2. no container, network or volume of ours remains beyond what the state holds;
 *  3. the app serves the version the state says;
 *  4. what a named volume held before the fault is intact;
 * and that a plan after it is empty. docs/reliability.md is the table of these cases.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { applyStack, ApplyResult, destroyStack, docker, planOnly } from './deployer';
import { restartDockerd } from './dockerd';
import { describeEngine, ensureBaseImage, prepareEngine, TEST_LABEL, TEST_LABELS } from './engine';
import { removeTestVolume, resetTestVolume } from './labels';
import { get, getOnNewConnection, waitFor } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_START_INTERVAL, setAppVersion, VERSION_ROUTE } from './stacks';
import { applyPlan, applyWatched, currentState, planStack } from './terraform';
import { Duration, HealthCheck, PublishMode, ReleaseCommand, ServiceMode, WsgiContainer, WsgiImage, WsgiService } from '../../src';

const PORT = 18120;
const NAME = 'faults-web';
const VOLUME = 'cdktf-wsgi-faults-state';
const PRECIOUS = 'written-before-the-faults';


/** The line Terraform prints when it starts creating the app container (not the holder's, not the release's). */
const APP_CREATING = /^docker_container\.Web_[0-9A-F]{8}: Creating\.\.\./;
const IMAGE_CREATING = /^docker_image\.Image_[0-9A-F]{8}: Creating\.\.\./;

describeEngine('deploys interrupted or faulted on a real Docker engine', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-src-'));
  const init = path.join(source, 'app', '__init__.py');
  let state: ApplyResult | undefined;

  /**
   * Writes the app at `version`; `importSeconds` makes its import take that long, so the health
   * wait of its deploy lasts long enough to interrupt.
   */
  function setVersion(version: string, importSeconds = 0): void {
    setAppVersion(init, version, importSeconds > 0 ? [`import time; time.sleep(${importSeconds})`] : []);
  }

  /** Synthesizes the stack; into `outdir` when given (a re-synth in place, as `cdktf synth` does). */
  function synth(outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-out-'))): string {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'faults');
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', writablePaths: ['/data'] });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      containerName: NAME,
      publish: [{ hostPort: PORT }],
      volumes: [{ volumeName: VOLUME, containerPath: '/data' }],
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(10), startInterval: PROMPT_START_INTERVAL, retries: 3 }),
      waitTimeout: Duration.seconds(60),
      releaseCommand: ReleaseCommand.exec(['python3', '-c', 'print("release ran")']),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'faults');
  }

  const dockerLines = (args: string[]) => execFileSync('docker', args, { encoding: 'utf-8', timeout: 60_000 }).split('\n').filter(Boolean).sort();
  /** Every container, network and volume of ours on the engine, by name. */
  const ours = () => ({
    containers: dockerLines(['ps', '-a', '--filter', `label=${TEST_LABEL}`, '--format', '{{.Names}}']),
    networks: dockerLines(['network', 'ls', '--filter', `label=${TEST_LABEL}`, '--format', '{{.Name}}']),
    volumes: dockerLines(['volume', 'ls', '--filter', `label=${TEST_LABEL}`, '--format', '{{.Name}}']),
  });
  const inState = (r: ApplyResult) => r.resources.filter(x => x.type === 'docker_container').map(x => String(x.attrs.name)).sort();
  /** The app containers running now (one, or two while a deploy overlaps them). */
  const appContainers = () => dockerLines(['ps', '-a', '--filter', `label=${WsgiContainer.CONTAINER_LABEL}=${NAME}`, '--filter', `name=^${NAME}-[0-9a-f]{8}$`, '--format', '{{.Names}}']);

  /** The user's next apply after a fault, and the four checks; returns its state. */
  async function expectConvergesTo(version: string, from: ApplyResult): Promise<ApplyResult> {
    const next = await applyStack(synth(), from);
    expect(ours()).toEqual({ containers: inState(next), networks: [], volumes: [VOLUME] });
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: version });
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: PRECIOUS });
    expect((await planOnly(synth(), next)).planText).toMatch(/No changes\./);
    return next;
  }

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    setVersion('v1');
    resetTestVolume(VOLUME);
    state = await applyStack(synth());
    expect(await get(PORT, `/api/state/write/${PRECIOUS}`)).toEqual({ status: 200, body: 'written' });
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: 'v1' });
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(await currentState(state));
    removeTestVolume(VOLUME);
  }, 300_000);

  /**
   * The versions 20 fresh connections get (Node's global agent would reuse one), each answer a 200;
   * prints how many of each of `versions` answered.
   */
  async function versionsOnFreshConnections(when: string, versions: string[]): Promise<string[]> {
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await getOnNewConnection(PORT, '/api/version');
      expect(answer.status).toBe(200);
      answers.push(answer.body);
    }
    process.stdout.write(`faults: ${when}, 20 connections answered ${versions.map(v => `${answers.filter(b => b === v).length} × ${v}`).join(', ')}\n`);
    return answers;
  }

  test('the new container\'s gunicorn killed during the health wait: Docker restarts it, and the deploy completes', async () => {
    setVersion('v4', 4);
    const before = appContainers();
    let killed: Promise<string> | undefined;
    const run = await applyWatched(synth(), state, line => {
      if (killed === undefined && APP_CREATING.test(line)) {
        killed = (async () => {
          let fresh = '';
          await waitFor('the new app container to run', async () => {
            fresh = appContainers().find(n => !before.includes(n)) ?? '';
            return fresh !== '' && (await docker.getContainer(fresh).inspect()).State.Pid > 0;
          }, 60_000);
          execFileSync('kill', ['-9', String((await docker.getContainer(fresh).inspect()).State.Pid)]);
          return fresh;
        })();
      }
    });
    const fresh = await killed!;
    expect(run.code).toBe(0);
    expect((await docker.getContainer(fresh).inspect()).RestartCount).toBeGreaterThanOrEqual(1);
    state = await expectConvergesTo('v4', run.result);
  }, 900_000);

  test('a second apply while the first holds the state lock fails clearly and changes nothing; the first completes', async () => {
    // A slow import (inside the health check's start period) keeps the first apply holding the lock
    // while the second one inits and plans, even on a loaded machine.
    setVersion('v5', 8);
    let second: Promise<{ error?: any; before: string[]; after: string[] }> | undefined;
    const first = await applyWatched(synth(), state, line => {
      if (second === undefined && APP_CREATING.test(line)) {
        second = (async () => {
          const before = ours().containers;
          const error = await applyStack(synth(), state).then(() => undefined, e => e);
          return { error, before, after: ours().containers };
        })();
      }
    });
    const { error, before, after } = await second!;
    expect(error?.message).toMatch(/Error acquiring the state lock/);
    // The second one made no container: every one there after it was there before it or is the first apply's.
    expect(after.filter(n => !before.includes(n) && !inState(first.result).includes(n))).toEqual([]);
    expect(first.code).toBe(0);
    state = await expectConvergesTo('v5', first.result);
  }, 900_000);

  test('a saved plan applied after the source changed deploys what was reviewed, never the unreviewed change', async () => {
    const before = await get(PORT, '/api/version');
    expect(before.status).toBe(200);
    setVersion('v6');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-saved-'));
    const stackDir = synth(outdir);
    const reviewed = await planStack(stackDir, state);
    // The source changes and the stack is synthesized again in the same place, as `cdktf synth` does.
    setVersion('v7');
    expect(synth(outdir)).toBe(stackDir);
    const run = await applyPlan(stackDir, reviewed);
    process.stdout.write(`faults: the saved plan's apply exited ${run.code}: ${(/Error: .*/.exec(run.output) ?? ['no error'])[0]}\n`);
    const served = await get(PORT, '/api/version');
    if (run.code === 0) {
      expect(served).toEqual({ status: 200, body: 'v6' });
    } else {
      // docs/reliability.md: the re-synth removed the reviewed context, so the build fails before anything is replaced.
      expect(run.output).toMatch(/dockerfile not found at path|failed to read dockerfile/);
      expect(served).toEqual(before);
    }
    state = await expectConvergesTo('v7', run.result);
  }, 900_000);

  /** Waits until the app answers on its published port again, and its app container is healthy. */
  async function waitUntilServing(): Promise<void> {
    await waitFor('the app to answer again', async () => (await get(PORT, '/api/version').catch(() => ({ status: 0 }))).status === 200, 180_000);
    await waitFor('the app container to be healthy', async () => {
      const apps = appContainers();
      return apps.length === 1 && (await docker.getContainer(apps[0]).inspect()).State.Health?.Status === 'healthy';
    }, 180_000);
  }

  const running = async (name: string) => (await docker.getContainer(name).inspect().catch(() => undefined))?.State.Running === true;
  /** What Docker says of the app container: why its last start failed, if it did. */
  const startError = async (name: string) => (await docker.getContainer(name).inspect()).State.Error ?? '';
  // Engine 20.10 says "network", Engine 29 "network namespace".
  const NOT_STARTED_BEFORE_HOLDER = /cannot join network (namespace )?of a non running container/;

  const guardName = () => dockerLines(['ps', '-a', '--filter', `name=^${NAME}-guard-[0-9a-f]{8}$`, '--format', '{{.Names}}'])[0];
  /** What the guard printed since `since` (a Unix time in seconds, as `docker logs --since` takes). */
  const guardLog = (since: number) => execFileSync('docker', ['logs', '--since', String(since), guardName()], { encoding: 'utf-8', timeout: 60_000 });
  const now = () => Math.floor(Date.now() / 1000);
  const BROUGHT_BACK = (app: string) => new RegExp(`^started ${app} \\([0-9a-f]{12}\\): the daemon had started it before its network holder ${NAME} ran \\(moby/moby#50326\\)$`, 'm');

  /** No apply, no `docker start`: the app answers again by itself, and the state's containers alone exist. */
  async function expectServesByItself(version: string): Promise<void> {
    await waitUntilServing();
    expect(ours()).toEqual({ containers: inState(state!), networks: [], volumes: [VOLUME] });
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: version });
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: PRECIOUS });
  }

  test('dockerd restarted while the app runs, three times: the app answers again each time with no step by hand, where the daemon started it before its holder too', async () => {
    const [app] = appContainers();
    for (let restart = 1; restart <= 3; restart++) {
      const since = now();
      const away = await restartDockerd();
      await waitFor('the network holder to run again', async () => running(NAME), 120_000);
      await expectServesByItself('v7');
      // The daemon starts the containers of restart policies in parallel, without ordering one that
      // joins another's network after it (moby/moby#50326); the guard then starts the app.
      const raced = BROUGHT_BACK(app).test(guardLog(since));
      process.stdout.write(`faults: dockerd restart ${restart} took ${away} ms; ${raced ? 'the daemon started the app before its holder, and the guard brought it back' : 'the daemon started the app after its holder'}\n`);
    }
    expect((await planOnly(synth(), state!)).planText).toMatch(/No changes\./);
  }, 900_000);

  test('the daemon-restart race made to happen, the guard started last as the daemon may: the guard brings the app back, with no step by hand', async () => {
    const guard = guardName();
    execFileSync('docker', ['stop', guard], { stdio: 'ignore', timeout: 120_000 });
    const app = await raceAppBeforeHolder();
    const since = now();
    execFileSync('docker', ['start', guard], { stdio: 'ignore', timeout: 60_000 });
    await expectServesByItself('v7');
    expect(guardLog(since)).toMatch(BROUGHT_BACK(app));
    expect((await planOnly(synth(), state!)).planText).toMatch(/No changes\./);
  }, 900_000);

  /** Leaves what the daemon-restart race leaves: the holder running, the app exited with the daemon's start error. */
  async function raceAppBeforeHolder(): Promise<string> {
    const [app] = appContainers();
    execFileSync('docker', ['stop', app, NAME], { stdio: 'ignore', timeout: 120_000 });
    expect(() => execFileSync('docker', ['start', app], { stdio: 'pipe', timeout: 60_000 })).toThrow(NOT_STARTED_BEFORE_HOLDER);
    execFileSync('docker', ['start', NAME], { stdio: 'ignore', timeout: 60_000 });
    expect(await startError(app)).toMatch(NOT_STARTED_BEFORE_HOLDER);
    expect((await get(PORT, '/api/version').catch(() => ({ status: 0, body: '' }))).status).not.toBe(200);
    return app;
  }

  test('the daemon-restart race made to happen with the guard stopped: the README\'s docker start brings the app back', async () => {
    const guard = guardName();
    execFileSync('docker', ['stop', guard], { stdio: 'ignore', timeout: 120_000 });
    const app = await raceAppBeforeHolder();
    // The README's command, read from the README, with this stack's container name filled in.
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf-8');
    const command = /^`(docker start \$\(.*\))`\.$/m.exec(readme)?.[1];
    expect(command).toBeDefined();
    const started = execFileSync('sh', ['-c', command!.split('<containerName>').join(NAME)], { encoding: 'utf-8', timeout: 120_000 });
    expect(started.trim()).toHaveLength(12);
    expect(await running(app)).toBe(true);
    execFileSync('docker', ['start', guard], { stdio: 'ignore', timeout: 60_000 });
    await expectServesByItself('v7');
    expect((await planOnly(synth(), state!)).planText).toMatch(/No changes\./);
  }, 900_000);

  test('dockerd restarted during an apply: the app comes back serving the old or the new version (the new alone where the apply completed), and the next apply converges', async () => {
    setVersion('v8', 4);
    const before = appContainers();
    let restarted: Promise<number> | undefined;
    const run = await applyWatched(synth(), state, line => {
      if (restarted === undefined && APP_CREATING.test(line)) {
        restarted = waitFor('the new app container', async () => appContainers().length > before.length, 60_000).then(() => restartDockerd());
      }
    });
    const away = await restarted!;
    process.stdout.write(`faults: dockerd restarted during the apply (${away} ms); terraform exited ${run.code}\n`);
    await waitFor('the app to answer again', async () => (await get(PORT, '/api/version').catch(() => ({ status: 0 }))).status === 200, 180_000);
    const answers = await versionsOnFreshConnections('after the restart', ['v7', 'v8']);
    // A completed apply removed the old version; a failed one may leave the new one (tainted) beside it.
    expect(answers.filter(b => b !== 'v8' && (run.code === 0 || b !== 'v7'))).toEqual([]);
    state = await expectConvergesTo('v8', run.result);
  }, 900_000);
});

describeEngine('a WsgiService push that meets a stopped registry, on a real Docker engine', () => {
  const SERVICE_PORT = 18121;
  const SERVICE = 'faults-svc';
  const REGISTRY = '127.0.0.1:5000';
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-svc-src-'));
  const init = path.join(source, 'app', '__init__.py');
  let state: ApplyResult | undefined;

  function synth(version: string): string {
    setAppVersion(init, version);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-svc-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'faults-svc');
    addDockerProvider(stack, { registryAuth: [{ address: `http://${REGISTRY}`, authDisabled: true }] });
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', repository: `${REGISTRY}/cdktf-wsgi-test/faults` });
    new WsgiService(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      serviceName: SERVICE,
      pushToRegistry: true,
      mode: ServiceMode.replicated(1),
      publish: [{ publishedPort: SERVICE_PORT, mode: PublishMode.HOST_NETWORK }],
      // Prompt, but with room for a probe slowed by the build on this 2-core machine: a task
      // that failed three 2 s probes then was replaced mid-test (a hang-up on Engine 29).
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(1), timeout: Duration.seconds(5), startPeriod: Duration.seconds(2), retries: 5 }),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'faults-svc');
  }

  const upScript = path.join(__dirname, 'swarm', 'up.sh');
  const serviceImage = () => execFileSync('docker', ['service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', SERVICE], { encoding: 'utf-8' }).trim();
  const signalRegistry = (signal: 'STOP' | 'KILL') => execFileSync('pkill', [`-${signal}`, '-f', 'docker-registry serve'], { stdio: 'ignore' });

  beforeAll(async () => {
    prepareEngine();
    execFileSync('bash', [upScript], { stdio: 'inherit', timeout: 120_000 });
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    state = await applyStack(synth('s1'));
    await waitFor('s1 served', async () => (await get(SERVICE_PORT, '/api/version').catch(() => ({ body: '' }))).body === 's1', 120_000);
  }, 600_000);

  afterAll(async () => {
    // The registry back for the suites after this one (up.sh starts what does not answer).
    execFileSync('bash', [upScript], { stdio: 'inherit', timeout: 120_000 });
    if (state) await destroyStack(await currentState(state));
  }, 300_000);

  test('the apply fails naming the push, the service keeps the old image and serves, and the next apply converges', async () => {
    const before = serviceImage();
    // Frozen while the image builds, killed once the push starts: a push of one small layer can be
    // over before a registry stopped at that moment goes away, and then nothing would have failed.
    let frozen = false;
    let killed = false;
    const run = await applyWatched(synth('s2'), state, line => {
      if (!frozen && IMAGE_CREATING.test(line)) {
        frozen = true;
        signalRegistry('STOP');
      } else if (frozen && !killed && /^docker_registry_image\.Image_Registry_[0-9A-F]{8}: Creating\.\.\./.test(line)) {
        killed = true;
        signalRegistry('KILL');
      }
    });
    if (frozen && !killed) signalRegistry('KILL');
    expect({ frozen, killed }).toEqual({ frozen: true, killed: true });
    process.stdout.write(`faults: the push with the registry stopped: terraform exited ${run.code}: ${(/Error: .*/.exec(run.output) ?? ['no error'])[0]}\n`);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/Error: [\s\S]*docker_registry_image\.Image_Registry_[0-9A-F]{8}/);
    expect(serviceImage()).toBe(before);
    expect(await get(SERVICE_PORT, '/api/version')).toEqual({ status: 200, body: 's1' });

    execFileSync('bash', [upScript], { stdio: 'inherit', timeout: 120_000 });
    state = await applyStack(synth('s2'), run.result);
    expect(serviceImage()).not.toBe(before);
    await waitFor('s2 served', async () => (await get(SERVICE_PORT, '/api/version').catch(() => ({ body: '' }))).body === 's2', 120_000);
    expect((await planOnly(synth('s2'), state)).planText).toMatch(/No changes\./);
  }, 900_000);
});

describeEngine('a build that fills the disk, on a Docker engine of the suite\'s own with a small data root', () => {
  // test/engine/small-disk/up.sh: a daemon in a namespace of its own, its data root a tmpfs.
  const SOCKET = 'unix:///run/cdktf-wsgi-small-disk.sock';
  const DATA_ROOT = '/var/lib/cdktf-wsgi-small-disk';
  const FILLER = path.join(DATA_ROOT, 'filler');
  const NAMESPACE = '/var/run/netns/cdktf-wsgi-small-disk';
  const SMALL_PORT = 18122;
  const SMALL_NAME = 'small-disk-web';
  const SMALL_VOLUME = 'cdktf-wsgi-small-disk-state';
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-disk-src-'));
  const init = path.join(source, 'app', '__init__.py');
  const smallEnv = { ...process.env, DOCKER_HOST: SOCKET };
  let state: ApplyResult | undefined;
  let userDockerHost: string | undefined;

  function synth(version: string): string {
    setAppVersion(init, version);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-disk-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'faults-disk');
    // The engine is the one DOCKER_HOST names, as a user points Terraform at another daemon. (4.x
    // builds through buildx on the Docker CLI's endpoint, which follows DOCKER_HOST but not the
    // provider's `host`: docs/providers.md.)
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', writablePaths: ['/data'] });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      containerName: SMALL_NAME,
      publish: [{ hostPort: SMALL_PORT }],
      volumes: [{ volumeName: SMALL_VOLUME, containerPath: '/data' }],
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(5), startInterval: PROMPT_START_INTERVAL, retries: 3 }),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'faults-disk');
  }

  const small = (args: string[]) => execFileSync('docker', args, { encoding: 'utf-8', env: smallEnv, timeout: 120_000 });
  /** A request from inside the engine's own namespace, where its published ports are. */
  const getThere = (urlPath: string) => execFileSync('nsenter', [`--net=${NAMESPACE}`, 'curl', '-s', '--max-time', '5', `http://127.0.0.1:${SMALL_PORT}${urlPath}`], { encoding: 'utf-8' });
  const lines = (text: string) => text.split('\n').filter(Boolean).sort();
  const freeBytes = () => Number(execFileSync('df', ['-B1', '--output=avail', DATA_ROOT], { encoding: 'utf-8' }).split('\n')[1].trim());

  beforeAll(async () => {
    ensureBaseImage();
    execFileSync('bash', [path.join(__dirname, 'small-disk', 'up.sh')], { stdio: 'inherit', timeout: 300_000 });
    userDockerHost = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = SOCKET;
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    small(['volume', 'create', '--label', `${TEST_LABEL}=engine`, SMALL_VOLUME]);
    state = await applyStack(synth('d1'));
    expect(getThere(`/api/state/write/${PRECIOUS}`)).toBe('written');
  }, 600_000);

  afterAll(async () => {
    fs.rmSync(FILLER, { force: true });
    try {
      if (state) await destroyStack(await currentState(state));
    } finally {
      if (userDockerHost === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = userDockerHost;
      execFileSync('bash', [path.join(__dirname, 'small-disk', 'down.sh')], { stdio: 'inherit', timeout: 300_000 });
    }
  }, 600_000);

  test('the build fails on the full disk and says which step, the old version serves on, and once there is room the next apply converges', async () => {
    // All but 2 MiB taken: the dependency layer (pip) cannot be written.
    execFileSync('fallocate', ['-l', String(freeBytes() - 2 * 1024 * 1024), FILLER]);
    fs.appendFileSync(path.join(source, 'requirements.txt'), `\n# edited ${Date.now()}\n`);
    const run = await applyWatched(synth('d2'), state);
    process.stdout.write(`faults: the build on a full disk: terraform exited ${run.code}: ${(/Error: .*/.exec(run.output) ?? ['no error'])[0]}\n`);
    expect(run.code).not.toBe(0);
    // BuildKit words a failed step as `executor failed running [...]` (Engine 20.10) or `process "..." did not complete successfully` (Engine 29).
    expect(run.output).toMatch(/Error: Error running (buildx|legacy) build: (failed to solve: )?(executor failed running \[|process \\?")[^\]]*pip install/);
    expect(run.output).not.toMatch(/docker_container\.Web_[0-9A-F]{8}: Creating/);
    expect(getThere('/api/version')).toBe('d1');

    fs.rmSync(FILLER);
    state = await applyStack(synth('d2'), run.result);
    expect(getThere('/api/version')).toBe('d2');
    expect(getThere('/api/state')).toBe(PRECIOUS);
    const inStateNames = state.resources.filter(r => r.type === 'docker_container').map(r => String(r.attrs.name)).sort();
    expect(lines(small(['ps', '-a', '--filter', `label=${TEST_LABEL}`, '--format', '{{.Names}}']))).toEqual(inStateNames);
    expect(lines(small(['volume', 'ls', '--filter', `label=${TEST_LABEL}`, '--format', '{{.Name}}']))).toEqual([SMALL_VOLUME]);
    expect((await planOnly(synth('d2'), state)).planText).toMatch(/No changes\./);
  }, 900_000);
});
