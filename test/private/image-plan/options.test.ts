import { BuildSecret } from '../../../src';
import { Site } from '../../../src/private/core/validation';
import { validateOptions } from '../../../src/private/image/plan/options';

// Stage 1 needs no files: the props alone, checked and normalised.
const props = (extra: object = {}) => ({ source: '/nowhere', ...extra });

describe('validateOptions', () => {
  test('defaults: empty maps and lists, the default gunicorn requirement, nothing else chosen', () => {
    const site = new Site('app/Image');
    expect(validateOptions(site, props())).toEqual({
      buildArgs: {},
      environment: {},
      labels: {},
      secrets: [],
      aptPackages: [],
      exclude: [],
      writablePaths: [],
      allowUndeclaredImports: [],
      gunicornRequirement: 'gunicorn>=20.1,<27',
      platform: undefined,
      baseImage: undefined,
      pythonVersion: undefined,
      repository: undefined,
      tag: undefined,
    });
    expect(site.notes).toEqual([]);
  });

  test('accepted values come back sorted by key, secrets by id, lists as given', () => {
    const site = new Site('app/Image');
    const v = validateOptions(site, props({
      buildArgs: { Z: '1', A: '2' },
      environment: { B: 'x', A: 'y' },
      labels: { 'com.example.z': '1', 'com.example.a': '2' },
      buildSecrets: { PIP_INDEX_URL: BuildSecret.fromEnvironment('IDX'), A_FILE: BuildSecret.fromFile('/run/s') },
      aptPackages: ['libpq5', 'curl=7.88.1-10'],
      writablePaths: ['/data', '/var/cache/app'],
      platform: 'linux/arm64',
      pythonVersion: '3.12',
      repository: 'registry.example.com:5000/team/app',
      imageTag: 'v1.2.3',
    }));
    expect(Object.keys(v.buildArgs)).toEqual(['A', 'Z']);
    expect(Object.keys(v.environment)).toEqual(['A', 'B']);
    expect(Object.keys(v.labels)).toEqual(['com.example.a', 'com.example.z']);
    expect(v.secrets).toEqual([{ id: 'A_FILE', src: '/run/s' }, { id: 'PIP_INDEX_URL', env: 'IDX' }]);
    expect(v.aptPackages).toEqual(['libpq5', 'curl=7.88.1-10']);
    expect(v.writablePaths).toEqual(['/data', '/var/cache/app']);
    expect([v.platform, v.pythonVersion, v.repository, v.tag]).toEqual(['linux/arm64', '3.12', 'registry.example.com:5000/team/app', 'v1.2.3']);
  });

  test('a secret-looking environment value is a note, not an error', () => {
    const site = new Site('app/Image');
    validateOptions(site, props({ environment: { API_TOKEN: 'abc' } }));
    expect(site.notes).toEqual([{ level: 'warning', message: expect.stringMatching(/^'environment\.API_TOKEN' looks like a secret and is baked into the image/) }]);
  });

  test.each([
    [{ labels: { '-bad': 'x' } }, 'app/Image: \'labels key\' "-bad" is not a label key of your own (letters, digits, ".", "_", "-", "/", starting with a letter or digit). Fix: use a key such as "com.example.team"'],
    [{ labels: { ok: 'two\nlines' } }, 'app/Image: \'labels.ok\' "two\\nlines" contains a newline or NUL character, which would end the Dockerfile instruction it lands in. Fix: remove line breaks and NUL characters from the value'],
    [{ baseImage: 'python:3.12-slim', pythonVersion: '3.12' }, 'app/Image: \'pythonVersion\' "3.12" cannot be combined with \'baseImage\' ("python:3.12-slim"): the base image decides the Python version. Fix: remove one of the two'],
  ])('%j fails with the whole message', (extra, message) => {
    expect(() => validateOptions(new Site('app/Image'), props(extra))).toThrow(message);
  });
});
