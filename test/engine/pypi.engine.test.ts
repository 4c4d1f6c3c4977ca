/**
 * Current releases from PyPI, installed the way a user's build installs them: Flask 3.1, Django 5.2
 * (with WhiteNoise, collectstatic and migrations) and Falcon 4.1, pinned, on a base image whose pip
 * reaches the index. The rest of the engine suites install offline, from the stand-in's wheelhouse.
 *
 * This workplace reaches PyPI through a TLS-intercepting proxy whose CA only the host trusts, so
 * the test's base image is the offline stand-in with the wheelhouse switched off and the host's CA
 * bundle added. Where containers cannot reach PyPI at all, the suite is skipped and says why.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { applyStack, ApplyResult, byName, destroyStack } from './deployer';
import { ENGINE_AVAILABLE, OFFLINE_BASE, prepareEngine, TEST_LABELS } from './engine';
import { removeTestVolume, resetTestVolume } from './labels';
import { execIn, get } from './probes';
import { addDockerProvider } from './provider';
import { PROMPT_CHECK, PROMPT_HTTP_CHECK } from './stacks';
import { HealthCheck, ReleaseCommand, WsgiContainer, WsgiImage } from '../../src';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const PYPI_BASE = 'cdktf-wsgi-test/python-pypi:3.11';
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';
const PORTS = { flask: 18110, django: 18111, falcon: 18112 };

/** Builds the PyPI-reaching base and checks that pip in it reaches the index; the reason when not. */
function pypiUnreachable(): string | undefined {
  if (!ENGINE_AVAILABLE) return 'no Docker daemon';
  prepareEngine();
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'pypi-base-'));
  const lines = [`FROM ${OFFLINE_BASE}`, 'ENV PIP_NO_INDEX= PIP_FIND_LINKS='];
  if (fs.existsSync(HOST_CA)) {
    fs.copyFileSync(HOST_CA, path.join(ctx, 'ca-certificates.crt'));
    lines.push('COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt', 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt');
  }
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), `${lines.join('\n')}\n`);
  const built = spawnSync('docker', ['build', '-q', '-t', PYPI_BASE, ctx], { encoding: 'utf-8' });
  fs.rmSync(ctx, { recursive: true, force: true });
  if (built.status !== 0) return `could not build ${PYPI_BASE}: ${built.stderr}`;
  const probe = spawnSync('docker', ['run', '--rm', PYPI_BASE, 'python3', '-m', 'pip', 'download', '--no-deps', '--retries', '1', '--timeout', '20', '-d', '/tmp/probe', 'six==1.16.0'],
    { encoding: 'utf-8', timeout: 120_000 });
  return probe.status === 0 ? undefined : `pip in a container does not reach PyPI: ${(probe.stdout + probe.stderr).trim().split('\n').slice(-1)[0]}`;
}

const unreachable = pypiUnreachable();
if (unreachable) process.stderr.write(`\n*** PyPI engine suite SKIPPED: ${unreachable} ***\n\n`);
const describePypi = unreachable ? describe.skip : describe;

