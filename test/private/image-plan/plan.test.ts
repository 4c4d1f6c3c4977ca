import * as crypto from 'crypto';
import { AppInterface } from '../../../src';
import { Site } from '../../../src/private/core/validation';
import { ProviderLine } from '../../../src/private/docker/provider-line';
import { defaultImageTag, planImage } from '../../../src/private/image/plan/plan';
import { FLASK_APP, writeSource } from '../../util';

describe('planImage', () => {
  test('the same source planned twice gives the same fingerprint, tag and context; nothing is written', () => {
    const source = writeSource(FLASK_APP);
    const a = planImage(new Site('app/Image'), { source }, ProviderLine.V3_6_2);
    const b = planImage(new Site('other/Path'), { source, labels: {} }, ProviderLine.V3_6_2);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(a.tag).toBe(a.fingerprint.slice(0, 16));
    expect(a.tagFollowsImage).toBe(true);
    expect(a.context.generated.map(g => g.relativePath)).toEqual(['Dockerfile', '.cdktf-wsgi/gunicorn.conf.py', '.cdktf-wsgi/requirements.txt']);
  });

  test('the runtime contract carries what runners need', () => {
    const source = writeSource(FLASK_APP);
    const plan = planImage(new Site('app/Image'), { source, port: 9000, environment: { MODE: 'x' } }, ProviderLine.V4);
    expect(plan.runtime).toEqual({
      port: 9000, baseImage: 'python:3.11-slim', user: '10001:10001', gracefulTimeoutSeconds: 30, entrypoint: 'app:app', appInterface: AppInterface.WSGI, environment: { MODE: 'x' }, django: undefined, procfileRelease: undefined,
    });
  });

  test('a label changes the fingerprint and the Dockerfile\'s last lines only', () => {
    const source = writeSource(FLASK_APP);
    const plain = planImage(new Site('s'), { source }, ProviderLine.V4);
    const labelled = planImage(new Site('s'), { source, labels: { 'com.example.team': 'web' } }, ProviderLine.V4);
    expect(labelled.fingerprint).not.toBe(plain.fingerprint);
    const lines = labelled.context.dockerfile.split('\n');
    expect(lines.filter(l => !plain.context.dockerfile.split('\n').includes(l))).toEqual(['LABEL "com.example.team"="web"']);
    expect(lines.indexOf('LABEL "com.example.team"="web"')).toBeGreaterThan(lines.findIndex(l => l.startsWith('EXPOSE')));
  });

  test('the default tag changes with the provider line, the fingerprint does not; a given tag stays', () => {
    const source = writeSource(FLASK_APP);
    const on3 = planImage(new Site('s'), { source }, ProviderLine.V3_6_2);
    const on4 = planImage(new Site('s'), { source }, ProviderLine.V4);
    expect(on4.fingerprint).toBe(on3.fingerprint);
    expect(on3.tag).toBe(on3.fingerprint.slice(0, 16));
    expect(on4.tag).toMatch(/^[0-9a-f]{16}$/);
    expect(on4.tag).not.toBe(on3.tag);
    expect(on4.tag).toBe(defaultImageTag(on4.fingerprint, ProviderLine.V4));
    const given = planImage(new Site('s'), { source, imageTag: 'v1.2.3' }, ProviderLine.V4);
    expect(given.tag).toBe('v1.2.3');
    expect(given.tagFollowsImage).toBe(false);
  });

  test('the default tag on 4.x is a digest of the fingerprint and the line, pinned', () => {
    expect(defaultImageTag('0'.repeat(64), ProviderLine.V4)).toBe(crypto.createHash('sha256').update(`${'0'.repeat(64)}\nkreuzwerker/docker 4.x`).digest('hex').slice(0, 16));
    expect(defaultImageTag('ab'.repeat(32), ProviderLine.V3_6_2)).toBe('ab'.repeat(8));
  });
});
