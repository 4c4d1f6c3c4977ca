import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { WsgiImage, WsgiImageProps } from '../src';
import { FLASK_APP, newStack, onTestedLine, writeSource } from './util';

/** Synthesizes one stack with a WsgiImage into outdir; returns the image and the stack directory. */
function synth(source: string, outdir: string, props: Partial<WsgiImageProps> = {}) {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, 'site');
  new DockerProvider(stack, 'docker', {});
  onTestedLine(stack);
  const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', ...props });
  app.synth();
  return { img, stackDir: path.join(outdir, 'stacks', 'site') };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below dir, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true } as any) as string[])
    .map(String)
    .filter(f => fs.statSync(path.join(dir, f)).isFile())
    .map(f => f.split(path.sep).join('/'))
    .sort();
}

const JUNK: Record<string, string> = {
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/objects/ab/cdef': 'blob',
  '.venv/pyvenv.cfg': 'home = /usr/bin\n',
  '.venv/lib/python3.11/site-packages/flask/__init__.py': '',
  'env2/pyvenv.cfg': 'home = /usr/bin\n',
  'env2/bin/python': '',
  '__pycache__/manager.cpython-311.pyc': 'x',
  'app/__pycache__/__init__.cpython-311.pyc': 'x',
  'app/stale.pyc': 'x',
  'node_modules/left-pad/index.js': '',
  'cdktf.out/manifest.json': '{}',
  '.env': 'SECRET_KEY=hunter2\n',
  '.env.production': 'SECRET_KEY=hunter3\n',
  'app/.env': 'X=1\n',
  'debug.log': 'log\n',
  'tests/test_app.py': 'def test(): pass\n',
  'notes/draft.md': 'draft\n',
  '.dockerignore': '# local clutter\n*.log\ntests/\n',
};

describe('build context staging', () => {
  test('stages the app, the Dockerfile, the gunicorn config and the requirements, and none of the junk', () => {
    const source = writeSource({ ...FLASK_APP, ...JUNK, 'app/templates/index.html': '<p>hi</p>\n', 'run.sh': '#!/bin/sh\n' });
    fs.chmodSync(path.join(source, 'run.sh'), 0o755);
    const { img, stackDir } = synth(source, tmp('stage-'), { exclude: ['notes/'] });
    const context = path.join(stackDir, img.contextPath);
    expect(listFiles(context)).toEqual([
      '.cdktf-wsgi/gunicorn.conf.py',
      '.cdktf-wsgi/requirements.txt',
      'Dockerfile',
      'app/app/__init__.py',
      'app/app/templates/index.html',
      'app/manager.py',
      'app/requirements.txt',
      'app/run.sh',
    ]);
    expect(fs.readFileSync(path.join(context, 'Dockerfile'), 'utf-8')).toBe(img.dockerfile);
    expect(fs.readFileSync(path.join(context, '.cdktf-wsgi/gunicorn.conf.py'), 'utf-8')).toBe(img.gunicornConfig);
    const mode = (f: string) => (fs.statSync(path.join(context, f)).mode % 0o1000).toString(8);
    expect(mode('app/run.sh')).toBe('755');
    expect(mode('app/manager.py')).toBe('644');
  });

  test('the docker_image points at the staged context with paths relative to the stack directory', () => {
    const source = writeSource();
    const { img, stackDir } = synth(source, tmp('paths-'));
    const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf-8'));
    const [res] = Object.values<any>(tf.resource.docker_image);
    expect(res.build.context).toBe(`assets/Image/${img.fingerprint}`);
    expect(res.build.dockerfile).toBe(`assets/Image/${img.fingerprint}/Dockerfile`);
    expect(res.triggers).toEqual({ fingerprint: img.fingerprint });
    expect(fs.existsSync(path.join(stackDir, res.build.dockerfile))).toBe(true);
  });

  test('ignored directories are pruned without being walked', () => {
    // Walking either directory would fail: one holds a symlink loop, the other a link out of the source.
    const source = writeSource({ ...FLASK_APP, '.dockerignore': 'scratch\n' });
    fs.mkdirSync(path.join(source, 'node_modules'));
    fs.symlinkSync('..', path.join(source, 'node_modules', 'loop'));
    fs.mkdirSync(path.join(source, 'scratch'));
    fs.symlinkSync('/etc', path.join(source, 'scratch', 'etc'));
    expect(() => synth(source, tmp('prune-'))).not.toThrow();
  });

  test('a "!" pattern re-includes a file inside an ignored directory', () => {
    const source = writeSource({ ...FLASK_APP, 'docs/a.md': 'a', 'docs/keep.md': 'k', '.dockerignore': 'docs\n!docs/keep.md\n' });
    const { img, stackDir } = synth(source, tmp('neg-'));
    const files = listFiles(path.join(stackDir, img.contextPath));
    expect(files).toContain('app/docs/keep.md');
    expect(files).not.toContain('app/docs/a.md');
  });

  test('symlinks inside the source are followed (links leaving it and loops are errors: see the validation table)', () => {
    const inside = writeSource({ ...FLASK_APP, 'shared/config.py': 'X = 1\n' });
    fs.symlinkSync('shared/config.py', path.join(inside, 'config.py'));
    fs.symlinkSync('shared', path.join(inside, 'linked'));
    const { img, stackDir } = synth(inside, tmp('link-'));
    const context = path.join(stackDir, img.contextPath);
    expect(fs.readFileSync(path.join(context, 'app/config.py'), 'utf-8')).toBe('X = 1\n');
    expect(fs.readFileSync(path.join(context, 'app/linked/config.py'), 'utf-8')).toBe('X = 1\n');
    expect(fs.lstatSync(path.join(context, 'app/config.py')).isSymbolicLink()).toBe(false);
  });

  test('re-synthesis replaces the previous context of the same image', () => {
    const source = writeSource();
    const outdir = tmp('resynth-');
    const first = synth(source, outdir);
    fs.writeFileSync(path.join(source, 'manager.py'), 'from app import app  # v2\n');
    const second = synth(source, outdir);
    expect(fs.readdirSync(path.join(second.stackDir, 'assets', 'Image'))).toEqual([second.img.fingerprint]);
    expect(first.img.fingerprint).not.toBe(second.img.fingerprint);
  });
});

