import { Site } from '../../../src/private/core/validation';
import { planDependencies } from '../../../src/private/image/plan/dependencies';
import { planGunicorn } from '../../../src/private/image/plan/gunicorn';
import { validateOptions } from '../../../src/private/image/plan/options';
import { analyseSource, resolveSource } from '../../../src/private/image/plan/source';
import { FLASK_APP, writeSource } from '../../util';

function analyse(files: Record<string, string>, extra: object = {}) {
  const source = writeSource(files);
  const site = new Site('app/Image');
  const props = { source, ...extra };
  const options = validateOptions(site, props);
  const gunicorn = planGunicorn(site, source, props);
  const app = analyseSource(site, resolveSource(site, source), props, options, gunicorn, planDependencies(site, source, undefined, options));
  return { site, app };
}

describe('analyseSource', () => {
  test('detects the Flask callable, selects sorted files, leaves caches out', () => {
    const { site, app } = analyse({ ...FLASK_APP, 'app/__pycache__/x.pyc': '' });
    expect(app.entrypoint).toBe('app:app');
    expect(app.files.map(f => f.relativePath)).toEqual(['app/__init__.py', 'manager.py', 'requirements.txt']);
    expect(app.importRoot).toBe('');
    expect(app.django).toBeUndefined();
    expect(site.notes).toEqual([{ level: 'info', message: 'entrypoint detected: app:app (Flask(...) in app/__init__.py)' }]);
  });

  test('a src layout is the import root', () => {
    const { app } = analyse({ 'src/svc/__init__.py': '', 'src/svc/web.py': 'import flask\napp = flask.Flask(__name__)\n', 'requirements.txt': 'flask\ngunicorn\n' });
    expect(app).toMatchObject({ importRoot: 'src', entrypoint: 'svc.web:app' });
  });

  test('a misspelled callable fails, listing what the module defines', () => {
    expect(() => analyse(FLASK_APP, { entrypoint: 'app:application' })).toThrow(
      'app/Image: \'entrypoint\' "app:application" names application, which app/__init__.py does not define, assign or import at module level '
      + '(WSGI callables found there: app:app (Flask(...))). Fix: use "app:app"');
  });

  test('Django: a "#" inside a string in the settings never swallows the next line', () => {
    const { app } = analyse({
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
      'mysite/__init__.py': '',
      'mysite/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\napplication = get_wsgi_application()\n',
      'mysite/settings.py': 'import os\nSECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev#(")\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\n',
      'requirements.txt': 'django\ngunicorn\n',
    });
    expect(app.entrypoint).toBe('mysite.wsgi:application');
    expect(app.django?.project.secretKeyVariables).toEqual([{ name: 'DJANGO_SECRET_KEY', required: false }]);
    expect(app.django?.project.debug).toEqual({ kind: 'env', variable: 'DJANGO_DEBUG', onWhenUnset: false });
  });
});
