import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { applyKeepingFailure, applyStack, ApplyResult, byName, destroyStack, docker, planOnly } from './deployer';
import { describeEngine, OFFLINE_BASE, prepareEngine, TEST_LABELS } from './engine';
import { removeTestVolume, resetTestVolume } from './labels';
import { pipfileLock, poetryLock, requirementsTree, uvLock, wheelhouse } from './locks';
import { DOCKER_CLI, execIn, get, post } from './probes';
import { addDockerProvider } from './provider';
import { APPS, PROMPT_CHECK } from './stacks';
import { DjangoStack } from '../../examples/django/main';
import { FalconStack } from '../../examples/falcon/main';
import { Dependencies, HealthCheck, ReleaseCommand, WsgiContainer, WsgiImage, WsgiImageProps } from '../../src';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const DJANGO_PORT = 18090;
const DJANGO_FAIL_PORT = 18091;
const FALCON_PORT = 18092;

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const byType = (r: ApplyResult, name: string) => byName(r, name);

describeEngine('Django (examples/django) on a real Docker engine', () => {
  const source = tempDir('django-src-');
  const volume = 'django-data';
  let state: ApplyResult | undefined;

  function synth(id = 'django', port = DJANGO_PORT, src = source): string {
    const outdir = tempDir(`${id}-out-`);
    const app = new App({ outdir, stackTraces: false });
    new DjangoStack(app, id, { source: src, hostPort: port });
    app.synth();
    return path.join(outdir, 'stacks', id);
  }

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(EXAMPLES, 'django', 'app'), source, { recursive: true });
    resetTestVolume(volume);
    process.env.TF_VAR_django_secret_key = 'engine-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz';
    state = await applyStack(synth());
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
    removeTestVolume(volume);
  }, 120_000);

  test('serves the project from the detected entrypoint mysite.wsgi:application', async () => {
    const res = await get(DJANGO_PORT, '/healthz/');
    expect(res).toEqual({ status: 200, body: '{"ok": true}' });
  });

  test('static files were collected at build and are served by WhiteNoise', async () => {
    const res = await get(DJANGO_PORT, '/static/site.css');
    expect(res.status).toBe(200);
    expect(res.body).toContain('font-family');
  });

  test('migrations ran before the app started, against SQLite on the named volume', async () => {
    const release = byType(state!, 'django-web-release');
    expect(release.attrs.exit_code).toBe(0);
    expect(release.attrs.container_logs).toContain('Applying visits.0001_initial... OK');
    const first = JSON.parse((await post(DJANGO_PORT, '/api/visits/')).body).visits;
    expect(JSON.parse((await get(DJANGO_PORT, '/api/visits/')).body).visits).toBe(first);
    expect(first).toBeGreaterThanOrEqual(1);
  });

  test('DEBUG is off and SECRET_KEY came from the runtime environment, not the image', async () => {
    const res = await get(DJANGO_PORT, '/no-such-page/');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('DEBUG = True');
    const info = await docker.getImage(byType(state!, 'django-web').attrs.image).inspect();
    expect(JSON.stringify(info.Config.Env)).not.toContain('engine-test-secret-key');
    const history = await docker.getImage(byType(state!, 'django-web').attrs.image).history();
    expect(JSON.stringify(history)).not.toContain('engine-test-secret-key');
  });

  test('an unchanged re-apply keeps everything and does not run the migrations again', async () => {
    const again = await applyStack(synth(), state);
    expect(new Set(Object.values(again.actions))).toEqual(new Set(['unchanged']));
    expect(byType(again, 'django-web-release').attrs.id).toBe(byType(state!, 'django-web-release').attrs.id);
    state = again;
  }, 300_000);

  test('a code change replaces the image, runs the migrations once more, and keeps the data', async () => {
    const before = JSON.parse((await post(DJANGO_PORT, '/api/visits/')).body).visits;
    fs.appendFileSync(path.join(source, 'visits', 'views.py'), '\n# changed\n');
    const next = await applyStack(synth(), state);
    state = next;
    const actions = Object.fromEntries(Object.entries(next.actions).map(([k, v]) => [k.split('.')[1], v]));
    // New release and app containers next to the old ones; the network holder stays.
    expect(actions).toEqual({
      Image_9D742C96: 'replace',
      Web_Release_2E46FD6D: 'replace',
      Web_3C8945DB: 'replace',
      Web_Reconcile_108B3D71: 'replace',
      Web_DestroyGuard_74FC7802: 'unchanged',
      Web_NetworkHolder_7ABD2D08: 'unchanged',
      Web_NetworkHolderImage_FCB2F5CE: 'unchanged',
    });
    expect(byType(next, 'django-web-release').attrs.container_logs).toContain('No migrations to apply');
    expect(JSON.parse((await get(DJANGO_PORT, '/api/visits/')).body).visits).toBe(before);
  }, 300_000);

  test('a failing migration fails the apply with its output, and no app container starts', async () => {
    const broken = tempDir('djangofail-src-');
    fs.cpSync(source, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'visits', 'migrations', '0002_broken.py'), [
      'from django.db import migrations',
      '',
      'def boom(apps, schema_editor):',
      '    raise RuntimeError("migration 0002 refuses to run")',
      '',
      'class Migration(migrations.Migration):',
      '    dependencies = [("visits", "0001_initial")]',
      '    operations = [migrations.RunPython(boom)]',
      '',
    ].join('\n'));
    resetTestVolume('djangofail-data');
    // Terraform word-wraps a diagnostic's text, so the message is matched with \s+ between words.
    const failure = /release\s+command\s+of\s+djangofail\/Web\s+\(python3\s+-m\s+django\s+migrate\s+--noinput\s+--no-color\)\s+failed\s+with\s+exit\s+code\s+1\.\s+Its\s+output:\n[\s\S]*RuntimeError: migration 0002 refuses to run/;
    // App containers: the network holder alone has the plain name.
    const appNames = async () => (await docker.listContainers({ all: true })).flatMap(c => c.Names).filter(n => /^\/djangofail-web-[0-9a-f]{8}$/.test(n));
    let left: ApplyResult | undefined;
    try {
      const first: any = await applyKeepingFailure(synth('djangofail', DJANGO_FAIL_PORT, broken)).then(() => undefined, e => e);
      left = first?.result;
      expect(first?.message).toMatch(failure);
      // The output reads as text: no 8-byte stream headers, no \r, no colour codes.
      expect(first.message).not.toMatch(/[\u0000-\u0008\r\u001b]/);
      expect(await appNames()).toEqual([]);

      // The user's next deploy, with nothing fixed: the failed release container stays in the state,
      // and its postcondition fails the plan with the same message, so the app container is still
      // not created, and the migration does not run again on its own.
      const again: any = await planOnly(synth('djangofail', DJANGO_FAIL_PORT, broken), first.result).then(() => undefined, e => e);
      expect(again?.message).toMatch(/terraform plan failed/);
      expect(again.message).toMatch(failure);
      expect(await appNames()).toEqual([]);
      const short = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k.split('.')[1], v]));

      // Fixed: the next deploy builds the new image, runs the migrations again and starts the app.
      fs.rmSync(path.join(broken, 'visits', 'migrations', '0002_broken.py'));
      const fixed = await applyStack(synth('djangofail', DJANGO_FAIL_PORT, broken), first.result);
      left = undefined;
      try {
        expect(short(fixed.actions)).toEqual({
          Image_9D742C96: 'replace',
          Web_Release_2E46FD6D: 'replace',
          Web_3C8945DB: 'create',
          Web_Reconcile_108B3D71: 'create',
          Web_DestroyGuard_74FC7802: 'unchanged',
          Web_NetworkHolder_7ABD2D08: 'unchanged',
          Web_NetworkHolderImage_FCB2F5CE: 'unchanged',
        });
        expect(byType(fixed, 'djangofail-web-release').attrs.exit_code).toBe(0);
        expect((await get(DJANGO_FAIL_PORT, '/healthz/')).status).toBe(200);
      } finally {
        await destroyStack(fixed);
      }
    } finally {
      // A failed assertion before the fixed deploy leaves the failed stack: it goes before its volume.
      if (left) await destroyStack(left).catch(e => process.stderr.write(`${e}\n`));
      removeTestVolume('djangofail-data');
    }
  }, 300_000);
});

