/**
 * CONTRIBUTING.md's commands name things that exist: every `npx projen <task>` is a projen task,
 * every `--testPathPatterns` matches a test file of the project it selects, every `.ci/run` stage is
 * one, and every repository path it quotes is there. (.ci/run and the workflows test run the rest.)
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const TEXT = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf-8');
const COMMANDS = [...TEXT.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(m => m[1].split('\n'))
  .map(l => l.replace(/\s+#.*$/, '').trim()).filter(l => l.length > 0);
const TASKS = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks);

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === 'node_modules' ? [] : testFiles(p)) : e.name.endsWith('.test.ts') ? [path.relative(ROOT, p)] : [];
  });
}

describe('CONTRIBUTING.md', () => {
  test('its commands are the README\'s set-up, projen tasks, jest runs and .ci/run stages, and nothing unknown', () => {
    const kinds = COMMANDS.map(c => c.split(/\s+/).find(w => !/^[A-Z_]+=/.test(w) && w !== 'sudo'));
    expect(new Set(kinds)).toEqual(new Set(['npm', 'npx', 'bash', 'export']));
    // The one variable it sets: Engine 29's programs first on PATH, as .ci/run puts them.
    expect(COMMANDS.filter(c => c.startsWith('export '))).toEqual(['export PATH="$(bash scripts/docker-engine.sh):$PATH"']);
    expect(COMMANDS).toContain('npm ci && CHECKPOINT_DISABLE=1 npx cdktf synth');
    expect(COMMANDS).toContain('npx projen test');
    expect(COMMANDS.length).toBeGreaterThanOrEqual(10);
  });

  test('every `npx projen <task>` it runs is a task', () => {
    const named = COMMANDS.flatMap(c => [...c.matchAll(/npx projen(?: ([a-z:-]+))?/g)].map(m => m[1] ?? 'default'));
    expect(named.length).toBeGreaterThanOrEqual(7);
    expect(named.filter(t => !TASKS.includes(t))).toEqual([]);
    // Its prose names tasks too.
    const prose = [...TEXT.matchAll(/`npx projen ([a-z:-]+)`/g)].map(m => m[1]);
    expect(prose.filter(t => !TASKS.includes(t))).toEqual([]);
  });

  test('every jest filter matches a test file in the project it selects', () => {
    const runs = COMMANDS.filter(c => /\bnpx jest\b/.test(c));
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) {
      const project = /--selectProjects (\w+)/.exec(run)?.[1];
      const pattern = /--testPathPatterns (\S+)/.exec(run)?.[1];
      expect([run, project]).toEqual([run, expect.stringMatching(/^(unit|engine)$/)]);
      const files = testFiles(path.join(ROOT, 'test')).filter(f => (project === 'engine') === f.includes('.engine.test.ts'));
      expect(files.some(f => new RegExp(pattern!).test(f))).toBe(true);
    }
  });

  test('every .ci/run stage it runs is one', () => {
    const stages = /^ALL_STAGES=\(([^)]*)\)$/m.exec(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf-8'))![1].split(/\s+/);
    const used = [...TEXT.matchAll(/bash \.ci\/run (\w+)/g)].map(m => m[1]);
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(used.filter(s => !stages.includes(s))).toEqual([]);
  });

  test('every repository path it quotes exists', () => {
    const quoted = [...TEXT.matchAll(/`((?:src|test|scripts|\.ci|\.github|docs|examples)\/[^`*\s]+|[A-Z]+\.md|\.projenrc\.ts)`/g)].map(m => m[1]);
    expect(quoted.length).toBeGreaterThanOrEqual(10);
    expect(quoted.filter(p => !fs.existsSync(path.join(ROOT, p.replace(/\/$/, ''))))).toEqual([]);
  });
});
