import { planImage } from '../../../src/private/image-plan/plan';
import { Site } from '../../../src/private/validation';
import { FLASK_APP, writeSource } from '../../util';

describe('planImage', () => {
  test('the same source planned twice gives the same fingerprint, tag and context; nothing is written', () => {
    const source = writeSource(FLASK_APP);
    const a = planImage(new Site('app/Image'), { source });
    const b = planImage(new Site('other/Path'), { source, labels: {} });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(a.tag).toBe(a.fingerprint.slice(0, 16));
    expect(a.context.generated.map(g => g.relativePath)).toEqual(['Dockerfile', '.cdktf-wsgi/gunicorn.conf.py', '.cdktf-wsgi/requirements.txt']);
  });

  test('the runtime contract carries what runners need', () => {
    const source = writeSource(FLASK_APP);
    const plan = planImage(new Site('app/Image'), { source, port: 9000, environment: { MODE: 'x' } });
    expect(plan.runtime).toEqual({
      port: 9000, user: '10001:10001', gracefulTimeoutSeconds: 30, entrypoint: 'app:app', environment: { MODE: 'x' }, django: undefined, procfileRelease: undefined,
    });
  });

  test('a label changes the fingerprint and the Dockerfile\'s last lines only', () => {
    const source = writeSource(FLASK_APP);
    const plain = planImage(new Site('s'), { source });
    const labelled = planImage(new Site('s'), { source, labels: { 'com.example.team': 'web' } });
    expect(labelled.fingerprint).not.toBe(plain.fingerprint);
    const lines = labelled.context.dockerfile.split('\n');
    expect(lines.filter(l => !plain.context.dockerfile.split('\n').includes(l))).toEqual(['LABEL "com.example.team"="web"']);
    expect(lines.indexOf('LABEL "com.example.team"="web"')).toBeGreaterThan(lines.findIndex(l => l.startsWith('EXPOSE')));
  });
});
