/**
 * .ci/test-summary.js, the closing lines of a CI run, on reports made up here: what it counts, and
 * the run it fails (a test file that did not run, an engine suite that deployed with another line,
 * a case that cannot run here for a reason this machine is not known to have).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SUMMARY = path.join(__dirname, '..', '.ci', 'test-summary.js');
const NO_IPVS = 'the swarm ingress mesh needs IPVS, which this kernel lacks';

interface Run {
  /** The tests each jest report holds, by test file, relative to the repository. */
  readonly jest: Record<string, Record<string, string[]>>;
  readonly deployed: Array<{ pass: string; suite: string; version: string }>;
  readonly cannotRun?: Array<{ pass: string; what: string; why: string }>;
}

/** A repository with two unit files, three engine suites (one of them on the second line), and the run's reports. */
function repository(run: Run): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-summary-'));
  for (const f of ['test/a.test.ts', 'test/private/b.test.ts', 'test/engine/x.engine.test.ts', 'test/engine/y.engine.test.ts', 'test/engine/z.engine.test.ts']) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), '');
  }
  fs.writeFileSync(path.join(root, 'test/engine/second-line.json'), JSON.stringify({ suites: { 'x.engine.test.ts': 'why' } }));
  fs.mkdirSync(path.join(root, 'test-reports'));
  for (const [report, files] of Object.entries(run.jest)) {
    const testResults = Object.entries(files).map(([file, statuses]) => ({
      name: path.join(root, file), status: 'passed', message: '', assertionResults: statuses.map(status => ({ status })),
    }));
    const count = (s: string) => Object.values(files).flat().filter(t => t === s).length;
    fs.writeFileSync(path.join(root, 'test-reports', report), JSON.stringify({
      numPassedTests: count('passed'), numFailedTests: count('failed'), numPendingTests: count('pending'), numTodoTests: 0, testResults,
    }));
  }
  const lines = (rows: object[]) => rows.map(r => `${JSON.stringify(r)}\n`).join('');
  fs.writeFileSync(path.join(root, 'test-reports/provider-lines.jsonl'), lines(run.deployed));
  if (run.cannotRun) fs.writeFileSync(path.join(root, 'test-reports/cannot-run-here.jsonl'), lines(run.cannotRun));
  return root;
}

function summarize(root: string, ci = true): { status: number | null; lines: string[] } {
  const reports = fs.readdirSync(path.join(root, 'test-reports')).filter(f => f.endsWith('.json')).sort().map(f => `test-reports/${f}`);
  const { CI: _ci, ...env } = process.env;
  const out = spawnSync(process.execPath, [SUMMARY, '--providers', '4.6.0 3.6.2', '--root', root, '0', ...reports],
    { cwd: root, encoding: 'utf-8', env: ci ? { ...env, CI: 'true' } : env });
  return { status: out.status, lines: out.stdout.trimEnd().split('\n') };
}

const GOOD: Run = {
  jest: {
    'jest.json': {
      'test/a.test.ts': ['passed', 'passed'],
      'test/private/b.test.ts': ['passed'],
      'test/engine/x.engine.test.ts': ['passed'],
      'test/engine/y.engine.test.ts': ['passed', 'passed'],
      'test/engine/z.engine.test.ts': ['passed'],
    },
    'jest-engine-3.6.2.json': { 'test/engine/x.engine.test.ts': ['passed'] },
  },
  deployed: [
    { pass: '4.6.0', suite: 'x.engine.test.ts', version: '4.6.0' },
    { pass: '4.6.0', suite: 'y.engine.test.ts', version: '4.6.0' },
    { pass: '4.6.0', suite: 'z.engine.test.ts', version: '3.6.2' },
    { pass: '4.6.0', suite: 'z.engine.test.ts', version: '4.6.0' },
    { pass: '3.6.2', suite: 'x.engine.test.ts', version: '3.6.2' },
  ],
};

describe('.ci/test-summary.js', () => {
  test('every file ran in its pass and every engine suite deployed with its line: the counts, the lines, exit 0', () => {
    expect(summarize(repository(GOOD))).toEqual({
      status: 0,
      lines: ['engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2', 'total: 8 passed, 0 failed, 0 skipped'],
    });
  });

  test('a test file missing from its pass, or a suite that ran in the wrong pass, fails the run, naming them', () => {
    const jest = {
      'jest.json': { ...GOOD.jest['jest.json'] },
      'jest-engine-3.6.2.json': { ...GOOD.jest['jest-engine-3.6.2.json'], 'test/engine/y.engine.test.ts': ['passed'] },
    };
    delete jest['jest.json']['test/private/b.test.ts'];
    expect(summarize(repository({ ...GOOD, jest }))).toEqual({
      status: 1,
      lines: [
        '  test-reports/jest.json: did not run test/private/b.test.ts',
        '  test-reports/jest-engine-3.6.2.json: ran suites not expected in this pass: test/engine/y.engine.test.ts',
        'engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2',
        'total: 8 passed, 2 failed, 0 skipped',
      ],
    });
  });

  test('an engine suite that deployed nothing with its pass\'s line, or deployed another, fails the run', () => {
    const deployed = [...GOOD.deployed.filter(d => !(d.pass === '3.6.2')), { pass: '3.6.2', suite: 'x.engine.test.ts', version: '4.5.0' }];
    expect(summarize(repository({ ...GOOD, deployed }))).toEqual({
      status: 1,
      lines: [
        '  these engine suites of the 3.6.2 pass deployed nothing with kreuzwerker/docker 3.6.2: x.engine.test.ts',
        '  engine suites deployed with kreuzwerker/docker 4.5.0, which is not a line under test (4.6.0, 3.6.2)',
        'engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2',
        'total: 8 passed, 2 failed, 0 skipped',
      ],
    });
  });

  test('a case that cannot run here is listed once with the lines it was reported on, and fails the run only for a reason not known for this machine', () => {
    const cannotRun = [
      { pass: '4.6.0', what: 'ingress spreads requests', why: NO_IPVS },
      { pass: '3.6.2', what: 'ingress spreads requests', why: NO_IPVS },
      { pass: '4.6.0', what: 'a GPU answers', why: 'no GPU' },
    ];
    expect(summarize(repository({ ...GOOD, cannotRun }))).toEqual({
      status: 1,
      lines: [
        `  cannot run here, not checked: ingress spreads requests (${NO_IPVS}); kreuzwerker/docker 4.6.0, 3.6.2`,
        '  cannot run here, not checked: a GPU answers (no GPU); kreuzwerker/docker 4.6.0',
        '  a case reported that it cannot run here for a reason not known for this machine: a GPU answers (no GPU)',
        'engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2; 2 case(s) cannot run on this machine (listed above)',
        'total: 8 passed, 1 failed, 0 skipped',
      ],
    });
  });

  test('a skipped test is a failure under CI=true and only counted outside it', () => {
    const jest = { ...GOOD.jest, 'jest.json': { ...GOOD.jest['jest.json'], 'test/a.test.ts': ['passed', 'pending'] } };
    const root = repository({ ...GOOD, jest });
    expect(summarize(root).lines.slice(-2)).toEqual(['engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2', 'total: 7 passed, 1 failed, 1 skipped']);
    expect(summarize(root).status).toBe(1);
    expect(summarize(root, false)).toEqual({ status: 0, lines: ['engine suites and deploys ran against kreuzwerker/docker 4.6.0 3.6.2', 'total: 7 passed, 0 failed, 1 skipped'] });
  });
});
