// Jest's default runner, run in band: the engine suites share one Docker daemon, host ports and a
// Terraform plugin cache, so they go one file at a time. Jest runs each runner's files after the
// previous runner's, so the unit project still runs in parallel before them.
'use strict';
const TestRunner = require('jest-runner').default;

class SerialRunner extends TestRunner {
  constructor(...args) {
    super(...args);
    // jest-runner declares `isSerial` as a class field, which would shadow a getter.
    this.isSerial = true;
  }
}

module.exports = SerialRunner;
