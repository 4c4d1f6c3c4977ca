/**
 * Deploys that drop nothing, on the real engine with the real toolchain: a steady client on the
 * published loopback port for the whole of each `terraform apply`, and the count of requests that
 * got no 200 asserted to be 0 (a count, never a timing). A code edit, a dependency edit, a release
 * command that must see the old version still serving, a broken version that must leave the old one
 * serving and fail the deploy, and the fix after it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { appContainer, applyKeepingFailure, applyStack, ApplyResult, destroyStack, docker, planOnly } from './deployer';
import { describeEngine, prepareEngine, TEST_LABELS } from './engine';
import { removeTestVolume, resetTestVolume } from './labels';
import { failures, poll, Sample } from './poller';
import { get } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_START_INTERVAL, setAppVersion, VERSION_ROUTE } from './stacks';
import { Duration, HealthCheck, PublishMode, ReleaseCommand, ServiceMode, WsgiContainer, WsgiImage, WsgiService } from '../../src';

const PORT = 18087;
const NAME = 'zero-downtime-web';
const VOLUME = 'cdktf-wsgi-zero-downtime-state';
/** Fewer answers than this during an apply would mean the client was not really polling. */
const MIN_REQUESTS = 20;


/**
 * The release command asks the app, from inside the holder's network namespace, which version
 * answers, and records it: the record shows it ran while the old version still served.
 */
const RELEASE_SCRIPT = 'import socket, urllib.request; s = socket.socket(); up = s.connect_ex(("127.0.0.1", 8000)) == 0; s.close(); '
  + 'v = urllib.request.urlopen("http://127.0.0.1:8000/api/version", timeout=5).read().decode() if up else "no version"; '
  + 'open("/data/state.txt", "w").write("release saw " + v)';

describeEngine('zero-downtime deploys (UpdateOrder.START_FIRST, the default) on a real Docker engine', () => {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-downtime-src-'));
  const init = path.join(source, 'app', '__init__.py');
  let state: ApplyResult | undefined;

  function setVersion(v: string, prelude: string[] = []): void {
    setAppVersion(init, v, prelude);
  }

  function synth(): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-downtime-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'zero-downtime');
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app', writablePaths: ['/data'] });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      containerName: NAME,
      publish: [{ hostPort: PORT }],
      volumes: [{ volumeName: VOLUME, containerPath: '/data' }],
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(5), startInterval: PROMPT_START_INTERVAL, retries: 3 }),
      // A healthy version answers within seconds; the broken one's apply fails when this runs out.
      waitTimeout: Duration.seconds(15),
      releaseCommand: ReleaseCommand.exec(['python3', '-c', RELEASE_SCRIPT]),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'zero-downtime');
  }

  /** Applies while the client polls; returns the apply's result (or error) and every sample. */
  async function deployPolled(apply: () => Promise<ApplyResult>): Promise<{ result?: ApplyResult; error?: any; samples: Sample[] }> {
    const poller = poll(PORT, '/api/version');
    await new Promise(r => setTimeout(r, 1000));
    let result: ApplyResult | undefined;
    let error: any;
    try {
      result = await apply();
    } catch (e) {
      error = e;
    }
    await new Promise(r => setTimeout(r, 1500));
    return { result, error, samples: await poller.stop() };
  }

  const versionsSeen = (samples: Sample[]) => [...new Set(samples.filter(s => s.status === 200).map(s => s.body))];
  /** The client polled throughout, every request was answered, by these versions in this order. */
  const expectServedThroughout = (samples: Sample[], versions: string[]) => {
    expect(samples.length).toBeGreaterThan(MIN_REQUESTS);
    expect(failures(samples)).toEqual([]);
    expect(versionsSeen(samples)).toEqual(versions);
    expect(samples[samples.length - 1].body).toBe(versions[versions.length - 1]);
  };
  /**
   * While a broken version restarts next to the serving one: every answer comes from a working
   * version, in this order, and none is an error. Its gunicorn binds the port at each restart
   * before its worker fails the import, so a request the kernel gives that listener waits there
   * until it closes and moves to the serving one (tcp_migrate_req): an answer late by up to that
   * second, which the client's 1 s timeout may count as none: a few per restart, at most 3 or 1%.
   */
  const expectAnsweredDespiteCrashLoop = (what: string, samples: Sample[], versions: string[]) => {
    expect(samples.length).toBeGreaterThan(MIN_REQUESTS);
    expect(versionsSeen(samples)).toEqual(versions);
    expect(samples[samples.length - 1].body).toBe(versions[versions.length - 1]);
    const late = failures(samples);
    process.stdout.write(`zero-downtime: ${what}: ${late.length} of ${samples.length} requests unanswered within 1 s\n`);
    expect(late.filter(s => s.status !== 0)).toEqual([]);
    expect(late.length).toBeLessThanOrEqual(Math.max(3, Math.ceil(samples.length / 100)));
  };
  /** When the image's `pip install` step was built (seconds since the epoch, as the Engine API says). */
  const pipInstallBuilt = async (r: ApplyResult) => {
    const history = await docker.getImage(appContainer(r).attrs.image).history() as Array<{ CreatedBy: string; Created: number }>;
    return history.filter(h => /pip install/.test(h.CreatedBy)).map(h => h.Created);
  };
  const ourContainers = () => execFileSync('docker', ['ps', '-a', '--filter', `label=${WsgiContainer.CONTAINER_LABEL}=${NAME}`, '--format', '{{.Names}}'], { encoding: 'utf-8' })
    .split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    setVersion('v1');
    resetTestVolume(VOLUME);
    state = await applyStack(synth());
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: 'v1' });
    // The first deploy's release command found nothing serving yet.
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: 'release saw no version' });
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    removeTestVolume(VOLUME);
  }, 300_000);

  test('a code edit: no request fails, the old version answers until the new one does, the release command ran while the old one served', async () => {
    const [app, release] = ourContainers();
    const before = { app, release };
    setVersion('v2');
    const run = await deployPolled(() => applyStack(synth(), state));
    state = run.result;
    expect(run.error).toBeUndefined();
    expectServedThroughout(run.samples, ['v1', 'v2']);
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: 'release saw v1' });
    // One app container and one release container left, the new ones, each under a name of its own.
    const names = ourContainers();
    expect(names).toEqual([expect.stringMatching(new RegExp(`^${NAME}-[0-9a-f]{8}$`)), expect.stringMatching(new RegExp(`^${NAME}-release-[0-9a-f]{8}$`))]);
    expect(names).not.toContain(before.app);
    expect(names).not.toContain(before.release);
    expect((await planOnly(synth(), state!)).planText).toMatch(/No changes\./);
  }, 600_000);

  test('a dependency edit rebuilds the dependency layer, and no request fails', async () => {
    const before = await pipInstallBuilt(state!);
    fs.appendFileSync(path.join(source, 'requirements.txt'), `\n# edited ${Date.now()}\n`);
    setVersion('v3');
    const run = await deployPolled(() => applyStack(synth(), state));
    state = run.result;
    expect(run.error).toBeUndefined();
    expectServedThroughout(run.samples, ['v2', 'v3']);
    const after = await pipInstallBuilt(state!);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect(await get(PORT, '/api/state')).toEqual({ status: 200, body: 'release saw v2' });
  }, 600_000);

  test('a version whose import fails never replaces the old one, which keeps answering, and the deploy fails on the health check', async () => {
    setVersion('v4', ['import no_such_module_in_this_image']);
    const run = await deployPolled(() => applyKeepingFailure(synth(), state));
    expect(run.error?.message).toMatch(/container failed to be in healthy state/);
    expect(run.error.message).toMatch(/docker_container\.Web_/);
    // The old version answered throughout: every answer is its own, and the last one too. The
    // broken gunicorn binds the port at each of its restarts before its worker fails the import, so
    // a request the kernel gives its listener waits there until it closes and the request moves to
    // the old one (tcp_migrate_req): an answer late by up to that second, which the client's 1 s
    // timeout may count as none, but never an error.
    expectAnsweredDespiteCrashLoop('broken version', run.samples, ['v3']);
    expect(await get(PORT, '/api/version')).toEqual({ status: 200, body: 'v3' });
    state = run.error.result;

    // The fix deploys from there: the failed container (tainted) and the old one go, nothing else
    // stays. The failed one restarts until its destroy at the end of this apply, so the same late
    // answers may show here too.
    setVersion('v5');
    const fixed = await deployPolled(() => applyStack(synth(), state));
    state = fixed.result;
    expect(fixed.error).toBeUndefined();
    expectAnsweredDespiteCrashLoop('the fix after it', fixed.samples, ['v3', 'v5']);
    expect(ourContainers()).toHaveLength(2);
    expect((await planOnly(synth(), state!)).planText).toMatch(/No changes\./);
  }, 900_000);
});

