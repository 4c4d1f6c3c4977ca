/**
 * Scenario 11: a FastAPI app (examples/fastapi) served by cdktf-wsgi's container (gunicorn with the
 * uvicorn worker, hardened as WsgiContainer runs it) against uvicorn run directly on the host with
 * the same worker count, in the same run. The load comes from a network namespace this script
 * creates, so it reaches both through the veth pair and never through docker-proxy; every load is
 * bounded in time.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';
import Docker from 'dockerode';
import {
  createClientNamespace, daemonAnswers, firstOk, fmt, HOST_IP, hostSitePackages, libraryContainerOptions, load, Load, median,
  removeClientNamespace, stopProcess,
} from './engine';
import { WsgiImage } from '../src';

const docker = new Docker();
const ROOT = path.resolve(__dirname, '..');
const FASTAPI = path.join(ROOT, 'examples', 'fastapi', 'app');
const CONTAINER_PORT = 18190;
const HOST_PORT = 18191;
const HOST_GUNICORN_PORT = 18192;
const CONNECTIONS = 64;
const URL_PATH = '/api/notes/1';
/**
 * The host's uvicorn runs on Debian's own python3 where there is one: the interpreter build the
 * image runs, so the comparison is the container, not two CPython builds (a pyenv build without
 * PGO measured about 3.5x slower here).
 */
const HOST_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** The worker count the image's generated config picks on this machine (2 × CPUs + 1, at most 12). */
function defaultWorkers(): number {
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  return Math.min(2 * cpus + 1, 12);
}

export async function asgiScenario(opts: { quick: boolean; work: string; runs: number }): Promise<string[]> {
  const heading = '## 11. ASGI: a FastAPI app in the container against uvicorn on the host';
  if (!daemonAnswers()) return [heading, '', 'Not measured: no Docker daemon answers `docker info`.', ''];
  const outdir = fs.mkdtempSync(path.join(opts.work, 'asgi-synth-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'asgi');
  new DockerProvider(stack, 'docker', {});
  const image = new WsgiImage(stack, 'Image', { source: FASTAPI });
  app.synth();
  const context = path.join(outdir, 'stacks', 'asgi', image.contextPath);
  const tag = 'cdktf-wsgi-bench/fastapi:latest';
  execFileSync('docker', ['build', '-q', '-t', tag, context], { stdio: ['ignore', 'ignore', 'inherit'] });
  const workers = defaultWorkers();
  const seconds = opts.quick ? 3 : 10;
  // The same FastAPI, Starlette and uvicorn the image installs, plus gunicorn for the third row.
  const site = hostSitePackages(opts.work, 'host-site-asgi',
    ['fastapi', 'starlette', 'pydantic', 'anyio', 'sniffio', 'idna', 'typing-extensions', 'uvicorn', 'h11', 'click', 'asgiref', 'gunicorn']);
  const results: { lib: Load[]; host: Load[]; hostGunicorn: Load[] } = { lib: [], host: [], hostGunicorn: [] };
  createClientNamespace();
  const name = 'cdktf-wsgi-bench-fastapi';
  try {
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    const options = libraryContainerOptions(image);
    const c = await docker.createContainer({
      name,
      Image: tag,
      ...options,
      Env: [`WEB_CONCURRENCY=${workers}`, 'STARTUP_SECONDS=0'],
      ExposedPorts: { [`${image.port}/tcp`]: {} },
      HostConfig: { ...options.HostConfig, PortBindings: { [`${image.port}/tcp`]: [{ HostIp: HOST_IP, HostPort: String(CONTAINER_PORT) }] } },
    });
    await c.start();
    const host = spawn(HOST_PYTHON, ['-m', 'uvicorn', 'main:app', '--app-dir', FASTAPI, '--host', HOST_IP, '--port', String(HOST_PORT), '--workers', String(workers), '--no-access-log', '--log-level', 'warning'], {
      env: { ...process.env, PYTHONPATH: site, STARTUP_SECONDS: '0' }, stdio: 'ignore',
    });
    // The same server as the image's (gunicorn with uvicorn's worker), without the container.
    const hostGunicorn = spawn(HOST_PYTHON, ['-m', 'gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '-w', String(workers), '-b', `${HOST_IP}:${HOST_GUNICORN_PORT}`, 'main:app'], {
      cwd: FASTAPI, env: { ...process.env, PYTHONPATH: site, STARTUP_SECONDS: '0' }, stdio: 'ignore',
    });
    try {
      const targets: Array<[number, Load[]]> = [[CONTAINER_PORT, results.lib], [HOST_PORT, results.host], [HOST_GUNICORN_PORT, results.hostGunicorn]];
      for (const [port] of targets) await firstOk(HOST_IP, port, URL_PATH, process.hrtime.bigint());
      // A short warm-up each, then alternating runs, so drift on a shared machine hits all alike.
      for (const [port] of targets) load(port, 1, CONNECTIONS, URL_PATH);
      for (let i = 0; i < opts.runs; i++) {
        for (const [port, into] of targets) into.push(load(port, seconds, CONNECTIONS, URL_PATH));
      }
    } finally {
      await stopProcess(host);
      await stopProcess(hostGunicorn);
      await c.remove({ force: true });
    }
  } finally {
    removeClientNamespace();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const row = (label: string, l: Load[]) => `| ${label} | ${fmt(median(l.map(x => x.rps)))} | ${fmt(median(l.map(x => x.p99)))} | ${l.reduce((a, x) => a + x.errors + x.non2xx, 0)} |`;
  const rps = (l: Load[]) => median(l.map(x => x.rps));
  const ratio = rps(results.lib) / rps(results.host);
  const overhead = rps(results.lib) / rps(results.hostGunicorn);
  return [
    heading,
    '',
    `\`GET ${URL_PATH}\` of examples/fastapi for ${seconds} s at ${CONNECTIONS} connections with autocannon, ${opts.runs} alternating run(s) each, median shown. `
      + `Both sides run ${workers} workers and the same FastAPI, Starlette and uvicorn (the offline base's wheelhouse); the host runs them on ${HOST_PYTHON} `
      + `(${execFileSync(HOST_PYTHON, ['--version'], { encoding: 'utf-8' }).trim()}). The load comes from a network namespace `
      + 'this script creates, through a veth pair, so the container is reached through iptables and not docker-proxy.',
    '',
    '| Server | Requests/s | p99 latency (ms) | Errors and non-2xx |',
    '|---|---|---|---|',
    row('cdktf-wsgi container: gunicorn with the uvicorn worker, read-only root, non-root', results.lib),
    row('uvicorn run directly on the host (`uvicorn --workers`)', results.host),
    row('gunicorn with the uvicorn worker on the host (the image\'s server, no container)', results.hostGunicorn),
    '',
    `Throughput ratio, container to host uvicorn: **${fmt(ratio, 2)}×** (target ≥ 0.9×); container to the same server on the host: **${fmt(overhead, 2)}×**. `
      + 'Where the first ratio is far above 1, uvicorn\'s own `--workers` supervisor is the slow part, not the host: the third row runs the same workers under gunicorn.',
    '',
  ];
}
