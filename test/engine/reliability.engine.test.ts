import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { docker } from './deployer';
import { describeEngine, prepareEngine } from './engine';
import { execIn, get, waitFor, within } from './probes';
import { APPS, deploy, Deployed } from './stacks';
import { Duration, HealthCheck } from '../../src';

const PROBE = path.join(APPS, 'probe');
// Images are kept between scenarios so the shared dependency layer is built once.
const KEEP = { keepLocally: true };

describeEngine('reliability on a real Docker engine', () => {
  beforeAll(() => prepareEngine(), 900_000);

  describe('graceful stop', () => {
    let d: Deployed;
    beforeAll(async () => {
      d = await deploy('graceful', { source: PROBE, ...KEEP, gunicorn: { gracefulTimeout: Duration.seconds(6) } },
        { publish: [{ hostPort: 18081 }], environment: { SLOW_SECONDS: '3' } });
    }, 600_000);
    afterAll(() => d?.destroy(), 120_000);

    test('the stop timeout is derived from gunicorn graceful timeout', async () => {
      const config = (await docker.getContainer(d.containerId).inspect()).Config as any;
      expect(config.StopTimeout).toBe(11);
      expect(config.StopSignal).toBe('SIGTERM');
    });

    test('a request in flight when the container is stopped completes with 200, and gunicorn exits 0 within the stop timeout (not killed)', async () => {
      const inFlight = get(18081, '/api/slow');
      await new Promise(r => setTimeout(r, 700));
      await docker.getContainer(d.containerId).stop();
      await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
      // Past the stop timeout (graceful timeout + 1 s, above) Docker kills: exit 137, never 0.
      expect((await docker.getContainer(d.containerId).inspect()).State.ExitCode).toBe(0);
    }, 60_000);
  });

  describe('failed deploys fail', () => {
    const quick = { interval: Duration.seconds(1), timeout: Duration.seconds(1), startPeriod: Duration.seconds(0), retries: 2 };

    /**
     * Provider 3.6.2 polls until wait_timeout whatever the state and then fails with one fixed
     * sentence; the cause is in the container's log, which the tainted container keeps for
     * `docker logs <name>-<generation>` until the next apply or destroy.
     */
    async function failedDeploy(...args: Parameters<typeof deploy>): Promise<{ message: string; log: string }> {
      const error: any = await deploy(...args).then(() => undefined, e => e);
      expect(error).toBeInstanceOf(Error);
      // The app container is the generation's, `<name>-<8 hex>`; the plain name is the network holder's.
      const logs: Record<string, string> = error.containerLogs ?? {};
      const app = Object.keys(logs).find(name => new RegExp(`^${args[0]}-web-[0-9a-f]{8}$`).test(name));
      return { message: error.message, log: app ? logs[app] : '' };
    }

    test('an app whose import raises fails the apply; its log says why', async () => {
      const { message, log } = await failedDeploy('importerr', { source: path.join(APPS, 'broken-import'), ...KEEP },
        { waitTimeout: Duration.seconds(15), healthCheck: HealthCheck.http('/', { ...quick, healthyBelowStatus: 500 }) });
      expect(message).toMatch(/container failed to be in healthy state/);
      expect(log).toMatch(/RuntimeError: boom at import/);
    }, 300_000);

    test('an entrypoint naming a missing callable fails at synth, or, hidden behind import *, fails the apply with gunicorn\'s words in its log', async () => {
      // Where the module shows its names, a missing callable already fails at synth.
      await expect(deploy('nocallable', { source: PROBE, entrypoint: 'manager:missing', ...KEEP })).rejects.toThrow(
        /'entrypoint' "manager:missing" names missing, which manager\.py does not define, assign or import at module level/);
      // Where it hides them (import *), synth only warns, and the deploy fails with gunicorn's own words in the log.
      const hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'nocallable-'));
      fs.cpSync(PROBE, hidden, { recursive: true });
      fs.writeFileSync(path.join(hidden, 'hidden.py'), 'from app import *  # noqa: F403\n');
      const { message, log } = await failedDeploy('nocallable', { source: hidden, entrypoint: 'hidden:missing', ...KEEP },
        { waitTimeout: Duration.seconds(15), healthCheck: HealthCheck.http('/', { ...quick, healthyBelowStatus: 500 }) });
      expect(message).toMatch(/container failed to be in healthy state/);
      expect(log).toMatch(/Failed to find (attribute|application object) 'missing'/);
    }, 300_000);

    test('a health check path answering 500 fails the apply (the opt-in access log shows the 500s)', async () => {
      const { message, log } = await failedDeploy('health500', { source: PROBE, ...KEEP, gunicorn: { accessLog: true } },
        { waitTimeout: Duration.seconds(15), healthCheck: HealthCheck.http('/api/fail', quick) });
      expect(message).toMatch(/container failed to be in healthy state/);
      // HTTP/1.0 from the probe of a container that shares its port (START_FIRST), 1.1 from urllib.
      expect(log).toMatch(/"GET \/api\/fail HTTP\/1\.[01]" 500/);
    }, 300_000);
  });

  describe('entrypoints and ports', () => {
    test('an application factory (module:factory()) on privileged port 80 serves as non-root with no capabilities', async () => {
      const d = await deploy('factory', { source: PROBE, entrypoint: 'factory:create_app()', port: 80, ...KEEP }, { publish: [{ hostPort: 18087 }] });
      try {
        expect(await get(18087, '/api/ok')).toEqual({ status: 200, body: 'ok' });
        expect(await execIn(d.containerId, ['cat', '/proc/1/status'])).toMatch(/^Uid:\s+10001\s[\s\S]*^CapEff:\s+0+$/m);
      } finally {
        await d.destroy();
      }
    }, 300_000);
  });

  describe('crash recovery with the default restart policy', () => {
    let d: Deployed;
    beforeAll(async () => {
      d = await deploy('crash', { source: PROBE, ...KEEP, gunicorn: { workers: 2 } }, { publish: [{ hostPort: 18082 }] });
    }, 600_000);
    afterAll(() => d?.destroy(), 120_000);

    const processes = async () => {
      const top = await docker.getContainer(d.containerId).top({ ps_args: '-o pid,ppid,args' } as any) as any;
      return (top.Processes as string[][]).map(([pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args }));
    };

    /**
     * The gunicorn master: the container's PID 1, as Docker reports it. (The process without a parent
     * in the list can also be a health-check probe Docker happens to be running.)
     */
    const masterPid = async () => (await docker.getContainer(d.containerId).inspect()).State.Pid;

    test('a worker killed with SIGKILL is replaced and the app answers again', async () => {
      const before = await processes();
      const master = await masterPid();
      const worker = before.find(p => p.ppid === master)!;
      execFileSync('kill', ['-9', String(worker.pid)]);
      await waitFor('a replacement worker', async () => {
        const now = await processes();
        return now.filter(p => p.ppid === master).length === 2 && !now.some(p => p.pid === worker.pid);
      }, 30_000);
      expect(await get(18082, '/api/ok')).toEqual({ status: 200, body: 'ok' });
    }, 60_000);

    test('the gunicorn master killed with SIGKILL is restarted by Docker and the app answers again', async () => {
      const master = await masterPid();
      const restartsBefore = (await docker.getContainer(d.containerId).inspect()).RestartCount;
      execFileSync('kill', ['-9', String(master)]);
      try {
        // Usually about a second. A loaded daemon (after the Swarm suite, on a shared machine) was
        // seen holding a probe for over a minute, so the wait is long and every probe bounded.
        const ms = await waitFor('the app to answer after the restart', async () => (await get(18082, '/api/ok')).status === 200
          && (await docker.getContainer(d.containerId).inspect()).RestartCount > restartsBefore, 180_000);
        process.stdout.write(`reliability: the killed master's container answered again after ${ms} ms\n`);
      } catch (e) {
        // Say what Docker did, so a failure here explains itself (bounded too: the daemon may be the problem).
        const info = await within(docker.getContainer(d.containerId).inspect(), 15_000);
        const state = info.kind === 'value' ? `container state ${JSON.stringify(info.value.State)}, restarts ${info.value.RestartCount} (before ${restartsBefore})`
          : 'the daemon did not answer an inspect within 15 s';
        throw new Error(`${(e as Error).message}; ${state}`);
      }
    }, 240_000);
  });

  describe('hardening', () => {
    let hardened: Deployed;
    let relaxed: Deployed;
    beforeAll(async () => {
      hardened = await deploy('hardened', { source: PROBE, ...KEEP }, { publish: [{ hostPort: 18083 }] });
      relaxed = await deploy('relaxed', { source: PROBE, ...KEEP }, {
        publish: [{ hostPort: 18084 }], runAsNonRoot: false, readOnlyRootFilesystem: false, noNewPrivileges: false, dropAllCapabilities: false,
      });
    }, 600_000);
    afterAll(async () => {
      await hardened?.destroy();
      await relaxed?.destroy();
    }, 120_000);

    test('by default: non-zero UID, read-only root with writable /tmp, no capabilities, no new privileges, and it serves', async () => {
      const status = await execIn(hardened.containerId, ['cat', '/proc/1/status']);
      expect(status).toMatch(/^Uid:\s+10001\s/m);
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^CapBnd:\s+0+$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(await execIn(hardened.containerId, ['sh', '-c', 'touch /app/x 2>&1; echo rc=$?'])).toMatch(/Read-only file system[\s\S]*rc=1/);
      expect(await execIn(hardened.containerId, ['sh', '-c', 'touch /tmp/x && echo tmp-ok'])).toContain('tmp-ok');
      expect(await get(18083, '/api/ok')).toEqual({ status: 200, body: 'ok' });
    });

    test('every opt-out takes effect, and the app still serves', async () => {
      const status = await execIn(relaxed.containerId, ['cat', '/proc/1/status']);
      expect(status).toMatch(/^Uid:\s+0\s/m);
      expect(status).not.toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+0$/m);
      expect(await execIn(relaxed.containerId, ['sh', '-c', 'touch /app/x && echo rw-ok'])).toContain('rw-ok');
      const info = await docker.getContainer(relaxed.containerId).inspect();
      expect(info.HostConfig.ReadonlyRootfs).toBe(false);
      expect(await get(18084, '/api/ok')).toEqual({ status: 200, body: 'ok' });
    });
  });
});
