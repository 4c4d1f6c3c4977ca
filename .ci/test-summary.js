// The closing line of a CI run, from jest's own JSON result: "N passed, N failed, N skipped".
// A suite that failed to run, or failed outside its tests (an afterAll), counts as one failure;
// so does a non-zero exit with no failure in jest's result (type-check or lint), or no result at all.
// With a pytest JUnit file as well, its counts are added and the line starts with "total:".
// Usage: node .ci/test-summary.js <jest.json> <exit status of the test command> [pytest.xml]
'use strict';
const fs = require('fs');
const path = require('path');

const [file, statusArg, pytestXml] = process.argv.slice(2);
const status = Number(statusArg);
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];

if (!fs.existsSync(file)) {
  failed = 1;
  notes.push(`no jest result at ${file}: the test command failed before jest ran (type-check?)`);
} else {
  const result = JSON.parse(fs.readFileSync(file, 'utf-8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests;
  skipped = result.numPendingTests + result.numTodoTests;
  for (const suite of result.testResults) {
    const failedTests = suite.assertionResults.filter(a => a.status === 'failed').length;
    if (suite.status === 'failed' && failedTests === 0) {
      failed += 1;
      const first = String(suite.message || 'no message').split('\n').map(l => l.trim()).find(l => l && !l.startsWith('●')) || '';
      notes.push(`suite ${path.relative(process.cwd(), suite.name)} failed outside its tests: ${first}`);
    }
  }
}
if (status !== 0 && failed === 0) {
  failed = 1;
  notes.push(`the test command exited ${status} with every test passed: type-check or lint failed (see above)`);
}
let prefix = '';
if (pytestXml) {
  prefix = 'total: ';
  if (!fs.existsSync(pytestXml)) {
    failed += 1;
    notes.push(`no pytest result at ${pytestXml}`);
  } else {
    const xml = fs.readFileSync(pytestXml, 'utf-8');
    const attr = name => Number((new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`).exec(xml) || [])[1] || 0);
    const pyFailed = attr('failures') + attr('errors');
    passed += attr('tests') - pyFailed - attr('skipped');
    failed += pyFailed;
    skipped += attr('skipped');
  }
}
for (const note of notes) console.log(`  ${note}`);
console.log(`${prefix}${passed} passed, ${failed} failed, ${skipped} skipped`);