describe('fingerprint', () => {
  const base = () => writeSource({ ...FLASK_APP, '.dockerignore': '*.log\n' });
  const fp = (source: string, props: Partial<WsgiImageProps> = {}) => {
    const { stack } = newStack();
    return new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', ...props }).fingerprint;
  };

  test('golden value for a fixed app: any change to the algorithm or the generated files shows here', () => {
    expect(fp(base())).toBe(GOLDEN);
  });

  test('is stable when nothing relevant changes', () => {
    const source = base();
    const before = fp(source);
    fs.writeFileSync(path.join(source, 'debug.log'), 'ignored\n');
    fs.mkdirSync(path.join(source, '__pycache__'));
    fs.writeFileSync(path.join(source, '__pycache__', 'x.pyc'), 'x');
    fs.utimesSync(path.join(source, 'manager.py'), new Date(0), new Date(0));
    expect(fp(source)).toBe(before);
    expect(fp(writeSource({ ...FLASK_APP, '.dockerignore': '*.log\n' }))).toBe(before);
  });

  test.each<[string, (dir: string) => void, Partial<WsgiImageProps>]>([
    ['a .py file is edited', d => fs.appendFileSync(path.join(d, 'app', '__init__.py'), '# edit\n'), {}],
    ['a file is renamed', d => fs.renameSync(path.join(d, 'app', '__init__.py'), path.join(d, 'app', '__init__.py.bak')), {}],
    ['a file is added', d => fs.writeFileSync(path.join(d, 'extra.py'), ''), {}],
    ['a file becomes executable', d => fs.chmodSync(path.join(d, 'manager.py'), 0o755), {}],
    ['the requirements change', d => fs.appendFileSync(path.join(d, 'requirements.txt'), 'requests\n'), {}],
    ['.dockerignore changes what is included', d => fs.writeFileSync(path.join(d, '.dockerignore'), ''), {}],
    ['a build arg changes', () => undefined, { buildArgs: { A: '1' } }],
    ['the platform changes', () => undefined, { platform: 'linux/arm64' }],
    ['the port changes', () => undefined, { port: 9000 }],
    ['the base image changes', () => undefined, { pythonVersion: '3.12' }],
    ['a gunicorn setting changes', () => undefined, { gunicorn: { threads: 2 } }],
  ])('changes when %s', (_what, mutate, props) => {
    const source = base();
    fs.writeFileSync(path.join(source, 'debug.log'), 'x');
    const before = fp(source);
    mutate(source);
    expect(fp(source, props)).not.toBe(before);
  });

  test('does not depend on the image name or tag (they derive from it or are labels only)', () => {
    const source = base();
    expect(fp(source, { repository: 'team/app', imageTag: 'v1' })).toBe(fp(source));
  });
});

describe('determinism', () => {
  /** A self-contained project: the app plus a stack program, copied to a given checkout path. */
  function checkout(dir: string) {
    writeSource({ ...FLASK_APP, ...JUNK }, path.join(dir, 'app'));
    return dir;
  }

  test('the same inputs synthesize byte-identical output from two checkout paths', () => {
    const a = checkout(path.join(tmp('checkout-a-'), 'deep', 'path'));
    const b = checkout(tmp('other-'));
    const outA = path.join(a, 'cdktf.out');
    const outB = path.join(b, 'cdktf.out');
    synth(path.join(a, 'app'), outA);
    synth(path.join(b, 'app'), outB);
    const filesA = listFiles(outA);
    expect(filesA).toEqual(listFiles(outB));
    expect(filesA.length).toBeGreaterThan(5);
    const digest = (root: string) => filesA.map(f => `${f} ${crypto.createHash('sha256').update(fs.readFileSync(path.join(root, f))).digest('hex')}`);
    expect(digest(outA)).toEqual(digest(outB));
    for (const f of filesA) {
      const text = fs.readFileSync(path.join(outA, f), 'utf-8');
      expect(text).not.toContain(a);
      expect(text).not.toContain(b);
    }
  });
});

const GOLDEN = 'f7dd07984f29cb8e3a645e726aa70aa13d7731fbf4b973b007b8f689f2496ce2';