describeEngine('zero-downtime Swarm updates in the node\'s network namespace (PublishMode.HOST_NETWORK) on a real Docker engine', () => {
  const SERVICE_PORT = 18088;
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-downtime-svc-src-'));
  const init = path.join(source, 'app', '__init__.py');
  let state: ApplyResult | undefined;

  function synth(version: string): string {
    setAppVersion(init, version);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-downtime-svc-out-'));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'zero-downtime-svc');
    addDockerProvider(stack);
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source, entrypoint: 'manager:app' });
    new WsgiService(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      serviceName: 'zero-downtime-svc',
      mode: ServiceMode.replicated(2),
      publish: [{ publishedPort: SERVICE_PORT, mode: PublishMode.HOST_NETWORK }],
      healthCheck: HealthCheck.http('/api/ok', { interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(2), retries: 3 }),
    });
    app.synth();
    return path.join(outdir, 'stacks', 'zero-downtime-svc');
  }

  beforeAll(async () => {
    prepareEngine();
    execFileSync('bash', [path.join(__dirname, 'swarm', 'up.sh')], { stdio: 'inherit', timeout: 120_000 });
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    fs.appendFileSync(init, VERSION_ROUTE);
    state = await applyStack(synth('s1'));
    expect(await get(SERVICE_PORT, '/api/version')).toEqual({ status: 200, body: 's1' });
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
  }, 300_000);

  test('a code edit rolls out start-first on one node without the mesh: no request fails, and the new tasks answer', async () => {
    const poller = poll(SERVICE_PORT, '/api/version');
    await new Promise(r => setTimeout(r, 1000));
    state = await applyStack(synth('s2'), state);
    await new Promise(r => setTimeout(r, 1500));
    const samples = await poller.stop();
    expect(samples.length).toBeGreaterThan(MIN_REQUESTS);
    expect(failures(samples)).toEqual([]);
    expect([...new Set(samples.filter(s => s.status === 200).map(s => s.body))]).toEqual(['s1', 's2']);
    expect(samples[samples.length - 1].body).toBe('s2');
    expect((await planOnly(synth('s2'), state!)).planText).toMatch(/No changes\./);
  }, 600_000);
});
