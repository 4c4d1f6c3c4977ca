/**
 * The engine scenarios (3–7): rebuild, stop latency, served throughput, image size and cold start,
 * each against its baseline in the same run. Traffic goes to loopback, or from a network namespace
 * this script creates (a veth pair) to the host end of that pair; every load is bounded.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';
import Docker from 'dockerode';
import * as tar from 'tar-fs';
import { WsgiImage } from '../src';
import { renderRuntime } from '../src/private/docker/runtime';

const docker = new Docker();
const ROOT = path.resolve(__dirname, '..');
const LEAVES = path.join(ROOT, 'examples', 'leaves', 'app');
const NETNS = 'cdktfwsgi-bench';
const HOST_IF = 'cwb-host';
const CLIENT_IF = 'cwb-client';
export const HOST_IP = '10.213.0.1';
const CLIENT_IP = '10.213.0.2';

export interface EngineOptions {
  readonly quick: boolean;
  readonly work: string;
  readonly runs: number;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function daemonAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Builds a context directory; returns the image id, the build output and the time taken. */
async function build(context: string, tag: string, nocache: boolean): Promise<{ id: string; log: string; ms: number }> {
  const start = process.hrtime.bigint();
  const stream = await docker.buildImage(tar.pack(context) as unknown as NodeJS.ReadableStream, { t: tag, nocache, rm: true, forcerm: true });
  const output: string[] = [];
  await new Promise<void>((ok, ko) => {
    docker.modem.followProgress(stream, (err: Error | null, res: any[]) => {
      if (err) return ko(err);
      const failure = res.find(r => r.error);
      if (failure) return ko(new Error(`${failure.error}\n${output.join('')}`));
      return ok();
    }, (event: any) => { if (event.stream) output.push(event.stream); });
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const info = await docker.getImage(tag).inspect();
  return { id: info.Id, log: output.join(''), ms };
}

/** Stages the library's context for an app directory through a real synth; returns the context directory. */
function stageLibraryContext(source: string, outdir: string): { context: string; image: WsgiImage } {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, 'bench');
  new DockerProvider(stack, 'docker', {});
  const image = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', port: 8123 });
  app.synth();
  return { context: path.join(outdir, 'stacks', 'bench', image.contextPath), image };
}

/** The blog post's Dockerfile, built from the same app. */
function stageBlogContext(source: string, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true });
  // The blog appended gunicorn to a pipreqs-generated requirements file by hand.
  fs.appendFileSync(path.join(dir, 'requirements.txt'), 'gunicorn\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), [
    'FROM python:3.11-slim',
    // Only for the offline stand-in base (Debian's externally-managed Python); the official image ignores it.
    'ENV PIP_BREAK_SYSTEM_PACKAGES=1',
    'WORKDIR /usr/src/app',
    'COPY requirements.txt .',
    'RUN pip install --no-cache-dir -r requirements.txt',
    'COPY . .',
    'EXPOSE 8123',
    'CMD ["/bin/bash"]',
    'ENTRYPOINT gunicorn -w 4 manager:app -b 0.0.0.0:8123',
    '',
  ].join('\n'));
  return dir;
}

/** GET that resolves with the status, or 0 when nothing answers yet. */
function status(host: string, port: number, urlPath: string): Promise<number> {
  return new Promise(ok => {
    const req = http.get({ host, port, path: urlPath, timeout: 2000 }, res => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(0));
  });
}

