import * as fs from 'fs';
import * as path from 'path';
import { AppInterface, Dependencies, WorkerClass, WsgiImage } from '../src';
import { locatedError, newStack, warnings, writeSource } from './util';
import { mapAsgiServerArguments, mapServerCommand } from '../src/private/python/procfile';
import { findCallables } from '../src/private/python/reader';
import { exactPin } from '../src/private/python/requirements';

const FASTAPI = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef index():\n    return {"ok": True}\n';

function build(files: Record<string, string>, props: Partial<ConstructorParameters<typeof WsgiImage>[2]> = {}) {
  const { app, stack } = newStack();
  const source = writeSource(files);
  const img = new WsgiImage(stack, 'Image', { source, ...props });
  const infos = stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/info').map(m => String(m.data)));
  const generated = (rel: string) => fs.readFileSync(path.join(app.outdir, 'stacks', 'test', img.contextPath, rel), 'utf-8');
  app.synth();
  return { stack, img, infos, warnings: warnings(stack), generated, source };
}

/** The gunicorn config's worker_class and threads lines. */
const worker = (img: WsgiImage) => img.gunicornConfig.split('\n').filter(l => /^(worker_class|threads) =/.test(l));

describe('ASGI apps are detected like WSGI apps', () => {
  test.each([
    ['FastAPI()', { 'main.py': FASTAPI }, 'main:app', 'FastAPI()'],
    ['fastapi.FastAPI()', { 'api/__init__.py': '', 'api/app.py': 'import fastapi\nservice = fastapi.FastAPI(title="x")\n' }, 'api.app:service', 'FastAPI()'],
    ['Starlette()', { 'web.py': 'from starlette.applications import Starlette\nfrom starlette.routing import Route\napp = Starlette(routes=[])\n' }, 'web:app', 'Starlette()'],
    ['Quart(...)', { 'q.py': 'from quart import Quart\napp = Quart(__name__)\n' }, 'q:app', 'Quart(...)'],
    ['Litestar()', { 'ls.py': 'from litestar import Litestar, get\napp = Litestar(route_handlers=[])\n' }, 'ls:app', 'Litestar()'],
    ['a FastAPI factory', { 'svc.py': 'from fastapi import FastAPI\n\ndef create_app():\n    app = FastAPI()\n    return app\n' }, 'svc:create_app()', 'a factory building FastAPI()'],
    ['Django asgi.py alone', { 'proj/__init__.py': '', 'proj/settings.py': 'DEBUG = False\n', 'proj/asgi.py': 'import os\nfrom django.core.asgi import get_asgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_asgi_application()\n' }, 'proj.asgi:application', 'get_asgi_application()'],
  ])('%s', (_name, files, entrypoint, idiom) => {
    const { img, infos } = build({ 'requirements.txt': 'fastapi\nstarlette\nquart\nlitestar\ndjango\n', ...files });
    expect(img.entrypoint).toBe(entrypoint);
    expect(img.appInterface).toBe(AppInterface.ASGI);
    const file = `${entrypoint.split(':')[0].split('.').join('/')}.py`;
    expect(infos).toContain(`entrypoint detected: ${entrypoint} (${idiom} in ${file})`);
    expect(img.gunicornConfig).toContain(`wsgi_app = "${entrypoint}"`);
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
  });

  test('the reader tells the kinds apart, and a FastAPI( without the import is nothing', () => {
    expect(findCallables(FASTAPI, 'main', 'main.py')).toEqual([{ entrypoint: 'main:app', idiom: 'FastAPI()', kind: 'asgi', file: 'main.py', factory: false }]);
    expect(findCallables('from flask import Flask\napp = Flask(__name__)\n', 'w', 'w.py')[0].kind).toBe('wsgi');
    expect(findCallables('app = FastAPI()\n', 'm', 'm.py')).toEqual([]);
    expect(findCallables('from fastapi import FastAPI as API\napi = API()\n', 'm', 'm.py')).toEqual([{ entrypoint: 'm:api', idiom: 'FastAPI()', kind: 'asgi', file: 'm.py', factory: false }]);
  });

  test('a WSGI app stays WSGI, on gthread with 4 threads (the documented defaults)', () => {
    const { img } = build({ 'app.py': 'from flask import Flask\napp = Flask(__name__)\n', 'requirements.txt': 'flask\ngunicorn\n' });
    expect(img.appInterface).toBe(AppInterface.WSGI);
    expect(worker(img)).toEqual(['threads = 4', 'worker_class = "gthread"']);
  });

  test('a Django project with wsgi.py and asgi.py is served through WSGI, and the synth says how to switch', () => {
    const django = {
      'requirements.txt': 'django\ngunicorn\n',
      'mysite/__init__.py': '',
      'mysite/settings.py': 'DEBUG = False\n',
      'mysite/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\napplication = get_wsgi_application()\n',
      'mysite/asgi.py': 'import os\nfrom django.core.asgi import get_asgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\napplication = get_asgi_application()\n',
    };
    const wsgi = build(django);
    expect(wsgi.img.entrypoint).toBe('mysite.wsgi:application');
    expect(wsgi.img.appInterface).toBe(AppInterface.WSGI);
    expect(wsgi.infos).toContain('the Django project has mysite/wsgi.py and mysite/asgi.py: it is served through WSGI (mysite.wsgi:application). '
      + 'Set appInterface: AppInterface.ASGI to serve mysite.asgi:application with the uvicorn worker instead.');
    const asgi = build(django, { appInterface: AppInterface.ASGI });
    expect(asgi.img.entrypoint).toBe('mysite.asgi:application');
    expect(asgi.img.appInterface).toBe(AppInterface.ASGI);
    expect(asgi.infos.filter(i => i.startsWith('the Django project'))).toEqual([]);
    expect(() => build(django, { appInterface: AppInterface.ASGI, entrypoint: 'mysite.wsgi:application' })).toThrow(
      'test/Image: \'appInterface\' "AppInterface.ASGI" does not match the entrypoint mysite.wsgi:application, which is get_wsgi_application() in mysite/wsgi.py, a WSGI app. '
      + 'Fix: set `entrypoint` to "mysite.asgi:application", Django\'s ASGI app, or remove appInterface');
  });

  test('an entrypoint the scanner cannot read is WSGI unless told; appInterface or the uvicorn worker says ASGI', () => {
    const files = { 'main.py': 'from factory import build\napp = build()\n', 'factory.py': 'def build():\n    pass\n', 'requirements.txt': 'fastapi\n' };
    expect(build(files, { entrypoint: 'main:app' }).img.appInterface).toBe(AppInterface.WSGI);
    expect(build(files, { entrypoint: 'main:app', appInterface: AppInterface.ASGI }).img.appInterface).toBe(AppInterface.ASGI);
    const byWorker = build(files, { entrypoint: 'main:app', gunicorn: { workerClass: WorkerClass.UVICORN } });
    expect(byWorker.img.appInterface).toBe(AppInterface.ASGI);
    expect(worker(byWorker.img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
  });
});

describe('the uvicorn worker follows the app\'s dependencies', () => {
  test('only fastapi: the image adds uvicorn-worker (which brings uvicorn), says so, and `import uvicorn` is not undeclared', () => {
    const { img, warnings: w, generated } = build({ 'main.py': `import uvicorn\n${FASTAPI}`, 'requirements.txt': 'fastapi\n' });
    expect(generated('.cdktf-wsgi/requirements.txt')).toBe('# Generated by cdktf-wsgi: the app\'s requirements, plus gunicorn and its uvicorn worker when they lack them.\n'
      + '-r /app/requirements.txt\ngunicorn>=20.1,<27\nuvicorn-worker>=0.2,<1\n');
    expect(w).toContain('uvicorn-worker (gunicorn\'s uvicorn worker, which serves the ASGI app) is not in requirements.txt; the image adds "uvicorn-worker>=0.2,<1". '
      + 'Add uvicorn-worker to your dependencies to choose its version yourself.');
    expect(w.filter(x => x.includes('imports "uvicorn"'))).toEqual([]);
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
  });

  test('uvicorn-worker declared: used as it is, nothing added', () => {
    const { img, warnings: w, generated } = build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi==0.115.0\nuvicorn-worker==0.3.0\ngunicorn==23.0.0\n' });
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
    expect(generated('.cdktf-wsgi/requirements.txt')).toBe('# Generated by cdktf-wsgi: the app\'s requirements, plus gunicorn when they lack it.\n-r /app/requirements.txt\n');
    expect(w.filter(x => x.includes('uvicorn'))).toEqual([]);
  });

  test.each([
    ['0.17.6', 'uvicorn.workers.UvicornWorker', []],
    ['0.29.0', 'uvicorn.workers.UvicornWorker', []],
    ['0.30.0', 'uvicorn_worker.UvicornWorker', ['uvicorn-worker>=0.2,<1', 'uvicorn==0.30.0']],
    ['0.55.0', 'uvicorn_worker.UvicornWorker', ['uvicorn-worker>=0.2,<1', 'uvicorn==0.55.0']],
  ])('uvicorn pinned at %s: %s', (version, workerClass, added) => {
    const { img, infos, generated } = build({ 'main.py': FASTAPI, 'requirements.txt': `fastapi\nuvicorn[standard]==${version}\ngunicorn\n` });
    expect(worker(img)).toEqual(['threads = 1', `worker_class = "${workerClass}"`]);
    expect(generated('.cdktf-wsgi/requirements.txt').split('\n').slice(2).filter(l => l !== '')).toEqual(added);
    if (added.length === 0) {
      expect(infos).toContain(`the ASGI app is served by uvicorn.workers.UvicornWorker, which the pinned uvicorn ${version} ships (from 0.30 on it lives in uvicorn-worker)`);
    }
  });

  test('an unpinned uvicorn gets uvicorn-worker, which pip resolves against it', () => {
    const { img, generated } = build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi\nuvicorn>=0.20\n' });
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
    expect(generated('.cdktf-wsgi/requirements.txt')).toContain('gunicorn>=20.1,<27\nuvicorn-worker>=0.2,<1\n');
  });

  test('a hash-checked lock: the worker and the locked uvicorn go into the separate pip run', () => {
    const lock = {
      _meta: { requires: { python_version: '3.11' } },
      default: {
        fastapi: { version: '==0.110.0', hashes: ['sha256:aa'] },
        uvicorn: { version: '==0.32.0', hashes: ['sha256:bb'] },
      },
      develop: {},
    };
    const { img, generated } = build({ 'main.py': FASTAPI, 'Pipfile.lock': JSON.stringify(lock) });
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn_worker.UvicornWorker"']);
    expect(generated('.cdktf-wsgi/gunicorn-requirements.txt')).toBe('gunicorn>=20.1,<27\nuvicorn-worker>=0.2,<1\nuvicorn==0.32.0\n');
    expect(img.dockerfile).toContain('python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/gunicorn-requirements.txt');
    expect(generated('.cdktf-wsgi/requirements.txt')).not.toContain('uvicorn-worker');
  });

  test('a custom ASGI worker is used as written, and adds nothing', () => {
    const { img, generated } = build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi\nuvicorn==0.35.0\ngunicorn\n' },
      { gunicorn: { workerClass: WorkerClass.custom('uvicorn.workers.UvicornH11Worker') } });
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn.workers.UvicornH11Worker"']);
    expect(generated('.cdktf-wsgi/requirements.txt')).toBe('# Generated by cdktf-wsgi: the app\'s requirements, plus gunicorn when they lack it.\n-r /app/requirements.txt\n');
  });

  test('exact pins are read from requirement lines, with extras, markers and hashes; ranges are not pins', () => {
    expect(exactPin('uvicorn==0.17.6')).toEqual(['uvicorn', '0.17.6']);
    expect(exactPin('Uvicorn[standard] == 0.30.1 ; python_version >= "3.8" \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd')).toEqual(['uvicorn', '0.30.1']);
    expect(exactPin('uvicorn>=0.20')).toBeUndefined();
    expect(exactPin('uvicorn==0.*')).toBeUndefined();
    expect(exactPin('uvicorn @ git+https://example.invalid/uvicorn')).toBeUndefined();
  });

  test('a lock\'s version decides like a pin', () => {
    const lock = { _meta: {}, default: { fastapi: { version: '==0.92.0' }, uvicorn: { version: '==0.17.6' }, gunicorn: { version: '==20.1.0' } }, develop: {} };
    const { img, generated } = build({ 'main.py': FASTAPI, 'Pipfile.lock': JSON.stringify(lock) });
    expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn.workers.UvicornWorker"']);
    expect(generated('.cdktf-wsgi/requirements.txt')).not.toContain('uvicorn-worker');
  });

  test('Dependencies.none(): the image adds gunicorn and uvicorn-worker', () => {
    const { generated } = build({ 'main.py': FASTAPI }, { dependencies: Dependencies.none(), allowUndeclaredImports: ['fastapi'] });
    expect(generated('.cdktf-wsgi/requirements.txt').split('\n').slice(1)).toEqual(['gunicorn>=20.1,<27', 'uvicorn-worker>=0.2,<1', '']);
  });
});

describe('Procfile web: lines that run uvicorn or hypercorn', () => {
  test('uvicorn: every mapped flag, and the app is served with gunicorn and the uvicorn worker', () => {
    expect(mapServerCommand(['uvicorn', 'main:create', '--factory', '--host', '0.0.0.0', '--port', '$PORT', '--workers', '3', '--app-dir', 'src',
      '--proxy-headers', '--forwarded-allow-ips', '10.0.0.1', '--timeout-keep-alive', '7', '--timeout-graceful-shutdown', '20',
      '--limit-max-requests', '500', '--no-access-log', '--lifespan', 'on', '--log-level', 'info'])).toEqual({
      server: 'uvicorn',
      entrypoint: 'main:create()',
      bindsPortVariable: true,
      workers: 3,
      importRoot: 'src',
      forwardedAllowIps: ['10.0.0.1'],
      keepAliveSeconds: 7,
      gracefulTimeoutSeconds: 20,
      maxRequests: 500,
      accessLog: false,
      stated: ['entrypoint main:create() (--factory)', 'workers 3', 'import root src', 'forwarded-allow-ips 10.0.0.1', 'keep-alive 7 s', 'graceful timeout 20 s',
        'max requests 500', 'no access log', 'ASGI app (served with gunicorn and the uvicorn worker)'],
    });
    expect(mapServerCommand(['python', '-m', 'uvicorn', 'main:app', '--port=9000'])).toMatchObject({ server: 'uvicorn', entrypoint: 'main:app', port: 9000 });
  });

  test('hypercorn: every mapped flag', () => {
    expect(mapServerCommand(['hypercorn', 'main:app', '-b', '0.0.0.0:$PORT', '-w', '2', '-k', 'uvloop', '--keep-alive', '4', '--graceful-timeout', '9',
      '--max-requests', '100', '--access-logfile', '-', '--error-logfile', '-'])).toEqual({
      server: 'hypercorn',
      entrypoint: 'main:app',
      bindsPortVariable: true,
      workers: 2,
      keepAliveSeconds: 4,
      gracefulTimeoutSeconds: 9,
      maxRequests: 100,
      accessLog: true,
      stated: ['entrypoint main:app', 'workers 2', 'keep-alive 4 s', 'graceful timeout 9 s', 'max requests 100', 'access log', 'ASGI app (served with gunicorn and the uvicorn worker)'],
    });
  });

  test.each([
    ['uvicorn', ['--reload'], '--reload reloads the app when its files change, which is for development: the image runs the code it was built with. Fix: remove --reload from the web: line'],
    ['uvicorn', ['--log-level', 'debug'], '--log-level debug is not the level the image logs at (info). Fix: remove --log-level'],
    ['uvicorn', ['--lifespan', 'off'], '--lifespan off turns lifespan off, but the image runs the app\'s startup and shutdown handlers (lifespan auto). Fix: remove --lifespan off'],
    ['uvicorn', ['--uds', '/tmp/s'], '--uds listens somewhere other than a TCP port, but the container serves one port. Fix: remove --uds, and use --port $PORT'],
    ['uvicorn', ['--interface', 'wsgi'], '--interface wsgi serves a WSGI app through uvicorn; the image serves WSGI apps with gunicorn\'s own workers. Fix: run the app with gunicorn in the web: line'],
    ['uvicorn', ['--port', 'eighty'], '--port eighty is not a port number or $PORT. Fix: use --port $PORT or a port number, or set `port`'],
    ['uvicorn', ['--root-path', '/api'], '--root-path is a uvicorn flag the image cannot take from the Procfile (the image serves the app with gunicorn and the uvicorn worker). Fix: set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile'],
    ['hypercorn', ['-k', 'trio'], '-k trio runs the app on trio, but the image runs ASGI apps on uvicorn\'s asyncio loop. Fix: remove -k trio, or set `procfile: false` and choose a worker class with gunicorn.workerClass'],
    ['hypercorn', ['--config', 'h.toml'], '--config names a hypercorn config, which gunicorn cannot read. Fix: state its settings with the construct\'s `gunicorn` settings, and remove --config'],
    ['hypercorn', ['--access-logfile', 'a.log'], '--access-logfile writes a log to the file a.log, but the container logs to stdout and stderr. Fix: use --access-logfile - or remove it'],
    ['hypercorn', ['a:app', 'b:app'], 'a:app b:app names more than one app. Fix: give the server one app spec, module:callable'],
  ] as const)('%s %j is refused', (server, args, message) => {
    expect(locatedError(() => mapAsgiServerArguments(server, [...args]))).toBe(message);
  });

  test('a uvicorn web: line: entrypoint, settings and ASGI from the Procfile, reported at synth', () => {
    const { img, infos } = build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi\n', 'Procfile': 'web: uvicorn main:app --host 0.0.0.0 --port $PORT --workers 2\n' });
    expect(img.entrypoint).toBe('main:app');
    expect(img.appInterface).toBe(AppInterface.ASGI);
    expect(img.gunicornConfig).toContain('workers = 2');
    expect(infos).toContain('from the Procfile (web: line 1): entrypoint main:app, workers 2, ASGI app (served with gunicorn and the uvicorn worker); --port $PORT binds the image\'s port 8000');
  });

  test('a uvicorn line naming a Flask app serves it with gunicorn\'s WSGI workers, and says so', () => {
    const { img, infos } = build({ 'web.py': 'from flask import Flask\napp = Flask(__name__)\n', 'requirements.txt': 'flask\n', 'Procfile': 'web: uvicorn web:app --port 8000\n' });
    expect(img.appInterface).toBe(AppInterface.WSGI);
    expect(worker(img)).toEqual(['threads = 4', 'worker_class = "gthread"']);
    expect(infos).toContain('the Procfile\'s web: line runs uvicorn, an ASGI server, but web:app is Flask(...) in web.py, a WSGI app: the image serves it with gunicorn\'s WSGI workers');
  });

  test('gunicorn -k with either home of uvicorn\'s worker means WorkerClass.UVICORN, resolved by the dependencies', () => {
    for (const k of ['uvicorn.workers.UvicornWorker', 'uvicorn_worker.UvicornWorker']) {
      const { img } = build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi\nuvicorn==0.17.6\n', 'Procfile': `web: gunicorn main:app -k ${k}\n` });
      expect(worker(img)).toEqual(['threads = 1', 'worker_class = "uvicorn.workers.UvicornWorker"']);
    }
    expect(() => build({ 'main.py': FASTAPI, 'requirements.txt': 'fastapi\n', 'Procfile': 'web: gunicorn main:app -k sync\n' })).toThrow(
      'test/Image: \'procfile\' "sync" is a WSGI worker, but main:app is an ASGI app (FastAPI() in main.py). Fix: use WorkerClass.UVICORN (the default for ASGI apps), or leave workerClass unset');
  });
});
