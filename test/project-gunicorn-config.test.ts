import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, WorkerClass, WsgiContainer, WsgiImage, WsgiImageProps } from '../src';
import { FLASK_APP, newStack, warnings, writeSource } from './util';

function image(files: Record<string, string>, props: Partial<WsgiImageProps> = {}) {
  const { stack } = newStack();
  const source = writeSource({ ...FLASK_APP, ...files });
  const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'app:app', ...props });
  const infos = stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/info').map(m => String(m.data)));
  return { stack, img, source, infos };
}

/**
 * Runs the generated config the way gunicorn does (exec in a fresh namespace), with the image's
 * /app standing for the source directory; then calls post_worker_init on a stand-in worker.
 * Returns the settings and what the hooks did.
 */
function load(img: WsgiImage, source: string): Record<string, any> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gconf-project-'));
  const config = path.join(dir, 'gunicorn.conf.py');
  fs.writeFileSync(config, img.gunicornConfig.split('"/app/').join(`"${source}/`));
  const out = execFileSync('python3', ['-c', [
    'import json, sys',
    'ns = {"__file__": sys.argv[1]}',
    'exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)',
    'class Worker: pass',
    'calls = []',
    'import builtins; builtins.HOOK_CALLS = calls',
    'ns["post_worker_init"](Worker())',
    'keys = ("workers", "threads", "worker_class", "timeout", "graceful_timeout", "keepalive", "bind", "wsgi_app", "accesslog", "errorlog", "loglevel", "worker_tmp_dir", "preload_app")',
    'print(json.dumps({**{k: ns[k] for k in keys if k in ns}, "hooks": sorted(k for k in ns if k in ("post_fork", "when_ready", "post_worker_init")), "calls": calls}))',
  ].join('\n'), config], { encoding: 'utf-8', env: { PATH: process.env.PATH!, WEB_CONCURRENCY: '2' } });
  return JSON.parse(out);
}

const PROJECT_CONFIG = [
  'import builtins',
  'timeout = 120',
  'keepalive = 2',
  'loglevel = "warning"',
  '',
  'def post_fork(server, worker):',
  '    pass',
  '',
  'def post_worker_init(worker):',
  '    builtins.HOOK_CALLS.append("project post_worker_init")',
  '',
].join('\n');