interface Service {
  readonly name: string;
  readonly port: number;
  readonly image: Partial<WsgiImageProps> & { source: string };
}

/** One stack of several images and containers, applied at once. */
async function applyServices(id: string, services: Service[]): Promise<{ result: ApplyResult; images: Record<string, WsgiImage>; stackDir: string }> {
  const outdir = tempDir(`${id}-out-`);
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, id);
  addDockerProvider(stack);
  const images: Record<string, WsgiImage> = {};
  for (const s of services) {
    const image = new WsgiImage(stack, `${s.name}-image`, { ...s.image, labels: TEST_LABELS });
    images[s.name] = image;
    new WsgiContainer(stack, `${s.name}-web`, {
      labels: TEST_LABELS,
      image,
      containerName: `${id}-${s.name}-web`,
      publish: [{ hostPort: s.port }],
      healthCheck: HealthCheck.http('/healthz', PROMPT_CHECK),
    });
  }
  app.synth();
  const stackDir = path.join(outdir, 'stacks', id);
  try {
    return { result: await applyStack(stackDir), images, stackDir };
  } catch (e: any) {
    e.stackDir = stackDir;
    throw e;
  }
}

describeEngine('frameworks and layouts on a real Docker engine', () => {
  let falcon: ApplyResult | undefined;
  let frameworks: ApplyResult | undefined;
  let images: Record<string, WsgiImage> = {};

  beforeAll(async () => {
    prepareEngine();
    const outdir = tempDir('falcon-out-');
    const app = new App({ outdir, stackTraces: false });
    new FalconStack(app, 'falcon');
    // The example publishes 8125; the test binds its own port through the same construct tree.
    app.synth();
    const stackDir = path.join(outdir, 'stacks', 'falcon');
    const tf = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf-8').replace('"external": 8125', `"external": ${FALCON_PORT}`);
    fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), tf);
    falcon = await applyStack(stackDir);
    const applied = await applyServices('frameworks', [
      { name: 'bottle', port: 18093, image: { source: path.join(APPS, 'bottle') } },
      { name: 'pyramid', port: 18094, image: { source: path.join(APPS, 'pyramid') } },
      { name: 'shop', port: 18095, image: { source: path.join(APPS, 'factory') } },
    ]);
    frameworks = applied.result;
    images = applied.images;
  }, 900_000);

  afterAll(async () => {
    if (falcon) await destroyStack(falcon);
    if (frameworks) await destroyStack(frameworks);
  }, 120_000);

  test('Falcon in a src/ layout with PEP 621 dependencies: everything detected, served', async () => {
    expect(await get(FALCON_PORT, '/api/notes/1')).toEqual({ status: 200, body: '{"id": "1", "text": "served by gunicorn"}' });
    expect((await get(FALCON_PORT, '/api/notes/2')).status).toBe(404);
  });

  test.each([
    ['bottle', 18093, 'service:app', 'bottle'],
    ['pyramid', 18094, 'hello:app', 'pyramid'],
    ['shop', 18095, 'shop:create_app()', 'flask-factory'],
  ])('%s: entrypoint detected and served', async (name, port, entrypoint, framework) => {
    expect(images[name].entrypoint).toBe(entrypoint);
    const res = await get(port, '/api/framework');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ framework });
  });
});

