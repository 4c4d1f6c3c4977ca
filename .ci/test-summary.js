// The closing line of a CI run, from jest's own JSON results and pytest's JUnit file:
// "N passed, N failed, N skipped". A suite that failed to run, or failed outside its tests (an
// afterAll), counts as one failure; so does a non-zero exit with no failure in the results
// (type-check or lint), or a report that is missing. With more than one report the line starts
// with "total:". --providers names the kreuzwerker/docker versions the engine suites ran against,
// the main pass's first: then the summary also checks that every test file ran (test/**/*.test.ts
// in jest.json, test/engine/second-line.json's suites in each jest-engine-<line>.json), that each
// engine suite deployed with its pass's line (test-reports/provider-lines.jsonl, written from
// Terraform's lock files), and lists the cases that cannot run on this machine
// (test-reports/cannot-run-here.jsonl), failing on any it does not know to be impossible here.
// Usage: node .ci/test-summary.js [--providers "4.6.0 3.6.2"] [--root DIR] <exit status> <jest.json | pytest.xml>...
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let providers;
// The repository whose test files and test-reports/*.jsonl are read; its own tests point it elsewhere.
let root = path.join(__dirname, '..');
while (args[0] === '--providers' || args[0] === '--root') {
  if (args[0] === '--providers') providers = args[1];
  else root = path.resolve(args[1]);
  args.splice(0, 2);
}
const [statusArg, ...reports] = args;
/** Why a case may not run on this kind of machine; anything else reported as such is a failure. */
const KNOWN_IMPOSSIBLE_HERE = ['the swarm ingress mesh needs IPVS, which this kernel lacks'];
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

/** Test files below dir (relative to the repository), recursively. */
function testFiles(dir, pattern) {
  return fs.readdirSync(path.join(root, dir), { recursive: true }).map(String)
    .filter(f => pattern.test(f)).map(f => path.posix.join(dir, f.split(path.sep).join('/'))).sort();
}

/** The suites a jest report ran, relative to the repository. */
function suitesRan(file) {
  return JSON.parse(fs.readFileSync(file, 'utf-8')).testResults.map(r => path.relative(root, r.name).split(path.sep).join('/')).sort();
}

function readLines(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8').split('\n').filter(Boolean).map(l => JSON.parse(l)) : [];
}

/** Every test file ran in its pass, and each engine suite deployed with its pass's provider line. */
function checkSuitesAndLines(lines) {
  const secondLine = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'test/engine/second-line.json'), 'utf-8')).suites);
  const engine = testFiles('test/engine', /\.engine\.test\.ts$/);
  const unit = testFiles('test', /\.test\.ts$/).filter(f => !f.startsWith('test/engine/'));
  const passes = lines.map((line, i) => ({
    line,
    report: path.join(root, i === 0 ? 'test-reports/jest.json' : `test-reports/jest-engine-${line}.json`),
    engine: i === 0 ? engine : secondLine.map(f => `test/engine/${f}`),
  }));
  const deployed = readLines(path.join(root, 'test-reports/provider-lines.jsonl'));
  for (const { line, report, engine: expected } of passes) {
    if (!fs.existsSync(report)) continue; // counted as a failure above
    const ran = suitesRan(report);
    const wanted = line === lines[0] ? [...unit, ...expected].sort() : expected.slice().sort();
    const missing = wanted.filter(f => !ran.includes(f));
    const extra = ran.filter(f => !wanted.includes(f));
    if (missing.length + extra.length > 0) {
      failed += 1;
      notes.push(`${path.relative(root, report)}: ${missing.length ? `did not run ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `ran suites not expected in this pass: ${extra.join(', ')}` : ''}`);
    }
    const notOnLine = expected.map(f => path.basename(f)).filter(suite => !deployed.some(d => d.pass === line && d.suite === suite && d.version === line));
    if (notOnLine.length > 0) {
      failed += 1;
      notes.push(`these engine suites of the ${line} pass deployed nothing with kreuzwerker/docker ${line}: ${notOnLine.join(', ')}`);
    }
  }
  const strange = [...new Set(deployed.map(d => d.version))].filter(v => !lines.includes(v));
  if (strange.length > 0) {
    failed += 1;
    notes.push(`engine suites deployed with kreuzwerker/docker ${strange.join(', ')}, which is not a line under test (${lines.join(', ')})`);
  }
}

/** Lists what could not run here, and fails on a reason this machine is not known to have. */
function reportCannotRun() {
  const seen = new Map();
  for (const c of readLines(path.join(root, 'test-reports/cannot-run-here.jsonl'))) {
    const key = `${c.what} (${c.why})`;
    seen.set(key, [...new Set([...(seen.get(key) ?? []), c.pass])]);
    if (!KNOWN_IMPOSSIBLE_HERE.includes(c.why)) {
      failed += 1;
      notes.push(`a case reported that it cannot run here for a reason not known for this machine: ${key}`);
    }
  }
  for (const [key, passes] of seen) console.log(`  cannot run here, not checked: ${key}; kreuzwerker/docker ${passes.join(', ')}`);
  return seen.size;
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
let cannotRun = 0;
if (providers) {
  checkSuitesAndLines(providers.split(/\s+/).filter(Boolean));
  cannotRun = reportCannotRun();
}
for (const note of notes) console.log(`  ${note}`);
if (providers) console.log(`engine suites and deploys ran against kreuzwerker/docker ${providers}${cannotRun ? `; ${cannotRun} case(s) cannot run on this machine (listed above)` : ''}`);
console.log(`${reports.length > 1 ? 'total: ' : ''}${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