describe("the project's own gunicorn.conf.py", () => {
  test('loaded first: its settings stand where the construct is silent, its hooks run beside ours, the image keeps bind and logs', () => {
    const { img, source, infos, stack } = image({ 'gunicorn.conf.py': PROJECT_CONFIG });
    const loaded = load(img, source);
    expect(loaded).toMatchObject({
      timeout: 120,
      keepalive: 2,
      loglevel: 'warning', // the project's
      workers: 2,
      threads: 4,
      worker_class: 'gthread',
      graceful_timeout: 30, // the library's defaults, where the project is silent
      bind: ['0.0.0.0:8000'],
      wsgi_app: 'app:app',
      errorlog: '-',
      worker_tmp_dir: '/dev/shm',
      accesslog: null, // the image's
      hooks: ['post_fork', 'post_worker_init'],
      calls: ['project post_worker_init'],
    });
    expect(infos).toContain('gunicorn loads gunicorn.conf.py first: its settings and hooks stand where the construct states nothing');
    expect(warnings(stack)).toEqual([]);
  });

  test('an explicit construct setting wins over a different literal in the file, with a warning naming both', () => {
    const { img, source, stack } = image({ 'gunicorn.conf.py': PROJECT_CONFIG }, { gunicorn: { timeout: Duration.seconds(60), workers: 3 } });
    expect(load(img, source)).toMatchObject({ timeout: 60, workers: 3, keepalive: 2 });
    expect(warnings(stack)).toEqual(["gunicorn.conf.py sets timeout = 120, and the construct states 60: the construct's value is used"]);
  });

  test('every setting the construct states is named as gunicorn names it, and compared as the Python literal the file holds', () => {
    const file = ['workers = 9', 'threads = 9', 'worker_class = "gevent"', 'timeout = 9', 'graceful_timeout = 9', 'keepalive = 9',
      'max_requests = 9', 'max_requests_jitter = 9', 'forwarded_allow_ips = "10.0.0.9"', 'accesslog = None', 'preload_app = False'].join('\n');
    const { stack, infos } = image({ 'gunicorn.conf.py': `${file}\n` }, {
      gunicorn: {
        workers: 2,
        threads: 3,
        workerClass: WorkerClass.GTHREAD,
        timeout: Duration.seconds(40),
        gracefulTimeout: Duration.seconds(20),
        keepAlive: Duration.seconds(4),
        maxRequests: 500,
        maxRequestsJitter: 50,
        forwardedAllowIps: ['10.0.0.0/8', '127.0.0.1'],
        accessLog: true,
        preload: true,
      },
    });
    expect(warnings(stack)).toEqual([
      ['workers', '9', '2'], ['threads', '9', '3'], ['worker_class', '"gevent"', '"gthread"'], ['timeout', '9', '40'], ['graceful_timeout', '9', '20'],
      ['keepalive', '9', '4'], ['max_requests', '9', '500'], ['max_requests_jitter', '9', '50'], ['forwarded_allow_ips', '"10.0.0.9"', '"10.0.0.0/8,127.0.0.1"'],
      ['accesslog', 'None', '"-"'], ['preload_app', 'False', 'True'],
    ].map(([name, theirs, ours]) => `gunicorn.conf.py sets ${name} = ${theirs}, and the construct states ${ours}: the construct's value is used`));
    expect(infos).toContain('gunicorn loads gunicorn.conf.py first: its settings and hooks stand where the construct states nothing (stated by the construct: '
      + 'workers, threads, worker_class, timeout, graceful_timeout, keepalive, max_requests, max_requests_jitter, forwarded_allow_ips, accesslog, preload_app)');
  });

  test('a sync worker class in the file keeps one thread (gunicorn would turn sync into gthread otherwise)', () => {
    const { img, source } = image({ 'gunicorn.conf.py': 'worker_class = "sync"\n' });
    expect(load(img, source)).toMatchObject({ worker_class: 'sync', threads: 1 });
  });

  test("the file's literal graceful_timeout decides the container's stop timeout; a computed one warns", () => {
    const { img, stack } = image({ 'gunicorn.conf.py': 'graceful_timeout = 10\n' });
    expect(img.gracefulTimeout.toSeconds()).toBe(10);
    expect(new WsgiContainer(stack, 'Web', { image: img }).stopTimeout.toSeconds()).toBe(15);
    const computed = image({ 'gunicorn.conf.py': 'import os\ngraceful_timeout = int(os.environ.get("G", "10"))\n' });
    expect(computed.img.gracefulTimeout.toSeconds()).toBe(30);
    expect(warnings(computed.stack)).toEqual(["gunicorn.conf.py sets graceful_timeout to a value that cannot be read at synth; the container's stop timeout assumes 30 s. Set gunicorn.gracefulTimeout to state it."]);
  });

  test('projectGunicornConfig: false ignores it, with a note', () => {
    const { img, infos } = image({ 'gunicorn.conf.py': PROJECT_CONFIG }, { projectGunicornConfig: false });
    expect(img.gunicornConfig).not.toContain('_project');
    expect(infos).toContain('gunicorn.conf.py is ignored (projectGunicornConfig: false): the image runs gunicorn with the generated config alone');
  });

  test('left out of the build context by .dockerignore: one clear error', () => {
    expect(() => image({ 'gunicorn.conf.py': PROJECT_CONFIG, '.dockerignore': 'gunicorn.conf.py\n' })).toThrow(
      "test/Image: 'projectGunicornConfig' \"gunicorn.conf.py\" is the project's gunicorn config, but .dockerignore or `exclude` leaves it out of the image. "
      + 'Fix: keep the file in the build context, or set `projectGunicornConfig: false` to ignore it');
  });

  test("a Procfile's --config names the file to load", () => {
    const { img, source } = image({ 'conf/gunicorn.py': 'timeout = 90\n', 'Procfile': 'web: gunicorn app:app --config conf/gunicorn.py --workers 2\n' }, { entrypoint: undefined });
    expect(img.gunicornConfig).toContain('with open("/app/conf/gunicorn.py") as _f:');
    expect(load(img, source)).toMatchObject({ timeout: 90, workers: 2, wsgi_app: 'app:app' });
  });

  test('without a project file the generated config is unchanged', () => {
    expect(image({}).img.gunicornConfig).not.toContain('_project');
  });
});