/** Polls until a 200, at most timeoutMs; returns the time from `since` in ms. */
export async function firstOk(host: string, port: number, urlPath: string, since: bigint, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    if ((await status(host, port, urlPath)) === 200) {
      return Number(process.hrtime.bigint() - since) / 1e6;
    }
    if (Number(process.hrtime.bigint() - since) / 1e6 > timeoutMs) {
      throw new Error(`no 200 from ${host}:${port}${urlPath} within ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, 20));
  }
}

async function runContainer(
  imageId: string, name: string, hostIp: string, hostPort: number, extra: Docker.ContainerCreateOptions = {},
): Promise<Docker.Container> {
  await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  const c = await docker.createContainer({
    name,
    Image: imageId,
    ExposedPorts: { '8123/tcp': {} },
    ...extra,
    HostConfig: { PortBindings: { '8123/tcp': [{ HostIp: hostIp, HostPort: String(hostPort) }] }, ...(extra.HostConfig ?? {}) },
  });
  await c.start();
  return c;
}

/** The settings WsgiContainer applies, rendered by the same function, so the library's container runs as deployed. */
export function libraryContainerOptions(image: WsgiImage): Docker.ContainerCreateOptions {
  const rendered = renderRuntime(image._runtime());
  return {
    User: rendered.user,
    StopSignal: rendered.stopSignal,
    StopTimeout: rendered.stopTimeoutSeconds,
    HostConfig: {
      ReadonlyRootfs: rendered.readOnlyRootFilesystem,
      Tmpfs: rendered.tmpfs && { ...rendered.tmpfs },
      CapDrop: rendered.capDrop && [...rendered.capDrop],
      SecurityOpt: rendered.securityOpts && [...rendered.securityOpts],
    },
  };
}

/** What the host-gunicorn baseline (scenarios 5 and 7) installs from the wheelhouse. */
const FLASK_DISTRIBUTIONS = ['flask', 'werkzeug', 'jinja2', 'itsdangerous', 'click', 'markupsafe', 'gunicorn'];

/**
 * Python packages of the offline base's wheelhouse, installed into `<work>/<dir>` for the host's
 * python3: the same versions the image installs. Reused while the same distributions are there.
 */
export function hostSitePackages(work: string, dir: string, distributions: string[]): string {
  const target = path.join(work, dir);
  const marker = path.join(target, '.cdktf-wsgi-distributions');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf-8') === distributions.join('\n')) {
    return target;
  }
  fs.rmSync(target, { recursive: true, force: true });
  const wheels = path.join(work, `${dir}-wheels`);
  fs.rmSync(wheels, { recursive: true, force: true });
  const id = execFileSync('docker', ['create', 'python:3.11-slim'], { encoding: 'utf-8' }).trim();
  try {
    execFileSync('docker', ['cp', `${id}:/wheels`, wheels]);
  } finally {
    execFileSync('docker', ['rm', id], { stdio: 'ignore' });
  }
  // --target ignores what is installed, so every distribution is named and nothing else is resolved.
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--find-links', wheels, '--target', target, ...distributions],
    { stdio: 'inherit' });
  fs.writeFileSync(marker, distributions.join('\n'));
  return target;
}

/** gunicorn on the host with the library's generated settings, bound to host:port. */
function startHostGunicorn(site: string, conf: string, host: string, port: number): ChildProcess {
  return spawn('python3', ['-m', 'gunicorn', '--config', conf, '--bind', `${host}:${port}`], {
    env: { ...process.env, PYTHONPATH: site },
    stdio: 'ignore',
  });
}

export async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  await new Promise<void>(ok => {
    p.once('exit', () => ok());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
  });
}

function sh(cmd: string, args: string[], allowFail = false): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch (e) {
    if (!allowFail) throw e;
  }
}

/** A client network namespace joined to the host by a veth pair; load comes from there. */
export function createClientNamespace(): void {
  removeClientNamespace();
  sh('ip', ['netns', 'add', NETNS]);
  sh('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', CLIENT_IF]);
  sh('ip', ['link', 'set', CLIENT_IF, 'netns', NETNS]);
  sh('ip', ['addr', 'add', `${HOST_IP}/30`, 'dev', HOST_IF]);
  sh('ip', ['link', 'set', HOST_IF, 'up']);
  sh('ip', ['netns', 'exec', NETNS, 'ip', 'addr', 'add', `${CLIENT_IP}/30`, 'dev', CLIENT_IF]);
  sh('ip', ['netns', 'exec', NETNS, 'ip', 'link', 'set', CLIENT_IF, 'up']);
  sh('ip', ['netns', 'exec', NETNS, 'ip', 'link', 'set', 'lo', 'up']);
}

export function removeClientNamespace(): void {
  sh('ip', ['link', 'del', HOST_IF], true);
  sh('ip', ['netns', 'del', NETNS], true);
}

export interface Load { rps: number; p99: number; errors: number; non2xx: number }

/** autocannon from the client namespace for a fixed time; it stops by itself. */
export function load(port: number, seconds: number, connections: number, urlPath = '/api/leaves'): Load {
  const cli = require.resolve('autocannon/autocannon.js');
  const out = execFileSync('ip', ['netns', 'exec', NETNS, process.execPath, cli, '--json', '-c', String(connections), '-d', String(seconds), '-t', '10',
    `http://${HOST_IP}:${port}${urlPath}`], { encoding: 'utf-8', timeout: (seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(out);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

export async function engineScenarios(opts: EngineOptions): Promise<string[]> {
  if (!daemonAnswers()) {
    return ['## 3–7. Engine scenarios', '', 'Not measured: no Docker daemon answers `docker info`.', ''];
  }
  execFileSync('bash', [path.join(ROOT, 'test', 'engine', 'offline-base', 'build.sh')], { stdio: 'ignore' });
  const work = path.join(opts.work, 'engine');
  fs.mkdirSync(work, { recursive: true });
  const source = path.join(work, 'leaves');
  fs.rmSync(source, { recursive: true, force: true });
  fs.cpSync(LEAVES, source, { recursive: true });
  const base = await docker.getImage('python:3.11-slim').inspect();

  // 3. Rebuild after a code-only change.
  const cold: number[] = [];
  const warm: number[] = [];
  let depsReused = true;
  let staged = stageLibraryContext(source, fs.mkdtempSync(path.join(work, 'out-')));
  for (let i = 0; i < opts.runs; i++) {
    cold.push((await build(staged.context, 'cdktf-wsgi-bench/lib:cold', true)).ms);
    fs.appendFileSync(path.join(source, 'app', '__init__.py'), `\n# edit ${Date.now()}-${i}\n`);
    staged = stageLibraryContext(source, fs.mkdtempSync(path.join(work, 'out-')));
    const rebuilt = await build(staged.context, 'cdktf-wsgi-bench/lib:warm', false);
    warm.push(rebuilt.ms);
    depsReused &&= /RUN python3 -m pip install[^\n]*\n ---> Using cache/.test(rebuilt.log);
  }
  const libImage = await build(staged.context, 'cdktf-wsgi-bench/lib:current', false);
  const blogImage = await build(stageBlogContext(LEAVES, path.join(work, 'blog')), 'cdktf-wsgi-bench/blog:current', false);

  // 4. Stop latency.
  const stopLib: number[] = [];
  const stopBlog: number[] = [];
  const exitCodes = { lib: new Set<number>(), blog: new Set<number>() };
  for (let i = 0; i < opts.runs; i++) {
    for (const [variant, id, sink] of [['lib', libImage.id, stopLib], ['blog', blogImage.id, stopBlog]] as const) {
      const c = await runContainer(id, `cdktf-wsgi-bench-stop-${variant}`, '127.0.0.1', 18180, variant === 'lib' ? libraryContainerOptions(staged.image) : {});
      await firstOk('127.0.0.1', 18180, '/api/leaves', process.hrtime.bigint());
      const t = process.hrtime.bigint();
      // The provider's destroy and `docker stop` both wait up to the container's StopTimeout (the blog's: Docker's default 10 s).
      await c.stop();
      sink.push(Number(process.hrtime.bigint() - t) / 1e6);
      exitCodes[variant].add((await c.inspect()).State.ExitCode);
      await c.remove({ force: true });
    }
  }

  // 6. Image size: every layer the generated Dockerfile adds, from the image history; the pip
  // install layer is the installed dependencies, the COPY into /app the app itself.
  const libInfo = await docker.getImage(libImage.id).inspect();
  const history = await docker.getImage(libImage.id).history();
  const baseLayers = new Set((await docker.getImage('python:3.11-slim').history()).map((h: any) => h.Id).filter((id: string) => id !== '<missing>'));
  const ownLayers = history.filter((h: any) => !baseLayers.has(h.Id));
  const sizeOf = (pattern: RegExp) => ownLayers.filter((h: any) => pattern.test(h.CreatedBy)).reduce((sum: number, h: any) => sum + h.Size, 0);
  const depsBytes = sizeOf(/pip install/);
  const appBytes = sizeOf(/COPY dir:\S+ in \/app\/ /);
  const added = libInfo.Size - base.Size;
  const overheadLayers = ownLayers.filter((h: any) => h.Size > 0 && !/pip install/.test(h.CreatedBy) && !/COPY dir:\S+ in \/app\/ /.test(h.CreatedBy))
    .map((h: any) => `${String(h.CreatedBy).replace(/^\/bin\/sh -c (#\(nop\) )?/, '').replace(/\s+/g, ' ').slice(0, 70)} (${fmt(h.Size)} B)`);

  // 7. Cold start and 5. throughput need the host baseline.
  const site = hostSitePackages(work, 'host-site', FLASK_DISTRIBUTIONS);
  const conf = path.join(work, 'gunicorn.conf.py');
  // The same settings, with the app directory of the host instead of the image's /app (gunicorn
  // checks `chdir` while loading the file, before command-line options apply).
  fs.writeFileSync(conf, staged.image.gunicornConfig.replace(/^chdir = .*$/m, `chdir = ${JSON.stringify(source)}`));
  const coldLib: number[] = [];
  const coldDocker: number[] = [];
  const coldHost: number[] = [];
  // Cheap runs: more of them than the other scenarios, since each is short and noisy.
  for (let i = 0; i < opts.runs * 2 - 1; i++) {
    await docker.getContainer('cdktf-wsgi-bench-cold').remove({ force: true }).catch(() => undefined);
    const t0 = process.hrtime.bigint();
    const c = await runContainer(libImage.id, 'cdktf-wsgi-bench-cold', '127.0.0.1', 18181, libraryContainerOptions(staged.image));
    coldDocker.push(Number(process.hrtime.bigint() - t0) / 1e6);
    coldLib.push(await firstOk('127.0.0.1', 18181, '/api/leaves', t0));
    await c.remove({ force: true });
    const t1 = process.hrtime.bigint();
    const p = startHostGunicorn(site, conf, '127.0.0.1', 18182);
    coldHost.push(await firstOk('127.0.0.1', 18182, '/api/leaves', t1));
    await stopProcess(p);
  }

  /** The library's image with a variant of its gunicorn.conf.py mounted over the generated one. */
  const withConfig = (name: string, port: number, edit: (conf: string) => string) => ({
    name,
    port,
    start: async () => {
      const dir = fs.mkdtempSync(path.join(work, 'conf-'));
      fs.writeFileSync(path.join(dir, 'gunicorn.conf.py'), edit(staged.image.gunicornConfig));
      fs.chmodSync(dir, 0o755);
      const options = libraryContainerOptions(staged.image);
      const c = await runContainer(libImage.id, `cdktf-wsgi-bench-tput-${port}`, HOST_IP, port, {
        ...options,
        HostConfig: { ...options.HostConfig, Binds: [`${dir}/gunicorn.conf.py:/opt/cdktf-wsgi/gunicorn.conf.py:ro`] },
      });
      return async () => { await c.remove({ force: true }); };
    },
  });
  const seconds = Number(process.env.CDKTF_WSGI_BENCH_SECONDS) || (opts.quick ? 2 : 30);
  const connections = 64;
  const throughput: Array<{ name: string; r: Load }> = [];
  createClientNamespace();
  try {
    const variants: Array<{ name: string; start: () => Promise<() => Promise<void>>; port: number }> = [
      {
        name: 'cdktf-wsgi default (gthread, 4 threads, 2 × CPUs + 1 workers), container',
        port: 18183,
        start: async () => {
          const c = await runContainer(libImage.id, 'cdktf-wsgi-bench-tput-lib', HOST_IP, 18183, libraryContainerOptions(staged.image));
          return async () => { await c.remove({ force: true }); };
        },
      },
      {
        name: '(a) blog: `gunicorn -w 4` sync workers, container',
        port: 18184,
        start: async () => {
          const c = await runContainer(blogImage.id, 'cdktf-wsgi-bench-tput-blog', HOST_IP, 18184);
          return async () => { await c.remove({ force: true }); };
        },
      },
      {
        name: '(b) gunicorn on the host with the library\'s settings',
        port: 18185,
        start: async () => {
          const p = startHostGunicorn(site, conf, HOST_IP, 18185);
          return () => stopProcess(p);
        },
      },
      withConfig('cdktf-wsgi with sync workers (2 × CPUs + 1), container', 18186,
        text => text.replace('threads = 4', 'threads = 1').replace('worker_class = "gthread"', 'worker_class = "sync"')),
      withConfig('cdktf-wsgi with the access log on (`accessLog: true`), container', 18187,
        text => text.replace('accesslog = None', 'accesslog = "-"')),
    ];
    for (const v of variants) {
      const stop = await v.start();
      try {
        await firstOk(HOST_IP, v.port, '/api/leaves', process.hrtime.bigint());
        throughput.push({ name: v.name, r: load(v.port, seconds, connections) });
      } finally {
        await stop();
      }
    }
  } finally {
    removeClientNamespace();
  }
  fs.rmSync(path.join(work), { recursive: true, force: true });

  const ours = throughput[0].r;
  const blog = throughput[1].r;
  const host = throughput[2].r;
  return [
    '## 3. Rebuild after a code-only change',
    '',
    `The leaves example: a cold build (no layer cache) against a rebuild after editing one \`.py\` file and re-synthesizing. Median of ${opts.runs} run(s).`,
    '',
    '| Build | Time (ms) |',
    '|---|---|',
    `| cold | ${fmt(median(cold))} |`,
    `| after a one-file edit | ${fmt(median(warm))} |`,
    '',
    `Rebuild: ${fmt(100 * median(warm) / median(cold), 1)}% of the cold build (target ≤ 25%). The dependency layer (pip install) came from the cache in ${depsReused ? 'every' : 'NOT every'} rebuild.`,
    '',
    '## 4. Stop latency',
    '',
    `\`docker stop\` of a running, answering container. Median of ${opts.runs} run(s).`,
    '',
    '| Image | Stop (ms) | Exit code |',
    '|---|---|---|',
    `| cdktf-wsgi (exec-form gunicorn as PID 1) | ${fmt(median(stopLib))} | ${[...exitCodes.lib].join(', ')} |`,
    `| blog Dockerfile (shell-form ENTRYPOINT, CMD /bin/bash) | ${fmt(median(stopBlog))} | ${[...exitCodes.blog].join(', ')} |`,
    '',
    `cdktf-wsgi stops in ${fmt(median(stopLib) / 1000, 2)} s (target ≤ 1 s: ${median(stopLib) <= 1000 ? 'met' : '**missed**'}); ` +
      `the baseline in ${fmt(median(stopBlog) / 1000, 1)} s, ${fmt(median(stopBlog) / median(stopLib), 1)}× longer` +
      // Only what this run shows: exit code 137 is Docker's SIGKILL after the stop timeout.
      (exitCodes.blog.has(137) && median(stopBlog) >= 9_000
        ? ': its gunicorn never saw SIGTERM and was killed (exit code 137, after Docker\'s 10 s stop timeout).'
        : `; its exit codes were ${[...exitCodes.blog].join(', ')}.`),
    '',
    '## 5. Served throughput',
    '',
    `\`GET /api/leaves\` for ${seconds} s at ${connections} connections with autocannon. The load comes from a network namespace this script creates, ` +
      `over a veth pair to the host (${CLIENT_IP} → ${HOST_IP}): published ports are reached through iptables DNAT, as traffic from other hosts is, ` +
      'not through docker-proxy (which measured-here.md found to cost about two thirds of the throughput on loopback on this kind of machine; not measured in this run). ' +
      'The load generator shares the 2 cores with the server in every variant alike.',
    '',
    '| Configuration | Requests/s | p99 (ms) | Errors | non-2xx |',
    '|---|---|---|---|---|',
    ...throughput.map(t => `| ${t.name} | ${fmt(t.r.rps)} | ${fmt(t.r.p99)} | ${t.r.errors} | ${t.r.non2xx} |`),
    '',
    `cdktf-wsgi: ${fmt(ours.rps / host.rps, 2)}× the host gunicorn with the same settings (target ≥ 0.9×), ${fmt(ours.rps / blog.rps, 2)}× the blog's configuration (target ≥ 1.0×); ` +
      `p99 ${fmt(ours.p99)} ms against the blog's ${fmt(blog.p99)} ms.`,
    '',
    '## 6. Image size',
    '',
    '| | Bytes |',
    '|---|---|',
    `| all layers the generated Dockerfile adds above the base image | ${fmt(added)} |`,
    `| the installed dependencies (the pip install layer) | ${fmt(depsBytes)} |`,
    `| the app (the COPY into /app) | ${fmt(appBytes)} |`,
    '',
    `Overhead: ${fmt(added - depsBytes - appBytes)} bytes (${fmt((added - depsBytes - appBytes) / 1e6, 3)} MB; target < 5 MB), in: ${overheadLayers.join('; ') || 'no other layer'}.`,
    '',
    '## 7. Cold start',
    '',
    `From container create+start (or spawning gunicorn on the host) to the first 200 on /api/leaves, polling every 20 ms. Median of ${opts.runs * 2 - 1} run(s).`,
    '',
    '| | Time to first 200 (ms) |',
    '|---|---|',
    `| cdktf-wsgi container | ${fmt(median(coldLib))} |`,
    `| of which Docker's create + start calls (network, port publishing, mounts) | ${fmt(median(coldDocker))} |`,
    `| gunicorn on the host, same settings | ${fmt(median(coldHost))} |`,
    '',
    `Ratio: ${fmt(median(coldLib) / median(coldHost), 2)}× (target ≤ 1.5×); without Docker's own create + start, ` +
      `${fmt((median(coldLib) - median(coldDocker)) / median(coldHost), 2)}×. The library's part is gunicorn booting the same workers in both; ` +
      'the rest is the engine creating the container, which no image can avoid.',
    '',
  ];
}
