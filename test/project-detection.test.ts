import * as fs from 'fs';
import * as path from 'path';
import { TerraformVariable } from 'cdktf';
import { Dependencies, WsgiContainer, WsgiImage } from '../src';
import { DJANGO, FLASK_APP, image, newStack, warnings, writeSource } from './util';
import { choosePythonVersion, satisfiesAnyPatch } from '../src/private/python/python-version';
import { findCallables, findImports, moduleLevelNames } from '../src/private/python/reader';

describe('entrypoint detection', () => {
  test.each([
    ['Flask assignment', { 'web.py': 'from flask import Flask\napp = Flask(__name__)\n' }, 'web:app', 'Flask(...)'],
    ['flask module attribute', { 'web.py': 'import flask\nserver = flask.Flask("x")\n' }, 'web:server', 'Flask(...)'],
    ['Django wsgi.py', { 'proj/__init__.py': '', 'proj/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_wsgi_application()\n', 'proj/settings.py': 'DEBUG = False\n' }, 'proj.wsgi:application', 'get_wsgi_application()'],
    ['falcon.App()', { 'api.py': 'import falcon\napi = falcon.App(cors_enable=True)\n' }, 'api:api', 'falcon.App()'],
    ['from falcon import App', { 'api.py': 'from falcon import App as FalconApp\napp = FalconApp()\n' }, 'api:app', 'falcon.App()'],
    ['bottle.default_app()', { 'svc.py': 'import bottle\napplication = bottle.default_app()\n' }, 'svc:application', 'bottle.default_app()'],
    ['Bottle()', { 'svc.py': 'from bottle import Bottle\napp = Bottle()\n' }, 'svc:app', 'Bottle()'],
    ['Pyramid inside with Configurator', { 'hello.py': 'from pyramid.config import Configurator\nwith Configurator() as config:\n    config.add_route("a", "/")\n    app = config.make_wsgi_app()\n' }, 'hello:app', 'config.make_wsgi_app()'],
    ['factory', { 'shop/__init__.py': 'from flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n' }, 'shop:create_app()', 'a factory building Flask(...)'],
    ['Pyramid factory without arguments', { 'site.py': 'from pyramid.config import Configurator\n\ndef make_app():\n    with Configurator() as config:\n        return config.make_wsgi_app()\n' }, 'site:make_app()', 'a factory building config.make_wsgi_app()'],
    ['src layout', { 'src/notes/__init__.py': '', 'src/notes/api.py': 'import falcon\napp = falcon.App()\n' }, 'notes.api:app', 'falcon.App()'],
  ])('%s', (_name, files, entrypoint, idiom) => {
    const { img, infos } = image({ 'requirements.txt': 'flask\nfalcon\nbottle\npyramid\ndjango\ngunicorn\n', ...files });
    expect(img.entrypoint).toBe(entrypoint);
    expect(infos).toEqual([expect.stringMatching(new RegExp(`^entrypoint detected: ${entrypoint.replace(/[.()]/g, c => `\\${c}`)} \\(${idiom.replace(/[.()]/g, c => `\\${c}`)} in `))]);
    expect(img.gunicornConfig).toContain(`wsgi_app = "${entrypoint}"`);
  });

  test.each([
    ['a string that mentions Flask(', 'x = "app = Flask(__name__)"\n'],
    ['a comment', '# app = Flask(__name__)\n'],
    ['__main__ block', 'from flask import Flask\nif __name__ == "__main__":\n    app = Flask(__name__)\n'],
    ['a factory that needs arguments', 'from flask import Flask\ndef build(config):\n    return Flask(__name__)\n'],
    ['a Flask( without importing flask', 'app = Flask(__name__)\n'],
    ['a method', 'from flask import Flask\nclass X:\n    def create_app(self=None):\n        return Flask(__name__)\n'],
  ])('not a candidate: %s', (_name, text) => {
    expect(findCallables(text, 'm', 'm.py')).toEqual([]);
  });

  test('a module-level app makes factories in the same module helpers; tests are never scanned', () => {
    const { img } = image({ 'requirements.txt': 'flask\n', 'app.py': 'from flask import Flask\ndef create_app():\n    return Flask(__name__)\napp = Flask(__name__)\n', 'tests/test_app.py': 'from flask import Flask\nfake = Flask("t")\n' });
    expect(img.entrypoint).toBe('app:app');
  });

  test('detection is independent of file order and deterministic', () => {
    const files = { 'requirements.txt': 'flask\n', 'b.py': 'x = 1\n', 'a/__init__.py': '', 'a/z.py': 'from flask import Flask\napp = Flask(__name__)\n' };
    expect(image(files).img.entrypoint).toBe('a.z:app');
    expect(image(files).img.fingerprint).toBe(image(files).img.fingerprint);
  });
});

