// The closing line of a CI run, from jest's own JSON results and pytest's JUnit file:
// "N passed, N failed, N skipped". A suite that failed to run, or failed outside its tests (an
// afterAll), counts as one failure; so does a non-zero exit with no failure in the results
// (type-check or lint), or a report that is missing. With more than one report the line starts
// with "total:". --providers names the kreuzwerker/docker versions the engine suites ran against.
// Usage: node .ci/test-summary.js [--providers "4.6.0 3.6.2"] <exit status> <jest.json | pytest.xml>...
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let providers;
if (args[0] === '--providers') {
  providers = args[1];
  args.splice(0, 2);
}
const [statusArg, ...reports] = args;
const status = Number(statusArg);
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

function readJest(file) {
  const result = JSON.parse(fs.readFileSync(file, 'utf-8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  for (const suite of result.testResults) {
    const failedTests = suite.assertionResults.filter(a => a.status === 'failed').length;
    if (suite.status === 'failed' && failedTests === 0) {
      failed += 1;
      const first = String(suite.message || 'no message').split('\n').map(l => l.trim()).find(l => l && !l.startsWith('●')) || '';
      notes.push(`suite ${path.relative(process.cwd(), suite.name)} failed outside its tests: ${first}`);
    }
  }
}

function readPytest(file) {
  const xml = fs.readFileSync(file, 'utf-8');
  const attr = name => Number((new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`).exec(xml) || [])[1] || 0);
  const pyFailed = attr('failures') + attr('errors');
  passed += attr('tests') - pyFailed - attr('skipped');
  failed += pyFailed;
  skipped += attr('skipped');
}

for (const file of reports) {
  if (!fs.existsSync(file)) {
    failed += 1;
    notes.push(`no test result at ${file}: the test command failed before its runner reported (type-check?)`);
  } else if (file.endsWith('.xml')) {
    readPytest(file);
  } else {
    readJest(file);
  }
}
if (status !== 0 && failed === 0) {
  failed = 1;
  notes.push(`the test command exited ${status} with every test passed: type-check or lint failed (see above)`);
}
if (process.env.CI && skipped > 0) {
  notes.push(`${skipped} skipped under CI=true, where no test may skip: counted as failures`);
  failed += skipped;
}
for (const note of notes) console.log(`  ${note}`);
if (providers) console.log(`engine suites and deploys ran against kreuzwerker/docker ${providers}`);
console.log(`${reports.length > 1 ? 'total: ' : ''}${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
