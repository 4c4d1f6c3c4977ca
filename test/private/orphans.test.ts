/**
 * The reconcile step's and the destroy guard's programs, run by Python against a fake engine that
 * answers on a Unix socket: which containers each one stops and removes, and which it never
 * touches. The engine suite test/engine/orphans.engine.test.ts runs them on a real engine.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { GUARD_SCRIPT, RECONCILE_SCRIPT, RECONCILE_SOCKET } from '../../src/private/runner/orphans';

interface FakeContainer {
  readonly Id: string;
  readonly name: string;
  State: string;
  readonly Created: number;
  readonly Labels: Record<string, string>;
  readonly networkMode?: string;
  readonly env?: string[];
  /** Why its last start failed, as Docker's `State.Error` says. */
  error?: string;
  readonly restart?: string;
  /** The engine refuses to start it. */
  readonly refusesStart?: boolean;
}

/** A fake engine: the list, inspect, stop and remove calls the programs make, and a log of the last two. */
class FakeEngine {
  public readonly calls: string[] = [];
  public failWith?: number;
  private readonly server: http.Server;

  constructor(public readonly socket: string, public containers: FakeContainer[]) {
    this.server = http.createServer((req, res) => this.answer(req, res));
  }

  public listen(): Promise<void> {
    return new Promise(ok => this.server.listen(this.socket, ok));
  }

