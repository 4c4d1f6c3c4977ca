import { Duration, ReleaseCommand, WorkerClass, WsgiContainer, WsgiImage, WsgiImageProps } from '../src';
import { containers, FLASK_APP, locatedError, newStack, warnings, writeSource } from './util';
import { gunicornArguments, mapGunicornArguments, parseProcfile, shellWords } from '../src/private/python/procfile';

function image(procfile: string | undefined, props: Partial<WsgiImageProps> = {}, files: Record<string, string> = {}) {
  const { app, stack } = newStack();
  const source = writeSource({ ...FLASK_APP, 'wsgi.py': 'from app import app\n', ...(procfile === undefined ? {} : { Procfile: procfile }), ...files });
  const img = new WsgiImage(stack, 'Image', { source, ...props });
  const infos = stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/info').map(m => String(m.data)));
  return { app, stack, img, infos };
}

/** The settings the generated gunicorn.conf.py states, as text lines. */
const config = (img: WsgiImage) => img.gunicornConfig.split('\n');

describe('Procfile parsing', () => {
  test('shell words: quotes, escapes and $PORT kept as written, comments dropped', () => {
    expect(shellWords('gunicorn "wsgi:app" --bind 0.0.0.0:$PORT --forwarded-allow-ips \'10.0.0.1,10.0.0.2\' --log-file - # note'))
      .toEqual(['gunicorn', 'wsgi:app', '--bind', '0.0.0.0:$PORT', '--forwarded-allow-ips', '10.0.0.1,10.0.0.2', '--log-file', '-']);
    expect(shellWords('gunicorn app\\ x:app')).toEqual(['gunicorn', 'app x:app']);
  });

  test('shell operators are refused: the image runs one program', () => {
    const fix = 'Fix: keep a single gunicorn command in the web: line, or run the extra steps in the app or a release command';
    expect(locatedError(() => shellWords('python manage.py migrate && gunicorn wsgi:app'))).toBe(
      `python manage.py migrate && gunicorn wsgi:app uses the shell operator &&, but the image runs one program, not a shell line. ${fix}`);
    expect(locatedError(() => shellWords('gunicorn wsgi:app > /tmp/log'))).toBe(
      `gunicorn wsgi:app > /tmp/log uses the shell operator >, but the image runs one program, not a shell line. ${fix}`);
  });

  test('web and release lines, other processes ignored', () => {
    const p = parseProcfile('release: python manage.py migrate --noinput\nworker: celery -A proj worker\nweb: gunicorn wsgi:app --workers 3\n');
    expect(p.web).toEqual({ line: 3, command: 'gunicorn wsgi:app --workers 3', argv: ['gunicorn', 'wsgi:app', '--workers', '3'] });
    expect(p.release?.argv).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
  });

  test('gunicorn as a program or a module; anything else is not gunicorn', () => {
    expect(gunicornArguments(['gunicorn', 'a:b'])).toEqual(['a:b']);
    expect(gunicornArguments(['python3', '-m', 'gunicorn', 'a:b'])).toEqual(['a:b']);
    expect(gunicornArguments(['.venv/bin/gunicorn', 'a:b'])).toEqual(['a:b']);
    expect(gunicornArguments(['uwsgi', '--http', ':8000'])).toBeUndefined();
    expect(gunicornArguments(['python', 'app.py'])).toBeUndefined();
  });

  test('every supported flag maps, in short, long and --flag=value forms', () => {
    expect(mapGunicornArguments(['wsgi:app', '-w', '3', '--threads=2', '-k', 'gthread', '-t', '120', '--graceful-timeout', '20', '--keep-alive', '2',
      '--max-requests', '1000', '--max-requests-jitter=50', '--forwarded-allow-ips', '10.0.0.1, 10.0.0.2', '--access-logfile', '-', '--preload',
      '--bind', '0.0.0.0:5000', '--chdir', 'src/', '--log-file', '-'])).toEqual({
      server: 'gunicorn',
      entrypoint: 'wsgi:app',
      workers: 3,
      threads: 2,
      workerClass: 'gthread',
      timeoutSeconds: 120,
      gracefulTimeoutSeconds: 20,
      keepAliveSeconds: 2,
      maxRequests: 1000,
      maxRequestsJitter: 50,
      forwardedAllowIps: ['10.0.0.1', '10.0.0.2'],
      accessLog: true,
      preload: true,
      port: 5000,
      importRoot: 'src',
      stated: ['entrypoint wsgi:app', 'workers 3', 'threads 2', 'worker class gthread', 'timeout 120 s', 'graceful timeout 20 s', 'keep-alive 2 s', 'max requests 1000',
        'max requests jitter 50', 'forwarded-allow-ips 10.0.0.1,10.0.0.2', 'access log', 'preload', 'port 5000', 'import root src'],
    });
  });

  test('$PORT in --bind keeps the image port (the Heroku convention)', () => {
    const mapped = mapGunicornArguments(['wsgi:app', '--bind', '0.0.0.0:$PORT']);
    expect(mapped.bindsPortVariable).toBe(true);
    expect(mapped.port).toBeUndefined();
    expect(mapGunicornArguments(['wsgi:app', '-b', ':${PORT}'])).toMatchObject({ bindsPortVariable: true });
  });

  test.each([
    [['--log-level', 'debug'], '--log-level is a gunicorn flag the image cannot take from the Procfile. Fix: set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile'],
    [['--workers', 'three'], '--workers three is not a whole number of at least 1. Fix: give --workers a number, or set it with the construct\'s `gunicorn` settings'],
    [['--timeout'], '--timeout has no value. Fix: give --timeout a value, or remove it'],
    [['--access-logfile', '/var/log/access.log'], '--access-logfile /var/log/access.log writes the access log to a file, but the container logs to stdout. Fix: use --access-logfile - (the access log on stdout), or remove it'],
    [['--log-file', '/tmp/g.log'], '--log-file /tmp/g.log writes the error log to a file, but the container logs to stderr. Fix: use --log-file - or remove it'],
    [['--bind', 'unix:/tmp/g.sock'], '--bind unix:/tmp/g.sock is not a HOST:PORT the image can bind (the container binds 0.0.0.0 on one port). Fix: use --bind 0.0.0.0:$PORT or a port number, or set `port`'],
    [['--pythonpath', 'a,b'], '--pythonpath a,b is not one directory relative to the app. Fix: set `importRoot` (and `localPackages` for more directories)'],
    [['a:app', 'b:app'], 'a:app b:app names more than one app. Fix: give the server one app spec, module:callable'],
  ])('refused: %j', (args, message) => {
    expect(locatedError(() => mapGunicornArguments(args as string[]))).toBe(message);
  });
});