describe('import roots and local packages', () => {
  test('a src layout puts src on PYTHONPATH; an explicit importRoot wins', () => {
    const files = { 'requirements.txt': 'falcon\n', 'src/notes/__init__.py': '', 'src/notes/api.py': 'import falcon\napp = falcon.App()\n' };
    expect(image(files).img.dockerfile).toContain('ENV PYTHONPATH="/app/src"\n');
    const flat = image({ ...files, 'src/__init__.py': '', 'wsgi.py': 'from src.notes.api import app\n' }, { entrypoint: 'wsgi:app' });
    expect(flat.img.dockerfile).not.toContain('PYTHONPATH');
    const explicit = image({ ...files, 'service/web.py': 'import falcon\napp = falcon.App()\n' }, { importRoot: 'service' });
    expect(explicit.img.entrypoint).toBe('web:app');
    expect(explicit.img.dockerfile).toContain('ENV PYTHONPATH="/app/service"\n');
  });

  test('a local package outside the source is staged under lib/ and importable; its imports are local', () => {
    const { app, stack } = newStack();
    const repo = writeSource({
      'libs/common/__init__.py': 'import yaml\n',
      'libs/common/text.py': 'def f():\n    return 1\n',
      'libs/common/__pycache__/x.pyc': 'junk',
      'libs/single.py': 'X = 1\n',
      'services/api/api.py': 'from flask import Flask\nimport common\nimport single\napp = Flask(__name__)\n',
      'services/api/requirements.txt': 'flask\nPyYAML\n',
    });
    const img = new WsgiImage(stack, 'Image', { source: path.join(repo, 'services/api'), localPackages: ['../../libs/common', path.join(repo, 'libs/single.py')] });
    expect(img.dockerfile).toContain('ENV PYTHONPATH="/opt/cdktf-wsgi/lib"\n');
    expect(img.dockerfile).toContain('COPY ["lib/", "/opt/cdktf-wsgi/lib/"]\n');
    expect(warnings(stack).filter(w => w.includes('imports'))).toEqual([]);
    app.synth();
    const staged = path.join(app.outdir, 'stacks', 'test', img.contextPath);
    const listed = (fs.readdirSync(path.join(staged, 'lib'), { recursive: true } as any) as string[]).map(String).sort();
    expect(listed).toEqual(['common', 'common/__init__.py', 'common/text.py', 'single.py']);
  });
});

