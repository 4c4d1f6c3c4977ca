import { Duration } from '../../../src';
import { Site } from '../../../src/private/core/validation';
import { planGunicorn } from '../../../src/private/image/plan/gunicorn';
import { FLASK_APP, writeSource } from '../../util';

describe('planGunicorn', () => {
  test('defaults: port 8000 and every documented gunicorn default (the worker class and threads follow the interface, in planServer)', () => {
    const source = writeSource(FLASK_APP);
    const site = new Site('app/Image');
    expect(planGunicorn(site, source, { source })).toEqual({
      port: 8000,
      procfile: {},
      settings: {
        workers: undefined,
        threads: undefined,
        workerClass: undefined,
        workerClassFrom: 'gunicorn.workerClass',
        timeoutSeconds: 30,
        gracefulTimeoutSeconds: 30,
        keepAliveSeconds: 5,
        maxRequests: 0,
        maxRequestsJitter: 0,
        forwardedAllowIps: undefined,
        accessLog: false,
        preload: false,
      },
    });
    expect(site.notes).toEqual([]);
  });

  test('props, then the Procfile, then gunicorn.conf.py: each stands where the one before says nothing', () => {
    const source = writeSource({
      ...FLASK_APP,
      'Procfile': 'web: gunicorn manager:app --workers 3 --timeout 40 --bind 0.0.0.0:$PORT\nrelease: python3 manage.py migrate\n',
      'gunicorn.conf.py': 'graceful_timeout = 12\nworkers = 9\n',
    });
    const site = new Site('app/Image');
    const plan = planGunicorn(site, source, { source, gunicorn: { timeout: Duration.seconds(50) } });
    expect(plan.settings).toMatchObject({ workers: 3, timeoutSeconds: 50, gracefulTimeoutSeconds: 12 });
    expect(plan.procfile).toMatchObject({ webLine: 1, release: ['python3', 'manage.py', 'migrate'] });
    expect(plan.projectConfig).toMatchObject({ relativePath: 'gunicorn.conf.py', explicit: ['workers', 'timeout'] });
    expect(site.notes.map(n => n.message)).toEqual([
      'the Procfile has a release: line (python3 manage.py migrate); a WsgiContainer runs it before the app only with releaseCommand: ReleaseCommand.fromProcfile()',
      expect.stringMatching(/^from the Procfile \(web: line 1\): /),
      'the Procfile sets timeout to 40s, and gunicorn.timeout to 50s: the construct\'s value is used',
      'gunicorn.conf.py sets workers = 9, and the construct states 3: the construct\'s value is used',
      'gunicorn loads gunicorn.conf.py first: its settings and hooks stand where the construct states nothing (stated by the construct: workers, timeout)',
    ]);
  });

  test('a graceful_timeout string with a "#" is read as a string, not cut at the "#"', () => {
    const source = writeSource({ ...FLASK_APP, 'gunicorn.conf.py': 'proc_name = "web#1"  # a comment\ngraceful_timeout = 20\n' });
    expect(planGunicorn(new Site('s'), source, { source }).settings.gracefulTimeoutSeconds).toBe(20);
  });
});
