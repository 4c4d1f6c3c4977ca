// The unit suite once more, against cdktn-wsgi: the sources build-tools/flavour-cdktn.ts wrote to
// build/cdktn-wsgi/src (imports swapped, src/private/core/flavour.ts rewritten), with cdktn, constructs
// and @cdktn/provider-docker from that build's node_modules standing in for cdktf's. The tests'
// own imports of cdktf and of the provider bindings are mapped the same way, so one tree of
// constructs, one core and one set of bindings meet. Run by test/cdktn/run.sh after the build.
// The snapshots are the cdktf suite's, never written here (--ci).
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const flavour = path.join(root, 'build', 'cdktn-wsgi');

module.exports = {
  rootDir: root,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/engine/'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
  testTimeout: 30000,
  maxWorkers: 2,
  moduleNameMapper: {
    '^cdktf$': `${flavour}/node_modules/cdktn`,
    '^cdktf/(.*)$': `${flavour}/node_modules/cdktn/$1`,
    '^@cdktf/provider-docker(.*)$': `${flavour}/node_modules/@cdktn/provider-docker$1`,
    '^constructs$': `${flavour}/node_modules/constructs`,
    // `../src`, `../../src/private/...`: the flavour's copy.
    '^(?:\\.\\./)+src(/.*)?$': `${flavour}/src$1`,
  },
};
