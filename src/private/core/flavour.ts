/**
 * What differs between the cdktf build of this library and its CDK Terrain (cdktn) build, which is
 * made from the same source: build-tools/flavour-cdktn.ts swaps the core and bindings imports and
 * rewrites this file's values, and fails if it no longer finds them here.
 */
export const FLAVOUR = {
  /** The npm and PyPI package name, for messages. */
  packageName: 'cdktf-wsgi',
  /** The package users take the docker provider's bindings from, for messages. */
  bindingsPackage: '@cdktf/provider-docker',
  /**
   * The kreuzwerker/docker version those bindings pin: the line a stack without a docker provider
   * construct or override renders for (a unit test, a stack still being composed).
   */
  bindingsProviderVersion: '3.6.2',
};