describeEngine('lock files and a monorepo local package on a real Docker engine', () => {
  let result: ApplyResult | undefined;
  let images: Record<string, WsgiImage> = {};
  let stackDir = '';

  beforeAll(async () => {
    prepareEngine();
    const wheels = wheelhouse();
    const monorepo = tempDir('monorepo-');
    fs.cpSync(path.join(APPS, 'monorepo'), monorepo, { recursive: true });
    const service = (name: string, files: Record<string, string>) => {
      const dir = path.join(monorepo, 'services', name);
      fs.cpSync(path.join(monorepo, 'services', 'api'), dir, { recursive: true });
      for (const [f, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), text);
      }
      return dir;
    };
    const poetry = poetryLock(wheels, ['flask', 'gunicorn']);
    const applied = await applyServices('locks', [
      // uv.lock without gunicorn: pinned and hash-checked, gunicorn added by a second pip run.
      { name: 'uv', port: 18096, image: { source: service('uv', { 'uv.lock': uvLock(wheels, ['flask']) }), localPackages: ['../../libs/common'], baseImage: OFFLINE_BASE } },
      { name: 'poetry', port: 18097, image: { source: service('poetry', { 'poetry.lock': poetry.lock, 'pyproject.toml': poetry.pyproject }), localPackages: ['../../libs/common'], baseImage: OFFLINE_BASE } },
      { name: 'pipenv', port: 18098, image: { source: service('pipenv', { 'Pipfile.lock': pipfileLock(wheels) }), localPackages: ['../../libs/common'], baseImage: OFFLINE_BASE, dependencies: Dependencies.pipfileLock() } },
      // requirements.txt as people write it: an include, a constraints file, a marker that excludes a
      // Windows-only package, and --hash pins in the included file (so pip checks every hash).
      {
        name: 'reqs',
        port: 18100,
        image: {
          source: service('reqs', {
            'requirements.txt': '-r requirements/base.txt\n-c requirements/constraints.txt\npywin32==306 ; sys_platform == "win32" \\\n    --hash=sha256:' + '0'.repeat(64) + '\n',
            ...requirementsTree(wheels),
          }),
          localPackages: ['../../libs/common'],
          baseImage: OFFLINE_BASE,
        },
      },
    ]);
    result = applied.result;
    images = applied.images;
    stackDir = applied.stackDir;
  }, 900_000);

  afterAll(async () => {
    if (result) await destroyStack(result);
  }, 120_000);

  test.each([['uv', 18096], ['poetry', 18097], ['pipenv', 18098], ['reqs', 18100]])('%s: the pinned app imports the sibling package and answers', async (_name, port) => {
    const res = await get(port as number, '/api/greeting');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ from: 'common', hello: 'monorepo' });
  });

  test.each(['uv', 'poetry', 'pipenv'])('%s: exact pins with the wheels\' hashes were installed, dev dependencies left out', async name => {
    const requirements = fs.readFileSync(path.join(stackDir, images[name].contextPath, '.cdktf-wsgi', 'requirements.txt'), 'utf-8');
    expect(requirements).toMatch(/^flask==2\.2\.2 .*\\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
    expect(requirements).toMatch(/^markupsafe==/im);
    expect(requirements).not.toMatch(/pytest/);
    const id = byName(result!, `locks-${name}-web`).attrs.id;
    expect(await execIn(id, ['python3', '-c', 'import flask, importlib.util; print(flask.__version__, importlib.util.find_spec("pytest") is None)'])).toBe('2.2.2 True\n');
  });

  test('pip really checks the hashes: a lock whose hash does not match the wheel fails the build', async () => {
    const dir = tempDir('badhash-');
    fs.cpSync(path.join(APPS, 'monorepo', 'services', 'api'), dir, { recursive: true });
    const wheels = wheelhouse();
    fs.writeFileSync(path.join(dir, 'uv.lock'), uvLock(wheels, ['flask']).replace(wheels.get('flask')!.sha256, 'f'.repeat(64)));
    const since = Math.floor(Date.now() / 1000) - 1;
    try {
      const failed: any = await applyServices('badhash', [{ name: 'api', port: 18099, image: { source: dir, localPackages: [path.join(APPS, 'monorepo', 'libs', 'common')], baseImage: OFFLINE_BASE } }])
        .then(() => undefined, e => e);
      // The provider's error names the failed step; through BuildKit (3.6.2) or buildx (4.x) it
      // carries none of the step's output.
      expect(failed?.message).toMatch(/pip install[\s\S]*exit code: 1/);
      // The README's way to see why: the same build with the docker CLI, in the stack directory.
      const failedDir = failed.stackDir as string;
      const [context] = fs.readdirSync(path.join(failedDir, 'assets')).map(a => path.join(failedDir, 'assets', a))
        .flatMap(a => fs.readdirSync(a).map(f => path.join(a, f)));
      const cli = spawnSync(DOCKER_CLI, ['build', '--no-cache', '-f', path.join(context, 'Dockerfile'), context], { encoding: 'utf-8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
      expect(cli.status).not.toBe(0);
      expect(`${cli.stdout}${cli.stderr}`).toMatch(/THESE PACKAGES DO NOT MATCH THE HASHES/);
    } finally {
      // A classic builder keeps the failed step's container (BuildKit does not); remove any.
      for (const c of await docker.listContainers({ all: true, filters: { status: ['exited'] } })) {
        if (c.Created >= since && /pip install/.test(c.Command)) await docker.getContainer(c.Id).remove().catch(() => undefined);
      }
    }
  }, 300_000);
});

describeEngine('Django with split settings (cookiecutter layout) on a real Docker engine', () => {
  const PORT = 18102;
  const source = tempDir('splitsettings-src-');
  let state: ApplyResult | undefined;

  beforeAll(async () => {
    prepareEngine();
    const files: Record<string, string> = {
      'requirements.txt': 'Django==3.2.25\nwhitenoise==6.0.0\n',
      // manage.py names the local module; the app runs with production (wsgi.py), and so must the build.
      'manage.py': 'import os\nimport sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n',
      'config/__init__.py': '',
      'config/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\napplication = get_wsgi_application()\n',
      'config/urls.py': 'from django.http import HttpResponse\nfrom django.urls import path\n\nurlpatterns = [path("healthz/", lambda request: HttpResponse("ok"))]\n',
      'config/static/split.css': 'body { font-family: serif; }\n',
      'config/settings/__init__.py': '',
      // Everything about static files lives in the base module only.
      'config/settings/base.py': [
        'from pathlib import Path',
        'BASE_DIR = Path(__file__).resolve().parent.parent.parent',
        'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles"]',
        'MIDDLEWARE = [',
        '    "django.middleware.security.SecurityMiddleware",',
        '    "whitenoise.middleware.WhiteNoiseMiddleware",',
        '    "django.middleware.common.CommonMiddleware",',
        ']',
        'ROOT_URLCONF = "config.urls"',
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"}}',
        'STATIC_URL = "/static/"',
        'STATIC_ROOT = BASE_DIR / "staticfiles"',
        'STATICFILES_DIRS = [BASE_DIR / "config" / "static"]',
        'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
        '',
      ].join('\n'),
      'config/settings/production.py': 'import os\n\nfrom .base import *  # noqa: F401,F403\n\nDEBUG = False\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nALLOWED_HOSTS = ["localhost", "127.0.0.1"]\n',
      // Were the build to use this module, DEBUG would be on and STATIC_ROOT unset.
      'config/settings/local.py': 'from .base import *  # noqa: F401,F403\n\nDEBUG = True\nSECRET_KEY = "local"\nSTATIC_ROOT = None\n',
    };
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(source, f)), { recursive: true });
      fs.writeFileSync(path.join(source, f), text);
    }
    const outdir = tempDir('splitsettings-out-');
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'splitsettings');
    addDockerProvider(stack);
    // No Django option at all: entrypoint, settings module and collectstatic are all found.
    const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      publish: [{ hostPort: PORT }],
      environment: { DJANGO_SECRET_KEY: 'split-settings-engine-test-key-0123456789abcdefghijklmnop' },
      healthCheck: HealthCheck.http('/healthz/', PROMPT_CHECK),
    });
    app.synth();
    expect(image.dockerfile).toContain('DJANGO_SETTINGS_MODULE=config.settings.production');
    state = await applyStack(path.join(outdir, 'stacks', 'splitsettings'));
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
  }, 120_000);

  test('the static file, configured only in the base module, is collected at build and served by WhiteNoise', async () => {
    const css = await get(PORT, '/static/split.css');
    expect(css).toEqual({ status: 200, body: 'body { font-family: serif; }\n' });
  });

  test('the app runs with the production module that wsgi.py names (DEBUG off), not manage.py\'s local one', async () => {
    expect(await get(PORT, '/healthz/')).toEqual({ status: 200, body: 'ok' });
    const missing = await get(PORT, '/no-such-page/');
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain('DEBUG = True');
  });
});