describe('Python version', () => {
  test.each([
    [{ '.python-version': '3.12.4\n' }, {}, 'python:3.12.4-slim', []],
    [{ '.python-version': 'cpython-3.13\n' }, {}, 'python:3.13-slim', []],
    [{ 'runtime.txt': 'python-3.10.14\n' }, {}, 'python:3.10.14-slim', []],
    [{ 'pyproject.toml': '[project]\nrequires-python = ">=3.12"\ndependencies = ["flask"]\n' }, { dependencies: Dependencies.pyproject() }, 'python:3.12-slim', []],
    [{ 'pyproject.toml': '[project]\nrequires-python = ">=3.8,<3.11"\ndependencies = []\n' }, { dependencies: Dependencies.pyproject() }, 'python:3.10-slim', []],
    [{ 'pyproject.toml': '[project]\nrequires-python = ">=3.9"\ndependencies = []\n' }, { dependencies: Dependencies.pyproject() }, 'python:3.11-slim', []],
    [{ '.python-version': '3.12\n', 'runtime.txt': 'python-3.11.9\n' }, {}, 'python:3.12-slim',
      ['Python 3.12 comes from .python-version, but runtime.txt says 3.11.9; the image uses 3.12. Make the sources agree, or set `pythonVersion` to decide.']],
    [{ '.python-version': '3.10\n', 'pyproject.toml': '[project]\nrequires-python = ">=3.11"\ndependencies = []\n' }, { dependencies: Dependencies.pyproject() }, 'python:3.10-slim',
      ['Python 3.10 comes from .python-version, but pyproject.toml (requires-python) says ">=3.11"; the image uses 3.10. Make the sources agree, or set `pythonVersion` to decide.']],
    [{ '.python-version': '3.12\n' }, { pythonVersion: '3.11' }, 'python:3.11-slim',
      ['Python 3.11 comes from pythonVersion, but .python-version says 3.12; the image uses 3.11. Make the sources agree, or set `pythonVersion` to decide.']],
    [{ '.python-version': 'pypy3.10\n' }, {}, 'python:3.11-slim',
      ['.python-version says "pypy3.10", which is not a CPython 3 version such as "3.12"; it is ignored']],
  ])('%j with %j uses %s', (files, props, from, expected) => {
    const { stack, img } = image({ ...FLASK_APP, ...files }, { entrypoint: 'manager:app', ...props });
    expect(img.dockerfile).toContain(`FROM ${from}\n`);
    expect(warnings(stack).filter(w => !w.includes('gunicorn is not') && !w.startsWith('the app imports'))).toEqual(expected);
  });

  test('the default is 3.11 when nothing says otherwise, and baseImage turns detection off', () => {
    expect(image(FLASK_APP, { entrypoint: 'manager:app' }).img.pythonVersion).toBe('3.11');
    const based = image({ ...FLASK_APP, '.python-version': '3.12\n' }, { entrypoint: 'manager:app', baseImage: 'python:3.13-slim' });
    expect(based.img.pythonVersion).toBeUndefined();
    expect(based.img.dockerfile).toContain('FROM python:3.13-slim\n');
  });

  test.each([
    ['3.11', '>=3.11.4', true], ['3.11', '<3.11', false], ['3.12', '~=3.11', true], ['3.12', '~=3.11.2', false],
    ['3.12', '^3.10', true], ['3.12', '~3.10', false], ['3.11', '==3.11.*', true], ['3.11', '!=3.11.*', false], ['3.11', 'banana', undefined],
  ])('%s against %s: %s', (version, spec, expected) => {
    expect(satisfiesAnyPatch(version, spec)).toBe(expected);
  });

  test('a range nothing satisfies is ignored with a note', () => {
    expect(choosePythonVersion([{ origin: 'x', value: '>=4', exact: false }], '3.11')).toEqual({
      version: '3.11', origin: 'default', conflicts: [], notes: ['x requires Python ">=4", which no supported version (3.8–3.14) satisfies or which cannot be read; it is ignored'],
    });
  });
});

describe('dependency check', () => {
  test('warns for third-party imports no declared distribution provides, naming the likely distribution', () => {
    const { stack } = image({
      'requirements.txt': 'Flask\ngunicorn\n',
      'app.py': [
        'import os, sys', 'import yaml', 'from PIL import Image', 'from flask_restful import Api', 'from dateutil import parser',
        'from sklearn import tree', 'import werkzeug', 'from flask import Flask', 'from . import local', 'import helpers',
        'try:', '    import ujson as json', 'except ImportError:', '    import json', 'from typing import TYPE_CHECKING',
        'if TYPE_CHECKING:', '    import boto3', 'app = Flask(__name__)', 's = "import requests"',
      ].join('\n'),
      'helpers.py': 'import requests\n',
    });
    expect(warnings(stack)).toEqual([
      expect.stringContaining('"PIL" (app.py:3), but no dependency in requirements.txt provides it; it most likely needs the distribution "Pillow"'),
      'the app imports "dateutil" (app.py:5), but no dependency in requirements.txt provides it; it most likely needs the distribution "python-dateutil". Add it to requirements.txt, or list "dateutil" in allowUndeclaredImports if the image provides it.',
      expect.stringContaining('"flask_restful" (app.py:4), but no dependency in requirements.txt provides it; it most likely needs the distribution "Flask-RESTful"'),
      expect.stringContaining('"requests" (helpers.py:1)'),
      expect.stringContaining('"sklearn" (app.py:6), but no dependency in requirements.txt provides it; it most likely needs the distribution "scikit-learn"'),
      expect.stringContaining('"yaml" (app.py:2), but no dependency in requirements.txt provides it; it most likely needs the distribution "PyYAML"'),
    ]);
  });

  test('declared under the mapped name, or allowed explicitly: no warning', () => {
    const { stack } = image({ 'requirements.txt': 'flask\ngunicorn\nPyYAML==6.0\npillow\npython-dateutil\n', 'app.py': 'import yaml\nimport PIL\nimport dateutil\nimport magic\nfrom flask import Flask\napp = Flask(__name__)\n' },
      { allowUndeclaredImports: ['magic'] });
    expect(warnings(stack)).toEqual([]);
  });

  test('imports are found across continuation lines and comma lists', () => {
    expect(findImports('import a, b as c,\\\n  d\nfrom e.f import (g,\n  h)\n').map(r => r.module)).toEqual(['a', 'b', 'd', 'e']);
  });
});