function write(dir: string, files: Record<string, string>): string {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describePypi('current Flask, Django and Falcon releases from PyPI', () => {
  let state: ApplyResult | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pypi-'));

  beforeAll(async () => {
    const flask = write(path.join(tmp, 'flask'), {
      'requirements.txt': 'Flask==3.1.2\n',
      'manager.py': [
        'from importlib.metadata import version',
        '',
        'from flask import Flask',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.get("/api/framework")',
        'def framework():',
        '    return {"framework": "flask", "version": version("flask")}',
        '',
      ].join('\n'),
    });
    const django = path.join(tmp, 'django');
    fs.cpSync(path.join(EXAMPLES, 'django', 'app'), django, { recursive: true });
    write(django, { 'requirements.txt': 'Django==5.2.8\nwhitenoise==6.11.0\n' });
    const falcon = path.join(tmp, 'falcon');
    fs.cpSync(path.join(EXAMPLES, 'falcon', 'app'), falcon, { recursive: true });
    const pyproject = path.join(falcon, 'pyproject.toml');
    fs.writeFileSync(pyproject, fs.readFileSync(pyproject, 'utf-8').replace('"falcon>=3.1,<4"', '"falcon==4.1.0"'));

    const outdir = path.join(tmp, 'out');
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'pypi');
    addDockerProvider(stack);
    const flaskImage = new WsgiImage(stack, 'Flask', { labels: TEST_LABELS, source: flask, baseImage: PYPI_BASE });
    new WsgiContainer(stack, 'FlaskWeb', { labels: TEST_LABELS, image: flaskImage, containerName: 'pypi-flask', publish: [{ hostPort: PORTS.flask }], healthCheck: PROMPT_HTTP_CHECK });
    const djangoImage = new WsgiImage(stack, 'Django', { labels: TEST_LABELS, source: django, baseImage: PYPI_BASE, writablePaths: ['/data'] });
    new WsgiContainer(stack, 'DjangoWeb', {
      labels: TEST_LABELS,
      image: djangoImage,
      containerName: 'pypi-django',
      publish: [{ hostPort: PORTS.django }],
      environment: { DJANGO_SECRET_KEY: 'pypi-engine-test-key-0123456789abcdefghijklmnopqrstuvwxyz', DJANGO_ALLOWED_HOSTS: 'localhost,127.0.0.1', DJANGO_DB_PATH: '/data/db.sqlite3' },
      volumes: [{ volumeName: 'pypi-django-data', containerPath: '/data' }],
      healthCheck: HealthCheck.http('/healthz/', PROMPT_CHECK),
      releaseCommand: ReleaseCommand.djangoMigrate(),
    });
    const falconImage = new WsgiImage(stack, 'Falcon', { labels: TEST_LABELS, source: falcon, baseImage: PYPI_BASE });
    new WsgiContainer(stack, 'FalconWeb', { labels: TEST_LABELS, image: falconImage, containerName: 'pypi-falcon', publish: [{ hostPort: PORTS.falcon }], healthCheck: HealthCheck.http('/healthz', PROMPT_CHECK) });
    app.synth();
    resetTestVolume('pypi-django-data');
    state = await applyStack(path.join(outdir, 'stacks', 'pypi'));
  }, 1_200_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    removeTestVolume('pypi-django-data');
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  const versionIn = (name: string, dist: string) =>
    execIn(byName(state!, name).attrs.id, ['python3', '-c', `from importlib.metadata import version; print(version("${dist}"))`]);

  test('Flask 3.1 serves, with gunicorn from PyPI added by the library', async () => {
    const res = await get(PORTS.flask, '/api/framework');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ framework: 'flask', version: '3.1.2' });
    expect(await versionIn('pypi-flask', 'gunicorn')).toMatch(/^2[0-6]\.\d+(\.\d+)?\n$/);
  });

  test('Django 5.2: migrations ran, static files collected and served by WhiteNoise', async () => {
    expect(await versionIn('pypi-django', 'django')).toBe('5.2.8\n');
    expect(byName(state!, 'pypi-django-release').attrs.exit_code).toBe(0);
    expect(byName(state!, 'pypi-django-release').attrs.container_logs).toContain('Applying visits.0001_initial... OK');
    expect(await get(PORTS.django, '/healthz/')).toEqual({ status: 200, body: '{"ok": true}' });
    const css = await get(PORTS.django, '/static/site.css');
    expect(css.status).toBe(200);
    expect(css.body).toContain('font-family');
  });

  test('Falcon 4.1 in a src/ layout with PEP 621 dependencies serves', async () => {
    expect(await versionIn('pypi-falcon', 'falcon')).toBe('4.1.0\n');
    const res = await get(PORTS.falcon, '/api/notes/1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: '1', text: 'served by gunicorn' });
  });
});
