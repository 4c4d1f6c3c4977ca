/**
 * The GitHub workflows: both pass actionlint (built from the Go module proxy by `.ci/run setup`),
 * and the build runs exactly `.ci/run`'s stages, in its order, rather than a copy of their logic.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

function actionlint(): string | undefined {
  const candidates = [process.env.ACTIONLINT];
  try {
    candidates.push(path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf-8' }).trim(), 'bin', 'actionlint'));
  } catch {
    // no Go here
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).map(d => path.join(d, 'actionlint')));
  return candidates.find(c => c !== undefined && c !== '' && fs.existsSync(c));
}

function onPath(tool: string): string | undefined {
  return (process.env.PATH ?? '').split(path.delimiter).map(d => path.join(d, tool)).find(p => fs.existsSync(p));
}

const ACTIONLINT = actionlint();
if (!ACTIONLINT && process.env.CI !== 'true') {
  process.stderr.write('*** workflows test: no actionlint (bash .ci/run setup builds it), so the lint is skipped ***\n');
}

const ciStages = (): string[] => {
  const m = /^ALL_STAGES=\(([^)]*)\)$/m.exec(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf-8'));
  return m![1].trim().split(/\s+/);
};

describe('GitHub workflows', () => {
  (ACTIONLINT || process.env.CI === 'true' ? test : test.skip)('every workflow passes actionlint (shellcheck on our own build as well)', () => {
    expect(ACTIONLINT).toBeDefined();
    const files = fs.readdirSync(WORKFLOWS).filter(f => f.endsWith('.yml')).sort();
    expect(files).toEqual(['build.yml', 'pull-request-lint.yml', 'release.yml']);
    // projen writes release.yml; shellcheck's notes on its scripts (quoting style) are not ours to fix.
    const all = spawnSync(ACTIONLINT!, ['-shellcheck=', ...files.map(f => path.join(WORKFLOWS, f))], { encoding: 'utf-8' });
    expect(all.stdout + all.stderr).toBe('');
    expect(all.status).toBe(0);
    const shellcheck = onPath('shellcheck');
    if (process.env.CI === 'true') expect(shellcheck).toBeDefined();
    if (shellcheck) {
      const ours = spawnSync(ACTIONLINT!, [`-shellcheck=${shellcheck}`, path.join(WORKFLOWS, 'build.yml')], { encoding: 'utf-8' });
      expect(ours.stdout + ours.stderr).toBe('');
      expect(ours.status).toBe(0);
    }
  });

  test('the build runs .ci/run\'s stages, each once, in order, as root, on pull requests and main', () => {
    const build = parse(fs.readFileSync(path.join(WORKFLOWS, 'build.yml'), 'utf-8'));
    expect(Object.keys(build.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(build.on.push.branches).toEqual(['main']);
    const runs: string[] = build.jobs.ci.steps.filter((s: any) => s.run !== undefined).map((s: any) => s.run);
    const stages = runs.map(r => /^sudo --preserve-env env "PATH=\$PATH" "HOME=\$HOME" bash \.ci\/run (\w+)$/.exec(r)?.[1]);
    expect(stages).toEqual(ciStages());
    expect(ciStages()).toEqual(['setup', 'install', 'build', 'package', 'test', 'deploy', 'consumer', 'python', 'cdktn', 'bench', 'smoke', 'summary']);
    const uses = build.jobs.ci.steps.map((s: any) => s.uses).filter(Boolean);
    expect(uses).toContainEqual('hashicorp/setup-terraform@v3');
    expect(build.jobs.ci.steps.find((s: any) => s.uses === 'hashicorp/setup-terraform@v3').with).toEqual({ terraform_version: '1.11.4', terraform_wrapper: false });
  });

  test('the release build sets up the toolchain before `npx projen release`, and publishes to npm and PyPI', () => {
    const release = parse(fs.readFileSync(path.join(WORKFLOWS, 'release.yml'), 'utf-8'));
    const steps: any[] = release.jobs.release.steps;
    const setup = steps.findIndex(s => s.run === 'sudo --preserve-env env "PATH=$PATH" "HOME=$HOME" bash .ci/run setup');
    const run = steps.findIndex(s => s.run === 'npx projen release');
    expect(setup).toBeGreaterThan(-1);
    expect(run).toBeGreaterThan(setup);
    expect(Object.keys(release.jobs).sort()).toEqual(['release', 'release_github', 'release_npm', 'release_pypi']);
    expect(JSON.stringify(release.jobs.release_npm)).toContain('secrets.NPM_TOKEN');
    expect(JSON.stringify(release.jobs.release_pypi)).toMatch(/secrets\.TWINE_(USERNAME|PASSWORD)/);
  });

  test('a stage .ci/run does not know is refused, naming the stages', () => {
    const r = spawnSync('bash', [path.join(ROOT, '.ci', 'run'), 'nosuchstage'], { encoding: 'utf-8' });
    expect(r.status).toBe(2);
    expect(r.stdout.trim()).toBe(`no stage named nosuchstage; the stages: ${ciStages().join(' ')}`);
  });
});