describe('Django', () => {
  test('collectstatic runs at build with placeholders for the SECRET_KEY variables only', () => {
    const { img, stack } = image(DJANGO);
    expect(img.entrypoint).toBe('mysite.wsgi:application');
    expect(img.dockerfile).toContain('COPY [".cdktf-wsgi/collectstatic.py", "/opt/cdktf-wsgi/collectstatic.py"]\n'
      + 'RUN env DJANGO_SETTINGS_MODULE=mysite.settings DJANGO_SECRET_KEY=cdktf-wsgi-collectstatic-placeholder-not-a-secret python3 /opt/cdktf-wsgi/collectstatic.py\n');
    expect(img.dockerfile).not.toContain('ENV DJANGO_SETTINGS_MODULE');
    expect(warnings(stack)).toEqual([]);
  });

  test('collectStatic false, an explicit settings module and build environment', () => {
    expect(image(DJANGO, { django: { collectStatic: false } }).img.dockerfile).not.toContain('collectstatic');
    const { img } = image({ ...DJANGO, 'mysite/prod.py': 'from .settings import *\nSTATIC_ROOT = "/s"\n' },
      { django: { settingsModule: 'mysite.prod', buildEnvironment: { DATABASE_URL: "sqlite:///x y'z" } } });
    expect(img.dockerfile).toContain('ENV DJANGO_SETTINGS_MODULE="mysite.prod"\n');
    // mysite.prod star-imports mysite.settings, whose SECRET_KEY comes from DJANGO_SECRET_KEY: it gets a placeholder too.
    expect(img.dockerfile).toContain('RUN env DJANGO_SETTINGS_MODULE=mysite.prod DJANGO_SECRET_KEY=cdktf-wsgi-collectstatic-placeholder-not-a-secret '
      + 'DATABASE_URL=\'sqlite:///x y\'\\\'\'z\' python3 /opt/cdktf-wsgi/collectstatic.py\n');
  });

  test('no STATIC_ROOT: no collectstatic; DEBUG = True and missing WhiteNoise warn', () => {
    const { img, stack } = image({ ...DJANGO, 'mysite/settings.py': 'DEBUG = True\nSECRET_KEY = "x"\n' });
    expect(img.dockerfile).not.toContain('collectstatic');
    expect(warnings(stack)).toEqual([expect.stringMatching(/^mysite\/settings\.py sets DEBUG = True, so every container of this image runs with DEBUG on/)]);
    const collected = image({ ...DJANGO, 'mysite/settings.py': 'STATIC_ROOT = "/s"\n' });
    expect(warnings(collected.stack)).toEqual([expect.stringMatching(/^static files are collected into STATIC_ROOT, but mysite\/settings\.py has no WhiteNoise middleware/)]);
  });

  test.each([
    [{ DJANGO_SECRET_KEY: 'k', DJANGO_DEBUG: '1' }, ['DEBUG would be on: mysite/settings.py reads it from DJANGO_DEBUG, which is "1" here. Set DJANGO_DEBUG to a false value in `environment` for anything reachable by others.']],
    [{ DJANGO_SECRET_KEY: 'k', DJANGO_DEBUG: '0' }, []],
    [{ DJANGO_SECRET_KEY: 'k' }, []],
    [{}, ['mysite/settings.py reads SECRET_KEY from DJANGO_SECRET_KEY, which this container does not set, so Django will fail to start. Set DJANGO_SECRET_KEY in `environment`, from a sensitive TerraformVariable.']],
  ])('container environment %j', (environment, expected) => {
    const { stack, img } = image(DJANGO);
    new WsgiContainer(stack, 'Web', { image: img, environment });
    expect(warnings(stack.node.findChild('Web') as any).filter(w => !w.includes('looks like a secret'))).toEqual(expected);
  });

  test('a debug default that is on warns when the variable is unset; token values are unknown and never warn', () => {
    const { stack, img } = image({ ...DJANGO, 'mysite/settings.py': 'import os\nDEBUG = os.getenv("DEBUG", "True") == "True"\nSECRET_KEY = os.environ.get("SK", "dev")\n' });
    new WsgiContainer(stack, 'Web', { image: img });
    new WsgiContainer(stack, 'Web2', { image: img, containerName: 'w2', environment: { DEBUG: new TerraformVariable(stack, 'd', {}).stringValue } });
    expect(warnings(stack.node.findChild('Web') as any)).toEqual([expect.stringContaining('DEBUG would be on: mysite/settings.py reads it from DEBUG, which is unset here, and its default turns DEBUG on')]);
    expect(warnings(stack.node.findChild('Web2') as any)).toEqual([]);
  });

  test('the environment is checked at synth, so a variable added after construction counts', () => {
    const { stack, img } = image(DJANGO);
    const web = new WsgiContainer(stack, 'Web', { image: img, environment: { DJANGO_SECRET_KEY: 'k' } });
    web.addEnvironment('DJANGO_DEBUG', '1');
    const django = (c: WsgiContainer) => warnings(c).filter(w => !w.includes('looks like a secret'));
    expect(django(web)).toEqual([expect.stringContaining('DEBUG would be on: mysite/settings.py reads it from DJANGO_DEBUG, which is "1" here')]);
    const quiet = new WsgiContainer(stack, 'Quiet', { image: img, containerName: 'quiet' });
    quiet.addEnvironment('DJANGO_SECRET_KEY', 'k');
    expect(django(quiet)).toEqual([]);
  });
});


