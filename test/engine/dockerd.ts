/**
 * Restarts the Docker daemon the suites use, as an upgrade or a crash-and-restart would: SIGTERM to
 * the daemon (its containers stop, as without live-restore), then the same daemon started again,
 * which starts the containers its restart policies ask for. Under systemd, `systemctl restart
 * docker`; otherwise (.ci/run starts dockerd by hand) the same command line is started again.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import { daemonAnswers } from './engine';
import { waitFor } from './wait';

const PID_FILE = '/var/run/docker.pid';
const LOG = '/var/log/cdktf-wsgi-dockerd.log';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function underSystemd(): boolean {
  try {
    return execFileSync('systemctl', ['is-active', 'docker'], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'active';
  } catch {
    return false;
  }
}

/** Stops the daemon and starts it again; resolves once it answers. Returns how long it was away. */
export async function restartDockerd(): Promise<number> {
  const started = Date.now();
  if (underSystemd()) {
    execFileSync('systemctl', ['restart', 'docker'], { stdio: 'inherit', timeout: 180_000 });
  } else {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf-8').trim());
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').filter(Boolean);
    // Its own environment too: PATH decides which runc and docker-proxy the engine runs.
    const env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf-8').split('\0').filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
    process.kill(pid, 'SIGTERM');
    await waitFor('dockerd to exit', async () => !alive(pid), 120_000);
    const log = fs.openSync(LOG, 'a');
    const daemon = spawn(argv[0], argv.slice(1), { detached: true, env, stdio: ['ignore', log, log] });
    daemon.unref();
    fs.closeSync(log);
  }
  await waitFor('dockerd to answer again', async () => daemonAnswers(), 120_000);
  return Date.now() - started;
}