  public close(): Promise<void> {
    return new Promise(ok => this.server.close(() => ok()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://docker');
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (this.failWith) return reply(this.failWith, { message: 'engine trouble' });
    const found = (id: string) => this.containers.find(c => c.Id === id);
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && url.pathname === '/containers/json') {
      const [key, value] = JSON.parse(url.searchParams.get('filters')!).label[0].split('=');
      return reply(200, this.containers.filter(c => c.Labels[key] === value).map(c => ({
        Id: c.Id, Names: [`/${c.name}`], State: c.State, Created: c.Created, Labels: c.Labels, HostConfig: { NetworkMode: c.networkMode ?? 'default' },
      })));
    }
    if (req.method === 'GET' && (m = /^\/containers\/([^/]+)\/json$/.exec(url.pathname))) {
      const c = found(m[1]);
      return c ? reply(200, {
        Id: c.Id,
        Name: `/${c.name}`,
        Config: { Env: c.env ?? null },
        State: { Running: c.State === 'running', Error: c.error ?? '' },
        HostConfig: { NetworkMode: c.networkMode ?? 'default', RestartPolicy: { Name: c.restart ?? 'unless-stopped' } },
      }) : reply(404, { message: 'No such container' });
    }
    if (req.method === 'POST' && (m = /^\/containers\/([^/]+)\/start$/.exec(url.pathname))) {
      const c = found(m[1]);
      this.calls.push(`start ${c?.name ?? m[1]}`);
      if (!c) return reply(404, { message: 'No such container' });
      if (c.refusesStart) return reply(500, { message: 'cannot start' });
      c.State = 'running';
      c.error = undefined;
      return reply(204);
    }
    if (req.method === 'POST' && (m = /^\/containers\/([^/]+)\/stop$/.exec(url.pathname))) {
      const c = found(m[1]);
      this.calls.push(`stop ${c?.name ?? m[1]} t=${url.searchParams.get('t')}`);
      if (!c) return reply(404, { message: 'No such container' });
      if (c.State !== 'running') return reply(304);
      c.State = 'exited';
      return reply(204);
    }
    if (req.method === 'DELETE' && (m = /^\/containers\/([^/]+)$/.exec(url.pathname))) {
      const c = found(m[1]);
      this.calls.push(`remove ${c?.name ?? m[1]} force=${url.searchParams.get('force')}`);
      this.containers = this.containers.filter(x => x !== c);
      return c ? reply(204) : reply(404, { message: 'No such container' });
    }
    reply(500, { message: `unexpected ${req.method} ${req.url}` });
  }
}

const APP = 'web';
const hex = (n: number) => n.toString(16).padStart(64, '0');
const appContainer = (n: number, name: string, State: string, Created: number, networkMode = 'container:holder'): FakeContainer =>
  ({ Id: hex(n), name, State, Created, Labels: { 'cdktf-wsgi.container': APP }, networkMode });
const reconcileStep = (id: string, name: string, Created: number, keep: string[]): FakeContainer =>
  ({ Id: id, name, State: 'exited', Created, Labels: { 'cdktf-wsgi.reconcile': APP }, env: [`CDKTF_WSGI_KEEP=${keep.join(',')}`, 'PATH=/usr/bin'] });

let dir: string;
let engine: FakeEngine | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-'));
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startEngine(containers: FakeContainer[]): Promise<FakeEngine> {
  engine = new FakeEngine(path.join(dir, 'docker.sock'), containers);
  await engine.listen();
  return engine;
}

/** Starts a program with the engine's socket in place of the one a container would see. */
function start(script: string, env: Record<string, string>): ChildProcess {
  const atSocket = script.split(`'${RECONCILE_SOCKET}'`).join(`'${path.join(dir, 'docker.sock')}'`);
  expect(atSocket).not.toBe(script);
  return spawn('python3', ['-c', atSocket], {
    env: { PATH: process.env.PATH!, CDKTF_WSGI_APP: APP, CDKTF_WSGI_STOP_SECONDS: '35', CDKTF_WSGI_START_WINDOW_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout!.on('data', c => { output += c; });
  child.stderr!.on('data', c => { output += c; });
  return new Promise(ok => child.on('close', code => ok({ code, output })));
}

const reconcile = (keep: string[], removeAtOnce: boolean) =>
  finished(start(RECONCILE_SCRIPT, { CDKTF_WSGI_KEEP: keep.join(','), CDKTF_WSGI_REMOVE_AT_ONCE: String(removeAtOnce) }));

/** The state of a deploy after an interrupted one: the old generation, the new, and what the interrupted apply left. */
function afterAnInterruptedDeploy(): FakeContainer[] {
  return [
    appContainer(1, 'web-old', 'running', 100),
    appContainer(2, 'web-release-old', 'exited', 99),
    reconcileStep(`${os.hostname()}-self`, 'web-reconcile-new', 300, [hex(3), hex(4)]),
    reconcileStep('earlier-step', 'web-reconcile-old', 101, [hex(1), hex(2)]),
    appContainer(5, 'web-left-long-ago', 'exited', 50),
    appContainer(6, 'web-interrupted', 'running', 200),
    appContainer(7, 'web-release-interrupted', 'exited', 199),
    appContainer(3, 'web-new', 'running', 250),
    appContainer(4, 'web-release-new', 'exited', 249),
    { ...appContainer(8, 'other-app', 'running', 200), Labels: { 'cdktf-wsgi.container': 'other' } },
  ];
}

describe('the reconcile step', () => {
  test('4.x: stops what neither it nor an earlier step keeps, gracefully, and removes it; the old generation is left to Terraform', async () => {
    const fake = await startEngine(afterAnInterruptedDeploy());
    const { code, output } = await reconcile([hex(3), hex(4)], true);
    expect({ code, calls: fake.calls }).toEqual({
      code: 0,
      // Only a running container needs a stop; each stop waits the app's stop timeout.
      calls: ['remove web-left-long-ago force=1', 'stop web-interrupted t=35', 'remove web-interrupted force=1', 'remove web-release-interrupted force=1'],
    });
    expect(fake.containers.map(c => c.name).sort()).toEqual(['other-app', 'web-new', 'web-old', 'web-reconcile-new', 'web-reconcile-old', 'web-release-new', 'web-release-old']);
    expect(output).toBe([
      `removed web-left-long-ago (${hex(5).slice(0, 12)}): not of the generation deployed now or of the one before it`,
      `stopped web-interrupted (${hex(6).slice(0, 12)}): not of the generation deployed now or of the one before it`,
      `removed web-interrupted (${hex(6).slice(0, 12)}): not of the generation deployed now or of the one before it`,
      `removed web-release-interrupted (${hex(7).slice(0, 12)}): not of the generation deployed now or of the one before it`,
      '',
    ].join('\n'));
  });

  test('3.6.2: removes only what an earlier step passed by; stops what came after it, which may be a tainted container Terraform removes', async () => {
    const fake = await startEngine(afterAnInterruptedDeploy());
    const { code } = await reconcile([hex(3), hex(4)], false);
    expect(code).toBe(0);
    expect(fake.calls).toEqual(['remove web-left-long-ago force=1', 'stop web-interrupted t=35']);
    expect(fake.containers.find(c => c.name === 'web-interrupted')!.State).toBe('exited');
  });

  test('3.6.2, with no earlier step: stops what it does not keep and removes nothing', async () => {
    const fake = await startEngine(afterAnInterruptedDeploy().filter(c => c.name !== 'web-reconcile-old'));
    expect((await reconcile([hex(3), hex(4)], false)).code).toBe(0);
    expect(fake.calls).toEqual(['stop web-old t=35', 'stop web-interrupted t=35']);
  });

  test('fails, saying why, when the engine cannot be reached or refuses', async () => {
    const unreachable = await reconcile([hex(3)], true);
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toMatch(new RegExp(`^cannot reach the Docker engine at ${path.join(dir, 'docker.sock')} \\(.*No such file or directory.*\\): mount its socket there\n$`));
    const fake = await startEngine(afterAnInterruptedDeploy());
    fake.failWith = 500;
    const refused = await reconcile([hex(3)], true);
    expect(refused).toEqual({ code: 1, output: expect.stringMatching(/^GET \/containers\/json\?all=1&filters=\S+: the engine answered 500 \{"message":"engine trouble"\}\n$/) });
  });
});

describe('the destroy guard', () => {
  const pause = (ms: number) => new Promise(r => setTimeout(r, ms));

  /** Starts the guard, lets it run `runMs`, then stops it as Docker would. */
  async function stopGuard(window = 0, runMs = 1_000): Promise<{ code: number | null; output: string }> {
    const guard = start(GUARD_SCRIPT, { CDKTF_WSGI_START_WINDOW_SECONDS: String(window) });
    const done = finished(guard);
    // Python sets its handler before it pauses; give it the moment that takes.
    await pause(runMs);
    guard.kill('SIGTERM');
    return done;
  }

  const RACED = 'cannot join network of a non running container: 0123456789ab';
  const holder = (State: string): FakeContainer => ({ Id: 'holder', name: 'web', State, Created: 1, Labels: {} });

  test('started, brings back the app containers whose start failed before their holder ran, once it runs, and only those', async () => {
    const fake = await startEngine([
      holder('exited'),
      { ...appContainer(1, 'web-raced', 'exited', 10), error: RACED },
      { ...appContainer(2, 'web-release', 'exited', 9), error: RACED, restart: 'no' },
      appContainer(3, 'web-stopped-by-hand', 'exited', 8),
      { ...appContainer(4, 'other-raced', 'exited', 10), error: RACED, Labels: { 'cdktf-wsgi.container': 'other' } },
      { ...appContainer(5, 'web-stop-first', 'exited', 5, 'bridge'), error: 'port is already allocated' },
    ]);
    const guard = start(GUARD_SCRIPT, { CDKTF_WSGI_START_WINDOW_SECONDS: '6' });
    const done = finished(guard);
    let whileHolderStopped: string[];
    try {
      await pause(2_500);
      whileHolderStopped = [...fake.calls];
      fake.containers[0].State = 'running';
      await pause(2_500);
    } finally {
      guard.kill('SIGTERM');
    }
    const { code, output } = await done;
    // Nothing starts while the holder does not run.
    expect(whileHolderStopped).toEqual([]);
    expect({ code, calls: fake.calls }).toEqual({ code: 0, calls: ['start web-raced'] });
    expect(fake.containers.find(c => c.name === 'web-raced')).toMatchObject({ State: 'running', error: undefined });
    expect(output).toBe(`started web-raced (${hex(1).slice(0, 12)}): the daemon had started it before its network holder web ran (moby/moby#50326)\n`);
  });

  test('started, tries a start the engine refuses three times at most, stops looking when its window ends, and keeps running', async () => {
    const fake = await startEngine([holder('running'), { ...appContainer(1, 'web-raced', 'exited', 10), error: RACED, refusesStart: true }]);
    const { code, output } = await stopGuard(4, 6_500);
    expect({ code, calls: fake.calls }).toEqual({ code: 0, calls: ['start web-raced', 'start web-raced', 'start web-raced'] });
    expect(output).toMatch(/^(POST \/containers\/0+1\/start: the engine answered 500 \{"message":"cannot start"\}\n){3}$/);
    // With no window (as in the other cases here), it starts nothing.
    fake.calls.length = 0;
    expect((await stopGuard(0)).code).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  test('stopped, removes the app containers whose network holder is gone, and only those', async () => {
    const fake = await startEngine([
      { Id: 'holder', name: 'web', State: 'running', Created: 1, Labels: {} },
      appContainer(1, 'web-in-state', 'running', 10),
      appContainer(2, 'web-interrupted', 'running', 20, 'container:gone-holder'),
      appContainer(3, 'web-release-interrupted', 'exited', 19, 'container:gone-holder'),
      appContainer(4, 'web-stop-first', 'running', 5, 'bridge'),
    ]);
    const { code, output } = await stopGuard();
    expect(code).toBe(0);
    expect(fake.calls).toEqual(['remove web-interrupted force=1', 'remove web-release-interrupted force=1']);
    expect(output).toBe(`removed web-interrupted (${hex(2).slice(0, 12)}): its network holder is gone, and no Terraform state holds it\n`
      + `removed web-release-interrupted (${hex(3).slice(0, 12)}): its network holder is gone, and no Terraform state holds it\n`);
  });

  test('stopped while the engine refuses (a daemon shutting down), removes nothing and exits 0', async () => {
    const fake = await startEngine([appContainer(2, 'web-interrupted', 'running', 20, 'container:gone-holder')]);
    fake.failWith = 503;
    expect((await stopGuard()).code).toBe(0);
    expect(fake.calls).toEqual([]);
  });
});
