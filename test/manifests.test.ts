import * as fs from 'fs';
import * as path from 'path';
import { Dependencies, WsgiImage } from '../src';
import { FLASK_APP, newStack, warnings, writeSource } from './util';
import { translatePipfileLock } from '../src/private/python/manifests/pipfile-lock';
import { translatePoetryLock } from '../src/private/python/manifests/poetry-lock';
import { translatePyproject } from '../src/private/python/manifests/pyproject';
import { detectManifest } from '../src/private/python/manifests/resolve';
import { translateUvLock } from '../src/private/python/manifests/uv-lock';

const LOCKS = path.join(__dirname, 'fixtures', 'locks');
const read = (f: string) => fs.readFileSync(path.join(LOCKS, f), 'utf-8');

/** The requirement names of rendered lines, in order. */
const names = (lines: string[]) => lines.map(l => l.split(/[=@ ;]/)[0]);

describe('poetry.lock (lock-version 2.0, groups from pyproject.toml)', () => {
  const source = writeSource({ 'poetry.lock': read('poetry-1.8.lock'), 'pyproject.toml': read('poetry-1.8.pyproject.toml') });

  test('pins the main group and everything it reaches, and leaves the dev group out', () => {
    const m = translatePoetryLock(source, 'poetry.lock', []);
    expect(names(m.lines)).toEqual(['blinker', 'click', 'colorama', 'flask', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug']);
    expect(m.lines.find(l => l.startsWith('flask'))).toBe('flask==3.0.3 \\\n    --hash=sha256:34e815dfaa43340d1d15a5c3a02b8476004037eb4840b34910c6e21679d288f3 \\\n'
      + '    --hash=sha256:ceb27b0af3823ea2737928a4d99d125a06175b8512c445cbd9a9ce200ef76842');
    expect(m.hashed).toBe(true);
    expect([...m.distributions]).not.toContain('pytest');
    expect(m.requiresPython).toEqual({ value: '^3.11', file: 'pyproject.toml' });
  });

  test('a dependency reached only under a marker keeps that marker', () => {
    const m = translatePoetryLock(source, 'poetry.lock', []);
    expect(m.lines.find(l => l.startsWith('colorama'))).toMatch(/^colorama==0\.4\.6 ; platform_system == "Windows" \\/);
  });

  test('a requested group comes in, with its own graph', () => {
    const m = translatePoetryLock(source, 'poetry.lock', ['dev']);
    expect(names(m.lines)).toEqual(expect.arrayContaining(['pytest', 'iniconfig']));
    // colorama is now reached from two places under two markers.
    expect(m.lines.find(l => l.startsWith('colorama'))).toMatch(/^colorama==0\.4\.6 ; \(platform_system == "Windows"\) or \(sys_platform == "win32"\)/);
  });

  test('poetry 1.1 locks: category per package, hashes under [metadata.files], git sources as direct references', () => {
    const lock = [
      '[[package]]', 'name = "flask"', 'version = "2.0.3"', 'category = "main"', 'optional = false', 'python-versions = ">=3.6"', '',
      '[[package]]', 'name = "internal"', 'version = "1.2.0"', 'category = "main"', 'optional = false', 'python-versions = "*"', '',
      '[package.source]', 'type = "git"', 'url = "https://git.example.com/internal.git"', 'reference = "v1.2.0"', 'resolved_reference = "0123abcd"', '',
      '[[package]]', 'name = "pytest"', 'version = "7.0.1"', 'category = "dev"', 'optional = false', 'python-versions = ">=3.6"', '',
      '[metadata]', 'lock-version = "1.1"', 'python-versions = "^3.9"', 'content-hash = "00"', '',
      '[metadata.files]',
      `flask = [{file = "Flask-2.0.3-py3-none-any.whl", hash = "sha256:${'1'.repeat(64)}"}]`,
      'internal = []',
      `pytest = [{file = "pytest-7.0.1-py3-none-any.whl", hash = "sha256:${'2'.repeat(64)}"}]`,
    ].join('\n');
    const dir = writeSource({ 'poetry.lock': lock, 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.9"\nflask = "^2.0"\n' });
    const m = translatePoetryLock(dir, 'poetry.lock', []);
    expect(m.lines).toEqual(['flask==2.0.3', 'internal @ git+https://git.example.com/internal.git@0123abcd']);
    expect(m.hashed).toBe(false);
    expect(m.notes).toEqual([expect.stringContaining('poetry.lock has no hashes for internal')]);
    expect(names(translatePoetryLock(dir, 'poetry.lock', ['dev']).lines)).toContain('pytest');
  });

  test('poetry 2.1 locks say the group and markers per package', () => {
    const lock = ['[[package]]', 'name = "flask"', 'version = "3.1.0"', 'groups = ["main"]', 'files = []', '',
      '[[package]]', 'name = "colorama"', 'version = "0.4.6"', 'groups = ["main", "dev"]', 'markers = {main = "platform_system == \\"Windows\\"", dev = "sys_platform == \\"win32\\""}', 'files = []', '',
      '[[package]]', 'name = "pytest"', 'version = "8.3.3"', 'groups = ["dev"]', 'files = []', '',
      '[metadata]', 'lock-version = "2.1"'].join('\n');
    const dir = writeSource({ 'poetry.lock': lock, 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["flask"]\nrequires-python = ">=3.12"\n' });
    const m = translatePoetryLock(dir, 'poetry.lock', []);
    expect(m.lines).toEqual(['colorama==0.4.6 ; platform_system == "Windows"', 'flask==3.1.0']);
    expect(m.hashed).toBe(false);
    expect(m.requiresPython).toEqual({ value: '>=3.12', file: 'pyproject.toml' });
  });
});

describe('uv.lock', () => {
  const source = writeSource({ 'uv.lock': read('uv.lock') });

  test('pins the project\'s dependencies and extras of dependencies, with edge markers, and no dev groups', () => {
    const m = translateUvLock(source, 'uv.lock', [], []);
    expect(names(m.lines)).toEqual(['certifi', 'falcon', 'pysocks', 'pywin32', 'requests', 'urllib3']);
    expect(m.lines.find(l => l.startsWith('pywin32'))).toMatch(/^pywin32==306 ; sys_platform == 'win32' \\\n {4}--hash=sha256:37257794/);
    expect(m.lines.find(l => l.startsWith('requests'))).toBe('requests==2.32.3 \\\n'
      + '    --hash=sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760 \\\n'
      + '    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6');
    expect(m.hashed).toBe(true);
    expect(m.requiresPython).toEqual({ value: '>=3.12', file: 'uv.lock' });
    expect([...m.distributions]).not.toEqual(expect.arrayContaining(['pytest']));
    expect([...m.distributions]).not.toContain('notes');
  });

  test('groups and project extras are added on request', () => {
    expect(names(translateUvLock(source, 'uv.lock', ['lint'], []).lines)).toContain('ruff');
    expect(names(translateUvLock(source, 'uv.lock', ['dev', 'lint'], ['certs']).lines)).toEqual(
      ['certifi', 'falcon', 'pysocks', 'pytest', 'pywin32', 'requests', 'ruff', 'urllib3']);
  });

  test('git sources become direct references; local sources are left out with a note', () => {
    const lock = ['version = 1', '[[package]]', 'name = "app"', 'version = "0.1.0"', 'source = { virtual = "." }',
      'dependencies = [{ name = "internal" }, { name = "shared" }]', '',
      '[[package]]', 'name = "internal"', 'version = "1.0.0"', 'source = { git = "https://git.example.com/internal.git?rev=v1#0123456789abcdef" }', '',
      '[[package]]', 'name = "shared"', 'version = "0.1.0"', 'source = { editable = "../libs/shared" }', ''].join('\n');
    const m = translateUvLock(writeSource({ 'uv.lock': lock }), 'uv.lock', [], []);
    expect(m.lines).toEqual(['internal @ git+https://git.example.com/internal.git@0123456789abcdef']);
    expect(m.notes).toEqual([expect.stringContaining('uv.lock lists shared from the local path ../libs/shared')]);
    expect(m.hashed).toBe(false);
  });
});

describe('Pipfile.lock', () => {
  test('installs the default section with markers, extras and hashes; develop stays out', () => {
    const m = translatePipfileLock(writeSource({ 'Pipfile.lock': read('Pipfile.lock') }), 'Pipfile.lock');
    expect(m.lines.map(l => l.split(' \\')[0])).toEqual([
      'bottle==0.12.25',
      'internal-lib @ git+https://git.example.com/team/internal-lib.git@0123456789abcdef0123456789abcdef01234567',
      'psycopg2-binary==2.9.9 ; python_version >= \'3.7\'',
      'requests[socks]==2.32.3',
    ]);
    // One entry without hashes turns hash checking off for all, with a note saying so.
    expect(m.hashed).toBe(false);
    expect(m.notes).toEqual([expect.stringMatching(/Pipfile\.lock has no hashes for internal-lib, so pip installs every package without hash checking/)]);
    expect([...m.distributions].sort()).toEqual(['bottle', 'internal-lib', 'psycopg2-binary', 'requests']);
    expect(m.requiresPython).toEqual({ value: '3.10', file: 'Pipfile.lock' });
  });
});

describe('pyproject.toml (PEP 621)', () => {
  test('passes the dependency ranges to pip, plus requested extras', () => {
    const dir = writeSource({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\ndependencies = ["falcon>=3.1", "requests[socks]>=2 ; python_version < \'3.13\'"]\n[project.optional-dependencies]\nPG = ["psycopg2-binary"]\n' });
    const m = translatePyproject(dir, 'pyproject.toml', ['pg']);
    expect(m.lines).toEqual(['falcon>=3.1', 'requests[socks]>=2 ; python_version < \'3.13\'', 'psycopg2-binary']);
    expect([...m.distributions]).toEqual(['falcon', 'requests', 'psycopg2-binary']);
    expect(m.requiresPython).toEqual({ value: '>=3.10', file: 'pyproject.toml' });
  });
});

describe('detection and the image', () => {
  test.each([
    [{ 'poetry.lock': '', 'requirements.txt': '' }, 'poetry.lock', ['requirements.txt']],
    [{ 'uv.lock': '', 'pyproject.toml': '' }, 'uv.lock', []],
    [{ 'Pipfile.lock': '' }, 'Pipfile.lock', []],
    [{ 'requirements.txt': '', 'pyproject.toml': '[project]\ndependencies = []\n' }, 'requirements.txt', []],
    [{ 'pyproject.toml': '[project]\ndependencies = []\n' }, 'pyproject.toml', []],
  ])('%j is detected as %s', (files, chosen, ignored) => {
    const d = detectManifest(writeSource(files));
    expect(d?.spec.file).toBe(chosen);
    expect(d?.ignored).toEqual(ignored);
  });

  test('a pyproject.toml without [project] dependencies is not a manifest', () => {
    expect(detectManifest(writeSource({ 'pyproject.toml': '[tool.black]\nline-length = 100\n' }))).toBeUndefined();
  });

  test('a lock translates into the generated requirements file; the lock itself is not copied into the dependency layer', () => {
    const { stack } = newStack();
    const source = writeSource({ ...FLASK_APP, 'requirements.txt': 'flask\n', 'uv.lock': read('uv.lock') });
    const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', pythonVersion: '3.12', dependencies: Dependencies.uvLock() });
    expect(img.dockerfile).not.toContain('uv.lock');
    expect(img.dockerfile).toContain('RUN python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/requirements.txt \\\n'
      + '    && python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/gunicorn-requirements.txt\n');
    expect(img.dockerfile).toContain('COPY [".cdktf-wsgi/gunicorn-requirements.txt", "/opt/cdktf-wsgi/gunicorn-requirements.txt"]');
    expect(warnings(stack)).toContainEqual(expect.stringContaining('gunicorn is not in uv.lock; the image adds "gunicorn>=20.1,<27" in a separate pip run without hash checking.'));
  });

  test('several manifests: the lock wins and a warning names the others', () => {
    const { stack } = newStack();
    const source = writeSource({ ...FLASK_APP, 'Pipfile.lock': JSON.stringify({ default: { flask: { version: '==2.2.2' }, gunicorn: { version: '==20.1.0' } } }) });
    const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app' });
    expect(warnings(stack)).toEqual([
      'the source has Pipfile.lock and requirements.txt; the image installs from Pipfile.lock. Set `dependencies` to choose another, or remove the stale file.',
    ]);
    expect(img.dockerfile).not.toContain('app/requirements.txt');
  });

  test('Dependencies.none() installs only gunicorn', () => {
    const { stack } = newStack();
    const source = writeSource({ 'wsgi.py': 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n' });
    const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'wsgi:app', dependencies: Dependencies.none() });
    expect(img.dockerfile).toContain('RUN python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/requirements.txt\n');
    expect(warnings(stack)).toEqual([expect.stringContaining('gunicorn is not in the dependencies; the image adds "gunicorn>=20.1,<27".')]);
  });
});

describe('Dependencies factories: documented defaults', () => {
  test.each([
    [Dependencies.requirementsFile(), { kind: 'requirements', file: 'requirements.txt' }],
    [Dependencies.pyproject(), { kind: 'pyproject', file: 'pyproject.toml', extras: [] }],
    [Dependencies.poetryLock(), { kind: 'poetry', file: 'poetry.lock', groups: [] }],
    [Dependencies.uvLock(), { kind: 'uv', file: 'uv.lock', groups: [], extras: [] }],
    [Dependencies.pipfileLock(), { kind: 'pipfile', file: 'Pipfile.lock' }],
    [Dependencies.none(), { kind: 'none', file: '' }],
  ])('%#', (deps, spec) => {
    expect(deps._spec()).toEqual(spec);
  });
});

describe('hash-checked requirements and the dependency check\'s advice', () => {
  test('a requirements file with --hash and no gunicorn: gunicorn gets its own pip run', () => {
    const { stack } = newStack();
    const source = writeSource({ ...FLASK_APP, 'requirements.txt': `flask==2.2.2 \\\n    --hash=sha256:${'a'.repeat(64)}\n` });
    const img = new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app' });
    expect(img.dockerfile).toContain('&& python3 -m pip install --no-cache-dir -r /opt/cdktf-wsgi/gunicorn-requirements.txt');
    expect(warnings(stack)).toContainEqual(expect.stringContaining('in a separate pip run without hash checking'));
  });

  test.each([
    [{ 'uv.lock': 'version = 1\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n' }, 'pyproject.toml, then run `uv lock`'],
    [{ 'Pipfile.lock': '{"default": {}}' }, 'the Pipfile, then run `pipenv lock`'],
    [{ 'pyproject.toml': '[project]\nname = "x"\ndependencies = []\n' }, 'pyproject.toml ([project] dependencies)'],
    [{ 'requirements.txt': 'gunicorn\n' }, 'requirements.txt'],
  ])('an undeclared import is to be declared where the manifest says: %j', (files, where) => {
    const { stack } = newStack();
    const source = writeSource({ 'web.py': 'import yaml\ndef app(e, s):\n    return []\n', ...files });
    new WsgiImage(stack, 'Image', { source, entrypoint: 'web:app' });
    expect(warnings(stack)).toContainEqual(expect.stringContaining(`most likely needs the distribution "PyYAML". Add it to ${where}, or list "yaml"`));
  });

  test('a PEP 621 project may leave dependencies out', () => {
    const dir = writeSource({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n' });
    expect(translatePyproject(dir, 'pyproject.toml', []).lines).toEqual([]);
  });
});
