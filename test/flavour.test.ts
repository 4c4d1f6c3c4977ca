import { FLAVOUR } from '../src/private/core/flavour';

// test/cdktn/jest.config.js runs this suite against cdktn-wsgi with CDKTF_WSGI_FLAVOUR=cdktn-wsgi:
// this is where a run that silently tested the cdktf sources, or mixed the two cores, goes red.
describe('the flavour under test', () => {
  const expected = process.env.CDKTF_WSGI_FLAVOUR ?? 'cdktf-wsgi';

  test('is the one asked for, with its core and its bindings\' pin', () => {
    expect(FLAVOUR.packageName).toBe(expected);
    expect(FLAVOUR).toEqual(expected === 'cdktf-wsgi'
      ? { packageName: 'cdktf-wsgi', bindingsPackage: '@cdktf/provider-docker', bindingsProviderVersion: '3.6.2' }
      : { packageName: 'cdktn-wsgi', bindingsPackage: '@cdktn/provider-docker', bindingsProviderVersion: '4.6.0' });
  });

  test('its core is the package the constructs import', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('cdktf/package.json').name).toBe(expected === 'cdktf-wsgi' ? 'cdktf' : 'cdktn');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('@cdktf/provider-docker/package.json').name).toBe(FLAVOUR.bindingsPackage);
  });
});