/** A cookiecutter-django-style project: a settings package, production and local modules on a base. */
function splitSettings(files: Record<string, string> = {}): Record<string, string> {
  return {
    'requirements.txt': 'Django\nwhitenoise\ngunicorn\n',
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")\n',
    'config/__init__.py': '',
    'config/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\napplication = get_wsgi_application()\n',
    'config/settings/__init__.py': '',
    'config/settings/base.py': [
      'import os',
      'DEBUG = False',
      'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware"]',
      'STATIC_URL = "/static/"',
      'STATIC_ROOT = "/app/staticfiles"',
    ].join('\n'),
    'config/settings/production.py': 'from .base import *  # noqa\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\nALLOWED_HOSTS = ["*"]\n',
    'config/settings/local.py': 'from .base import *  # noqa\nDEBUG = True\nSECRET_KEY = "local"\n',
    ...files,
  };
}

describe('Django split settings (star imports)', () => {
  const collects = (dockerfile: string) => dockerfile.includes('python3 /opt/cdktf-wsgi/collectstatic.py');

  test('STATIC_ROOT and WhiteNoise only in the base module: collected, no warning; the module the app runs with is used', () => {
    const { img, stack, infos } = image(splitSettings());
    expect(img.entrypoint).toBe('config.wsgi:application');
    expect(collects(img.dockerfile)).toBe(true);
    expect(img.dockerfile).toContain('RUN env DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=cdktf-wsgi-collectstatic-placeholder-not-a-secret python3 /opt/cdktf-wsgi/collectstatic.py\n');
    expect(warnings(stack)).toEqual([]);
    expect(img._runtime().django).toMatchObject({
      settingsModule: 'config.settings.production',
      settingsFiles: ['config/settings/production.py', 'config/settings/base.py'],
      staticRoot: 'set',
      usesWhitenoise: true,
      secretKeyFile: 'config/settings/production.py',
      debug: { kind: 'literal', on: false },
      debugFile: 'config/settings/base.py',
    });
    // wsgi.py and manage.py disagree: said once, and the wsgi module wins.
    expect(infos).toContain(
      'config/wsgi.py names config.settings.production and manage.py names config.settings.local: the image builds, migrates and serves with config.settings.production, '
      + 'the module the app runs with. Set `django.settingsModule` to choose another.');
  });

  test('STATIC_ROOT set in the child only', () => {
    const { img, stack } = image(splitSettings({
      'config/settings/base.py': 'MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]\n',
      'config/settings/production.py': 'from .base import *\nSTATIC_ROOT = "/app/static"\nSECRET_KEY = "x"\n',
    }));
    expect(collects(img.dockerfile)).toBe(true);
    expect(warnings(stack)).toEqual([]);
  });

  test('an absolute star import, through a chain of modules', () => {
    const { img } = image(splitSettings({
      'config/settings/common.py': 'STATIC_ROOT = "/app/static"\nMIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]\n',
      'config/settings/base.py': 'from config.settings.common import *\n',
    }));
    expect(collects(img.dockerfile)).toBe(true);
    expect(img._runtime().django?.settingsFiles).toEqual(['config/settings/production.py', 'config/settings/base.py', 'config/settings/common.py']);
  });

  test.each([
    ['+=', 'MIDDLEWARE += ["whitenoise.middleware.WhiteNoiseMiddleware"]'],
    ['insert', 'MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")'],
    ['a new list around the old one', 'MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"] + MIDDLEWARE'],
  ])('WhiteNoise added in the child with %s', (_how, line) => {
    const { stack, img } = image(splitSettings({
      'config/settings/base.py': 'STATIC_ROOT = "/s"\nMIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\n',
      'config/settings/production.py': `from .base import *\nSECRET_KEY = "x"\n${line}\n`,
    }));
    expect(img._runtime().django?.usesWhitenoise).toBe(true);
    expect(warnings(stack)).toEqual([]);
  });

  test('a child that replaces MIDDLEWARE without WhiteNoise: warned, naming the chain', () => {
    const { stack } = image(splitSettings({ 'config/settings/production.py': 'from .base import *\nSECRET_KEY = "x"\nMIDDLEWARE = []\n' }));
    expect(warnings(stack)).toEqual(['static files are collected into STATIC_ROOT, but config/settings/production.py (with config/settings/base.py, which it star-imports) has no WhiteNoise middleware, '
      + 'so the app does not serve them. Add "whitenoise.middleware.WhiteNoiseMiddleware" after SecurityMiddleware, or serve STATIC_ROOT from a proxy.']);
  });

  test('no STATIC_ROOT anywhere: no collectstatic and no warning', () => {
    const { img, stack } = image(splitSettings({ 'config/settings/base.py': 'DEBUG = False\nMIDDLEWARE = []\n' }));
    expect(img.dockerfile).not.toContain('collectstatic');
    expect(warnings(stack)).toEqual([]);
  });

  test('a later assignment in the child wins: STATIC_ROOT = None', () => {
    const { img } = image(splitSettings({ 'config/settings/production.py': 'from .base import *\nSECRET_KEY = "x"\nSTATIC_ROOT = None\n' }));
    expect(img.dockerfile).not.toContain('collectstatic');
  });

  test.each([
    ['exec', 'exec(open("extra.py").read())', /line 3 sets names dynamically \(exec\(open\("extra\.py"\)\.read\(\)\)\)/],
    ['a module outside the build context', 'from shared_settings import *', /it star-imports shared_settings, which is not in the build context/],
    ['a conditional assignment', 'if os.environ.get("X"):\n    STATIC_ROOT = "/s"', /STATIC_ROOT is assigned inside a block \(line 4\)/],
  ])('cannot tell (%s): the build asks Django, and one line says so', (_name, line, reason) => {
    const { img, stack } = image(splitSettings({
      'config/settings/base.py': 'import os\nMIDDLEWARE = []\n',
      'config/settings/production.py': `from .base import *\nSECRET_KEY = "x"\n${line}\n`,
    }));
    expect(collects(img.dockerfile)).toBe(true);
    const w = warnings(stack).filter(x => x.includes('STATIC_ROOT'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^cannot tell from config\/settings\/production\.py whether STATIC_ROOT is set \(/);
    expect(w[0]).toMatch(reason);
    expect(w[0]).toMatch(/the build asks Django and collects static files only if it is\. Set django\.collectStatic: true to require them, or false to skip the step\.$/);
  });

  test('collectStatic: true where no module sets STATIC_ROOT names the whole chain', () => {
    expect(() => image(splitSettings({ 'config/settings/base.py': 'MIDDLEWARE = []\n' }), { django: { collectStatic: true } })).toThrow(
      "test/Image: 'django.collectStatic' true needs STATIC_ROOT, which config/settings/production.py (with config/settings/base.py, which it star-imports) does not set. "
      + 'Fix: set STATIC_ROOT in the settings, or leave collectStatic unset');
  });

  test('the build script asks Django, and fails the build only when collectStatic is required', () => {
    const script = (built: ReturnType<typeof image>) => {
      built.app.synth();
      return fs.readFileSync(path.join(built.app.outdir, 'stacks', 'test', built.img.contextPath, '.cdktf-wsgi', 'collectstatic.py'), 'utf-8');
    };
    const auto = script(image(splitSettings()));
    expect(auto).toContain('REQUIRED = False\n');
    expect(auto).toContain('if getattr(settings, "STATIC_ROOT", None):\n');
    expect(script(image(splitSettings(), { django: { collectStatic: true } }))).toContain('REQUIRED = True\n');
  });

  test('a # or an unbalanced bracket inside a string does not swallow the next statement', () => {
    const { img } = image(splitSettings({
      'config/settings/production.py': 'from .base import *\nSECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev#(")\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\n',
    }));
    expect(img._runtime().django?.secretKeyVariables).toEqual([{ name: 'DJANGO_SECRET_KEY', required: false }]);
    expect(img._runtime().django?.debug).toEqual({ kind: 'env', variable: 'DJANGO_DEBUG', onWhenUnset: false });
  });
});

describe('requirements/ folders', () => {
  test("cookiecutter's Heroku shim: a root requirements.txt that only includes requirements/production.txt", () => {
    const { img, stack } = image({
      'manager.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'requirements.txt': '# This file is expected by Heroku.\n-r requirements/production.txt\n',
      'requirements/base.txt': 'flask==2.2.2\n',
      'requirements/production.txt': '-r base.txt\ngunicorn==20.1.0\n',
    }, { entrypoint: 'manager:app' });
    // Every file of the include chain is in the dependency layer, before the code.
    const lines = img.dockerfile.split('\n');
    const install = lines.findIndex(l => l.startsWith('RUN python3 -m pip install'));
    for (const f of ['requirements.txt', 'requirements/production.txt', 'requirements/base.txt']) {
      const copy = lines.findIndex(l => l === `COPY ["app/${f}", "/app/${f}"]`);
      expect(copy).toBeGreaterThan(-1);
      expect(copy).toBeLessThan(install);
    }
    // gunicorn comes from the included production file: nothing is added, nothing warned.
    expect(warnings(stack)).toEqual([]);
  });
});

describe('the entrypoint callable is bound by its module', () => {
  test.each([
    ['an assignment', 'from flask import Flask\napp = Flask(__name__)\n', 'app'],
    ['an annotated assignment', 'from flask import Flask\napp: Flask = Flask(__name__)\n', 'app'],
    ['a def (factory)', 'def create_app():\n    return 1\n', 'create_app'],
    ['an import', 'from .web import app\n', 'app'],
    ['an import under an alias', 'from web import application as app\n', 'app'],
    ['a plain import', 'import web.app as app\n', 'app'],
    ['a tuple assignment', 'app, other = 1, 2\n', 'app'],
    ['inside a top-level try', 'try:\n    from fast import app\nexcept ImportError:\n    from slow import app\n', 'app'],
  ])('%s binds it', (_name, text, name) => {
    const { names, hidden } = moduleLevelNames(text);
    expect(names.has(name)).toBe(true);
    expect(hidden).toBe(false);
  });

  test('names inside functions and classes are not module level', () => {
    expect(moduleLevelNames('def make():\n    app = 1\nclass K:\n    app = 2\n').names).toEqual(new Set(['make', 'K']));
  });

  test.each(['from web import *\n', 'globals()["app"] = 1\n', 'exec("app = 1")\n', 'def __getattr__(name):\n    return 1\n'])('%j may bind names unseen', text => {
    expect(moduleLevelNames(text).hidden).toBe(true);
  });

  test('a module that may bind the name unseen only warns', () => {
    const { stack } = image({ ...FLASK_APP, 'service.py': 'from web import *\n', 'web.py': 'from flask import Flask\napplication = Flask(__name__)\n' }, { entrypoint: 'service:application' });
    expect(warnings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(
      /^'entrypoint' "service:application" names application, which service\.py does not define, assign or import at module level \(no WSGI callable found there; names it binds: none\); the module may bind it in a way that cannot be read \(import \*, globals\(\)\), so this is not an error\./)]));
  });
});