describe('WsgiImage reads the Procfile', () => {
  test('a Heroku-style web line: the entrypoint and every setting come from it, and the synth report names them', () => {
    const { img, infos } = image('web: gunicorn wsgi:app --workers 3 --timeout 120 --bind 0.0.0.0:$PORT --log-file -\n');
    expect(img.entrypoint).toBe('wsgi:app');
    expect(img.port).toBe(8000);
    expect(config(img)).toEqual(expect.arrayContaining(['wsgi_app = "wsgi:app"', 'workers = 3', 'timeout = 120', 'bind = ["0.0.0.0:8000"]']));
    expect(infos).toContain('entrypoint from the Procfile: wsgi:app (web: line 1)');
    expect(infos).toContain("from the Procfile (web: line 1): entrypoint wsgi:app, workers 3, timeout 120 s; --bind ...:$PORT binds the image's port 8000");
  });

  test('a numeric --bind port becomes the image port, unless `port` says otherwise', () => {
    expect(image('web: gunicorn wsgi:app --bind 0.0.0.0:5000').img.port).toBe(5000);
    expect(image('web: gunicorn wsgi:app --bind 0.0.0.0:5000', { port: 9000 }).img.port).toBe(9000);
  });

  test('explicit props win over the Procfile, with a warning naming both', () => {
    const { img, stack } = image('web: gunicorn wsgi:app -w 3 -k sync -t 120', {
      entrypoint: 'app:app', gunicorn: { workers: 5, workerClass: WorkerClass.SYNC, timeout: Duration.seconds(60) },
    });
    expect(img.entrypoint).toBe('app:app');
    expect(config(img)).toEqual(expect.arrayContaining(['workers = 5', 'worker_class = "sync"', 'timeout = 60']));
    expect(warnings(stack)).toEqual(expect.arrayContaining([
      "the Procfile sets workers to 3, and gunicorn.workers to 5: the construct's value is used",
      "the Procfile sets timeout to 120s, and gunicorn.timeout to 60s: the construct's value is used",
    ]));
    expect(warnings(stack).filter(w => w.includes('workerClass'))).toEqual([]);
  });

  test('procfile: false ignores it', () => {
    const { img } = image('web: gunicorn wsgi:app --workers 3', { procfile: false, entrypoint: 'app:app' });
    expect(img.entrypoint).toBe('app:app');
    expect(config(img)).not.toContain('workers = 3');
  });

  test.each([
    ['uwsgi', 'web: uwsgi --http :8000 --module wsgi:app',
      'test/Image: \'procfile\' "web: uwsgi --http :8000 --module wsgi:app" runs uwsgi, which the image cannot serve the app with (it runs gunicorn, with the uvicorn worker for ASGI apps). '
      + 'Fix: run the app as `gunicorn module:callable` (or `uvicorn module:app` for an ASGI app) in the web: line, or set `procfile: false` and give `entrypoint`'],
    ['daphne', 'web: daphne -b 0.0.0.0 -p $PORT mysite.asgi:application',
      'test/Image: \'procfile\' "web: daphne -b 0.0.0.0 -p $PORT mysite.asgi:application" runs daphne, which the image cannot serve the app with (it runs gunicorn, with the uvicorn worker for ASGI apps). '
      + 'Fix: run the app as `gunicorn module:callable` (or `uvicorn module:app` for an ASGI app) in the web: line, or set `procfile: false` and give `entrypoint`'],
    ['an unmappable flag', 'web: gunicorn wsgi:app --log-level debug',
      'test/Image: \'procfile\' "--log-level" is a gunicorn flag the image cannot take from the Procfile. '
      + 'Fix: set the matching `gunicorn` setting on the construct and remove the flag, or set `procfile: false` to ignore the Procfile'],
    ['--config naming a missing file', 'web: gunicorn wsgi:app --config conf/missing.py',
      'test/Image: \'procfile\' "--config conf/missing.py" names a gunicorn config that is not in the source directory. '
      + 'Fix: give the path of the project\'s config relative to `source`, or remove --config'],
  ])('%s: one clear error', (_name, procfile, message) => {
    expect(() => image(procfile)).toThrow(message);
  });

  test('a release: line is reported, and runs only with ReleaseCommand.fromProcfile()', () => {
    const { stack, img, infos } = image('release: python -m flask --app wsgi db upgrade\nweb: gunicorn wsgi:app\n');
    expect(infos).toContain('the Procfile has a release: line (python -m flask --app wsgi db upgrade); a WsgiContainer runs it before the app only with releaseCommand: ReleaseCommand.fromProcfile()');
    new WsgiContainer(stack, 'Plain', { image: img, containerName: 'plain' });
    new WsgiContainer(stack, 'Web', { image: img, releaseCommand: ReleaseCommand.fromProcfile() });
    const release = Object.entries(containers(stack)).filter(([path]) => path.endsWith('/Release')).map(([, c]) => c);
    expect(release.map(c => c.entrypoint)).toEqual([['python', '-m', 'flask', '--app', 'wsgi', 'db', 'upgrade']]);
  });

  test('ReleaseCommand.fromProcfile() without a release: line fails', () => {
    const { stack, img } = image('web: gunicorn wsgi:app\n');
    expect(() => new WsgiContainer(stack, 'Web', { image: img, releaseCommand: ReleaseCommand.fromProcfile() })).toThrow(
      "test/Web: 'releaseCommand' \"ReleaseCommand.fromProcfile()\" needs a release: line in the Procfile of test/Image, which has none. Fix: add a release: line to the Procfile, or use ReleaseCommand.exec([...])");
  });

  test('preload renders preload_app; unset, the config does not mention it', () => {
    expect(config(image('web: gunicorn wsgi:app --preload').img)).toContain('preload_app = True');
    expect(image(undefined, { entrypoint: 'app:app' }).img.gunicornConfig).not.toContain('preload_app');
  });
});
