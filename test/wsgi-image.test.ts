import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { BuildSecret, Dependencies, Duration, WorkerClass, WsgiImage } from '../src';
import { FLASK_APP, newStack, resources, warnings, writeSource } from './util';

function image(props: Partial<ConstructorParameters<typeof WsgiImage>[2]> = {}, files = FLASK_APP) {
  const { app, stack } = newStack();
  const img = new WsgiImage(stack, 'Image', { source: writeSource(files), entrypoint: 'manager:app', ...props });
  return { app, stack, img };
}

function instructions(dockerfile: string): Instruction[] {
  return DockerfileParser.parse(dockerfile).getInstructions();
}

/** Runs the generated gunicorn.conf.py with the host's Python and returns its settings. */
function gunicornSettings(config: string, env: Record<string, string> = {}): Record<string, unknown> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gconf-')), 'gunicorn.conf.py');
  fs.writeFileSync(file, config);
  const out = execFileSync('python3', ['-c', [
    'import json, runpy, sys',
    'ns = runpy.run_path(sys.argv[1])',
    'print(json.dumps({k: v for k, v in ns.items() if not k.startswith("_") and isinstance(v, (int, str, list, type(None)))}))',
  ].join('\n'), file], { encoding: 'utf-8', env: { PATH: process.env.PATH!, ...env } });
  return JSON.parse(out);
}

