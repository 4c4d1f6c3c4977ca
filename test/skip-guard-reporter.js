// Fails a jest run under CI=true that skipped a test (a skip, a todo, a `.only` elsewhere): in CI
// every test runs, on every path jest is started from (`npx projen test`, the release build, a
// stage of .ci/run), not only where .ci/test-summary.js reads the results.
'use strict';

class SkipGuardReporter {
  onRunComplete(_contexts, results) {
    this.error = undefined;
    if (!process.env.CI) return;
    const skipped = results.testResults.flatMap(suite => suite.testResults
      .filter(t => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped')
      .map(t => `${suite.testFilePath.replace(`${process.cwd()}/`, '')}: ${t.fullName}`));
    if (skipped.length === 0) return;
    const listed = skipped.slice(0, 20).concat(skipped.length > 20 ? [`and ${skipped.length - 20} more`] : []);
    this.error = new Error(`${skipped.length} test(s) skipped under CI=true, where every test must run:\n  ${listed.join('\n  ')}`);
    process.stderr.write(`\n${this.error.message}\n`);
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SkipGuardReporter;