describeEngine('a Heroku-style repository (Procfile) on a real Docker engine', () => {
  const PORT = 18103;
  const source = tempDir('procfile-src-');
  let state: ApplyResult | undefined;
  let image: WsgiImage;

  beforeAll(async () => {
    prepareEngine();
    fs.cpSync(path.join(APPS, 'probe'), source, { recursive: true });
    // The project's own gunicorn config: a hook that records what gunicorn really runs with.
    fs.writeFileSync(path.join(source, 'gunicorn.conf.py'), [
      'import json',
      '',
      'loglevel = "warning"',
      '',
      'def when_ready(server):',
      '    with open("/tmp/effective.json", "w") as f:',
      '        json.dump({"workers": server.cfg.workers, "timeout": server.cfg.timeout, "worker_class": server.cfg.worker_class_str,',
      '                   "max_requests": server.cfg.max_requests, "loglevel": server.cfg.loglevel}, f)',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(source, 'Procfile'), [
      'release: python3 -c "print(\'release from the Procfile\')"',
      'web: gunicorn manager:app --workers 3 --worker-class sync --timeout 120 --bind 0.0.0.0:$PORT --log-file -',
      '',
    ].join('\n'));
    const outdir = tempDir('procfile-out-');
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, 'procfile');
    addDockerProvider(stack);
    // No entrypoint and no gunicorn settings: the Procfile states them.
    image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, source });
    new WsgiContainer(stack, 'Web', {
      labels: TEST_LABELS,
      image,
      publish: [{ hostPort: PORT }],
      healthCheck: HealthCheck.http('/api/ok', PROMPT_CHECK),
      releaseCommand: ReleaseCommand.fromProcfile(),
      // gunicorn reads this after the config file, as it does anywhere.
      environment: { GUNICORN_CMD_ARGS: '--max-requests 77' },
    });
    app.synth();
    state = await applyStack(path.join(outdir, 'stacks', 'procfile'));
  }, 600_000);

  afterAll(async () => {
    if (state) await destroyStack(state);
  }, 120_000);

  test('serves the Procfile\'s app spec with its settings, the project\'s gunicorn.conf.py hook and GUNICORN_CMD_ARGS, live', async () => {
    expect(image.entrypoint).toBe('manager:app');
    expect(await get(PORT, '/api/ok')).toEqual({ status: 200, body: 'ok' });
    const id = byName(state!, 'procfile-web').attrs.id;
    const top = await docker.getContainer(id).top({ ps_args: '-o pid,ppid,args' } as any) as any;
    const procs = (top.Processes as string[][]).map(([pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args }));
    // The master is the container's PID 1 (a parentless process in the list may be a health-check probe).
    const master = (await docker.getContainer(id).inspect()).State.Pid;
    expect(procs.filter(p => p.ppid === master)).toHaveLength(3);
    // What gunicorn itself runs with, written by the project's own when_ready hook: the Procfile's
    // workers, timeout and worker class, the project file's loglevel, and GUNICORN_CMD_ARGS.
    const effective = JSON.parse(await execIn(id, ['cat', '/tmp/effective.json']));
    expect(effective).toEqual({ workers: 3, timeout: 120, worker_class: 'sync', max_requests: 77, loglevel: 'warning' });
  });

  test('the release: line ran before the app, through ReleaseCommand.fromProcfile()', () => {
    const release = byName(state!, 'procfile-web-release');
    expect(release.attrs.exit_code).toBe(0);
    expect(release.attrs.container_logs).toContain('release from the Procfile');
  });
});