describe('WsgiImage defaults', () => {
  test('documented defaults: port 8000, python:3.11-slim, requirements.txt, no build args, keepLocally false', () => {
    const { stack, img } = image();
    expect(img.port).toBe(8000);
    const from = instructions(img.dockerfile).find(i => i.getKeyword() === 'FROM')!;
    expect(from.getArgumentsContent()).toBe('python:3.11-slim');
    expect(img.dockerfile).toContain('COPY ["app/requirements.txt", "/app/requirements.txt"]');
    const [res] = resources(stack, 'docker_image');
    expect(res.keep_locally).toBe(false);
    expect(res.build.build_args).toBeUndefined();
    expect(res.build.platform).toBeUndefined();
    expect(instructions(img.dockerfile).filter(i => i.getKeyword() === 'ARG')).toHaveLength(0);
    expect(img.dockerfile).not.toContain('apt-get');
    // environment: none besides the library's own single ENV instruction; writablePaths: none.
    expect(instructions(img.dockerfile).filter(i => i.getKeyword() === 'ENV')).toHaveLength(1);
    expect(img.dockerfile).not.toContain('chown');
  });

  test('documented defaults: image name from the construct path, tag from the fingerprint', () => {
    const { img } = image();
    expect(img.imageName).toBe(`cdktf-wsgi/test-image:${img.fingerprint.slice(0, 16)}`);
    expect(img.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test('documented defaults: gunicorn settings', () => {
    const { img } = image();
    const settings = gunicornSettings(img.gunicornConfig);
    expect(settings).toMatchObject({
      wsgi_app: 'manager:app',
      bind: ['0.0.0.0:8000'],
      threads: 4,
      worker_class: 'gthread',
      timeout: 30,
      graceful_timeout: 30,
      keepalive: 5,
      max_requests: 0,
      max_requests_jitter: 0,
      accesslog: null,
      errorlog: '-',
      worker_tmp_dir: '/dev/shm',
      chdir: '/app',
    });
    // gunicorn's own default for forwarded_allow_ips applies.
    expect(settings).not.toHaveProperty('forwarded_allow_ips');
    expect(img.gracefulTimeout.toSeconds()).toBe(30);
  });

  test('default workers: WEB_CONCURRENCY wins, else 2 x CPUs + 1 capped at 12', () => {
    const { img } = image();
    expect(gunicornSettings(img.gunicornConfig, { WEB_CONCURRENCY: '3' }).workers).toBe(3);
    const cpus = Number(execFileSync('python3', ['-c', 'import os; print(len(os.sched_getaffinity(0)))'], { encoding: 'utf-8' }));
    expect(gunicornSettings(img.gunicornConfig).workers).toBeLessThanOrEqual(Math.min(2 * cpus + 1, 12));
    expect(gunicornSettings(img.gunicornConfig).workers).toBeGreaterThanOrEqual(3);
  });

  test('gthread workers watch the signal wake-up pipe, so a stop begins at once; other worker classes are left alone', () => {
    expect(image().img.gunicornConfig).toContain('def post_worker_init(worker):\n    poller = getattr(worker, "poller", None)');
    expect(image({ gunicorn: { workerClass: WorkerClass.SYNC } }).img.gunicornConfig).not.toContain('post_worker_init');
  });

  test('an explicit non-gthread worker class defaults to one thread', () => {
    expect(gunicornSettings(image({ gunicorn: { workerClass: WorkerClass.SYNC } }).img.gunicornConfig)).toMatchObject({ worker_class: 'sync', threads: 1 });
    expect(gunicornSettings(image({ gunicorn: { threads: 2 } }).img.gunicornConfig)).toMatchObject({ worker_class: 'gthread', threads: 2 });
  });

  test('gunicorn settings land in the config as given', () => {
    const { img } = image({
      port: 9000,
      gunicorn: {
        workers: 4,
        threads: 8,
        workerClass: WorkerClass.GTHREAD,
        timeout: Duration.seconds(60),
        gracefulTimeout: Duration.seconds(10),
        keepAlive: Duration.seconds(75),
        maxRequests: 1000,
        maxRequestsJitter: 50,
        forwardedAllowIps: ['10.0.0.0/8', '127.0.0.1'],
        accessLog: true,
      },
    });
    expect(gunicornSettings(img.gunicornConfig)).toMatchObject({
      bind: ['0.0.0.0:9000'],
      workers: 4,
      threads: 8,
      worker_class: 'gthread',
      timeout: 60,
      graceful_timeout: 10,
      keepalive: 75,
      max_requests: 1000,
      max_requests_jitter: 50,
      forwarded_allow_ips: '10.0.0.0/8,127.0.0.1',
      accesslog: '-',
    });
    expect(img.gracefulTimeout.toSeconds()).toBe(10);
  });

  test('a factory entrypoint is passed to gunicorn as written', () => {
    const { img } = image({ entrypoint: 'app:create_app()' }, { ...FLASK_APP, 'app/__init__.py': 'def create_app(): ...\n' });
    expect(gunicornSettings(img.gunicornConfig).wsgi_app).toBe('app:create_app()');
  });
});

describe('the generated Dockerfile', () => {
  const { img } = image({
    environment: { APP_MODE: 'production', QUOTED: 'a "b" $HOME \\ c' },
    buildArgs: { PIP_INDEX_URL: 'https://pypi.example/simple' },
    aptPackages: ['libpq5'],
  });
  const parsed = instructions(img.dockerfile);
  const keywords = parsed.map(i => i.getKeyword());

  test('starts gunicorn in exec form as ENTRYPOINT, with no CMD', () => {
    const entry = parsed.find(i => i.getKeyword() === 'ENTRYPOINT')!;
    expect(entry.getArgumentsContent()).toBe('["python3", "-m", "gunicorn", "--config", "/opt/cdktf-wsgi/gunicorn.conf.py"]');
    expect(JSON.parse(entry.getArgumentsContent()!)).toEqual(['python3', '-m', 'gunicorn', '--config', '/opt/cdktf-wsgi/gunicorn.conf.py']);
    expect(keywords).not.toContain('CMD');
  });

  test('never puts a comment on an instruction line', () => {
    for (const line of img.dockerfile.split('\n')) {
      if (!line.trimStart().startsWith('#')) {
        expect(line).not.toMatch(/\s#/);
      }
    }
    expect(DockerfileParser.parse(img.dockerfile).getComments().length).toBeGreaterThan(0);
  });

  test('installs dependencies before copying the source, with no pip cache', () => {
    const install = parsed.findIndex(i => i.getKeyword() === 'RUN' && i.getArgumentsContent()!.includes('pip install'));
    const copySource = parsed.findIndex(i => i.getKeyword() === 'COPY' && i.getArgumentsContent() === '["app/", "/app/"]');
    expect(install).toBeGreaterThan(0);
    expect(copySource).toBeGreaterThan(install);
    expect(parsed[install].getArgumentsContent()).toContain('--no-cache-dir');
    parsed.slice(0, install).filter(i => i.getKeyword() === 'COPY').forEach(c => expect(c.getArgumentsContent()).not.toBe('["app/", "/app/"]'));
  });

  test('runs as the numeric non-root user 10001 and logs unbuffered', () => {
    const users = parsed.filter(i => i.getKeyword() === 'USER');
    expect(users.map(u => u.getArgumentsContent())).toEqual(['10001:10001']);
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(img.dockerfile).toMatch(/^ENV PYTHONUNBUFFERED=1/m);
    expect(img.user).toBe('10001:10001');
  });

  test('bakes environment quoted, declares build args by name only, installs apt packages first', () => {
    expect(img.dockerfile).toContain('ENV APP_MODE="production"');
    expect(img.dockerfile).toContain('ENV QUOTED="a \\"b\\" \\$HOME \\\\ c"');
    expect(img.dockerfile).toContain('ARG PIP_INDEX_URL\n');
    expect(img.dockerfile).not.toContain('pypi.example');
    expect(img.dockerfile).toContain('apt-get install -y --no-install-recommends libpq5');
    expect(keywords).toContain('EXPOSE');
  });

  test('writable paths are created for the app user before it takes over', () => {
    const { img: w } = image({ writablePaths: ['/data', '/var/cache/app'] });
    expect(w.dockerfile).toContain('RUN mkdir -p /data /var/cache/app \\\n    && chown 10001:10001 /data /var/cache/app');
    expect(w.dockerfile.indexOf('chown 10001')).toBeLessThan(w.dockerfile.indexOf('USER 10001'));
    expect(img.dockerfile).not.toContain('chown');
  });

  test('uses no BuildKit-only syntax', () => {
    expect(img.dockerfile).not.toMatch(/--mount|# syntax|<<|--link|--chmod/);
  });
});

describe('gunicorn in the requirements', () => {
  test('adds gunicorn with the default constraint and warns when the requirements lack it', () => {
    const { app, stack, img } = image({}, { ...FLASK_APP, 'requirements.txt': 'Flask\n' });
    expect(warnings(stack)).toEqual([expect.stringContaining('gunicorn is not in requirements.txt; the image adds "gunicorn>=20.1,<27"')]);
    app.synth();
    const staged = (rel: string) => fs.readFileSync(path.join(app.outdir, 'stacks', 'test', img.contextPath, rel), 'utf-8');
    expect(staged('.cdktf-wsgi/requirements.txt').split('\n').slice(1)).toEqual(['-r /app/requirements.txt', 'gunicorn>=20.1,<27', '']);
  });

  test('the constraint can be overridden', () => {
    const { stack } = image({ gunicornRequirement: 'gunicorn==23.0.0' }, { ...FLASK_APP, 'requirements.txt': 'Flask\n' });
    expect(warnings(stack)[0]).toContain('"gunicorn==23.0.0"');
  });

  test.each([
    ['gunicorn==20.1.0'], ['Gunicorn>=20'], ['gunicorn[gevent]'], ['-r base.txt'], ['gunicorn ; python_version >= "3"'],
    ['gunicorn==20.1.0 \\\n    --hash=sha256:abc'], ['git+https://example.invalid/gunicorn.git#egg=gunicorn'],
  ])('no warning when the requirements name gunicorn: %s', line => {
    const { stack } = image({}, { ...FLASK_APP, 'requirements.txt': `Flask\n${line}\n`, 'base.txt': 'gunicorn\n' });
    expect(warnings(stack)).toEqual([]);
  });

  test('files pulled in with -r and -c are copied into the dependency layer', () => {
    const { img } = image({ dependencies: Dependencies.requirementsFile('requirements/prod.txt') }, {
      ...FLASK_APP, 'requirements/prod.txt': '-r base.txt\n-c ../constraints.txt\n', 'requirements/base.txt': 'flask\ngunicorn\n', 'constraints.txt': 'flask<3\n',
    });
    expect(img.dockerfile).toContain('COPY ["app/requirements/prod.txt", "/app/requirements/prod.txt"]');
    expect(img.dockerfile).toContain('COPY ["app/requirements/base.txt", "/app/requirements/base.txt"]');
    expect(img.dockerfile).toContain('COPY ["app/constraints.txt", "/app/constraints.txt"]');
  });
});

describe('secrets', () => {
  test('build secrets reach only the install step through BuildKit secret mounts', () => {
    const { stack, img } = image({ buildSecrets: { PIP_EXTRA_INDEX_URL: BuildSecret.fromEnvironment('INDEX_URL'), NETRC: BuildSecret.fromFile('/run/netrc') } });
    const run = instructions(img.dockerfile).find(i => i.getKeyword() === 'RUN' && i.getArgumentsContent()!.includes('pip install'))!;
    const flags = (run as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }).getFlags();
    expect(flags.map(f => `${f.getName()}=${f.getValue()}`)).toEqual(['mount=type=secret,id=NETRC', 'mount=type=secret,id=PIP_EXTRA_INDEX_URL']);
    expect(img.dockerfile).toContain('    { NETRC="$(cat /run/secrets/NETRC)" && test -n "$NETRC" || { echo "build secret NETRC is missing or empty" >&2; exit 1; }; } '
      + '&& { PIP_EXTRA_INDEX_URL="$(cat /run/secrets/PIP_EXTRA_INDEX_URL)" && test -n "$PIP_EXTRA_INDEX_URL" '
      + '|| { echo "build secret PIP_EXTRA_INDEX_URL is missing or empty" >&2; exit 1; }; } '
      + '&& export NETRC PIP_EXTRA_INDEX_URL \\\n    && python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/requirements.txt\n');
    expect(img.dockerfile.match(/--mount/g)).toHaveLength(2);
    const [res] = resources(stack, 'docker_image');
    expect(res.build.secrets).toEqual([{ id: 'NETRC', src: '/run/netrc' }, { id: 'PIP_EXTRA_INDEX_URL', env: 'INDEX_URL' }]);
    expect(warnings(stack)).toEqual([]);
  });

  test('the install step fails on a build secret that is missing or empty, and exports the ones given (run by sh)', () => {
    const { img } = image({ buildSecrets: { A: BuildSecret.fromEnvironment('X'), B: BuildSecret.fromEnvironment('Y') } });
    const run = instructions(img.dockerfile).find(i => i.getKeyword() === 'RUN' && i.getArgumentsContent()!.includes('pip install'))!;
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    const script = run.getArgumentsContent()!.replace(/\\\n/g, '\n').replace(/\/run\/secrets\//g, `${secrets}/`)
      .replace(/python3 -m pip install .*/, 'echo "A=$A B=$B"');
    const sh = () => spawnSync('sh', ['-c', script], { encoding: 'utf-8' });
    fs.writeFileSync(path.join(secrets, 'A'), 'a');
    expect(sh()).toMatchObject({ status: 1, stderr: `cat: ${secrets}/B: No such file or directory\nbuild secret B is missing or empty\n`, stdout: '' });
    fs.writeFileSync(path.join(secrets, 'B'), '');
    expect(sh()).toMatchObject({ status: 1, stderr: 'build secret B is missing or empty\n', stdout: '' });
    fs.writeFileSync(path.join(secrets, 'B'), 'b');
    expect(sh()).toMatchObject({ status: 0, stderr: '', stdout: 'A=a B=b\n' });
    fs.rmSync(secrets, { recursive: true });
  });

  test('the fingerprint follows secret names and sources, and is unchanged without secrets', () => {
    const fp = (props: any) => image(props).img.fingerprint;
    const base = fp({ buildSecrets: { A: BuildSecret.fromEnvironment('X') } });
    expect(fp({ buildSecrets: { A: BuildSecret.fromEnvironment('Y') } })).not.toBe(base);
    expect(fp({ buildSecrets: { B: BuildSecret.fromEnvironment('X') } })).not.toBe(base);
    expect(fp({ buildSecrets: {} })).toBe(fp({}));
  });

  test.each([
    ['environment', { environment: { SECRET_KEY: 'x' } }, /'environment\.SECRET_KEY' looks like a secret and is baked into the image/],
    ['environment', { environment: { DB_PASSWORD: 'x' } }, /'environment\.DB_PASSWORD' looks like a secret/],
    ['environment', { environment: { DATABASE_URL: 'postgres://app:hunter2@db/app' } }, /'environment\.DATABASE_URL' looks like a secret/],
    ['buildArgs', { buildArgs: { PIP_INDEX_URL: 'https://user:token@pypi.example/simple' } }, /'buildArgs\.PIP_INDEX_URL' looks like a secret and is a build argument, which `docker history` shows\. pass it with `buildSecrets` instead/],
    ['buildArgs', { buildArgs: { GITHUB_TOKEN: 'x' } }, /'buildArgs\.GITHUB_TOKEN' looks like a secret/],
  ])('warns about a secret-looking %s entry', (_what, props, message) => {
    expect(warnings(image(props).stack)).toEqual([expect.stringMatching(message)]);
  });

  test('plain names and values do not warn', () => {
    expect(warnings(image({ environment: { APP_MODE: 'prod', AUTHOR_NAME: 'x', URL: 'https://example.org/a' }, buildArgs: { VERSION: '1' } }).stack)).toEqual([]);
  });
});
