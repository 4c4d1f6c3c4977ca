/**
 * Benchmarks, each figure a ratio against a baseline measured in the same run.
 * `npm run bench` writes docs/benchmarks.md; `npm run bench -- --quick` runs tiny fixtures once,
 * only to keep the scripts working (CI runs it; no figure is asserted anywhere).
 * `npm run bench -- --only=downtime` (scenario 8), `--only=python` (scenario 9), `--only=swarm` (scenario 10) or `--only=asgi` (scenario 11) runs that scenario
 * alone and replaces its section in the doc.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { asgiScenario } from './asgi';
import { downtimeScenario } from './downtime';
import { engineScenarios } from './engine';
import { bigRepo } from './fixtures';
import { pythonSynthScenario } from './python-synth';
import { swarmRolloutScenario } from './swarm-rollout';

const QUICK = process.argv.includes('--quick');
/** `--only=downtime` (scenario 8) or `--only=python` (scenario 9): that scenario alone, spliced into the doc. */
const ONLY = process.argv.find(a => a.startsWith('--only='))?.slice('--only='.length);
const RUNS = QUICK ? 1 : 5;
const WORK = path.join(os.tmpdir(), 'cdktf-wsgi-bench');
const ROOT = path.resolve(__dirname, '..');

interface Sample { ms: number; maxRssMiB: number }

function measure(scenario: string, mode: string, args: unknown): Sample {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'worker.ts'), scenario, mode, JSON.stringify(args)],
    { cwd: ROOT, encoding: 'utf-8', env: { ...process.env, TS_NODE_COMPILER_OPTIONS: '{"module":"commonjs"}' }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runs(scenario: string, mode: string, args: () => unknown): { ms: number; maxRssMiB: number } {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(measure(scenario, mode, args()));
  return { ms: median(samples.map(s => s.ms)), maxRssMiB: median(samples.map(s => s.maxRssMiB)) };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function stagingScenario(): string[] {
  const ignoredMiB = QUICK ? 16 : 1024;
  const { root } = bigRepo(path.join(WORK, `repo-${ignoredMiB}`), 300, ignoredMiB);
  const files = [...listApp(root)];
  const outdir = () => fs.mkdtempSync(path.join(WORK, 'out-'));
  const ours = runs('staging', 'ours', () => ({ root, outdir: outdir() }));
  const oursStaging = runs('staging', 'ours-staging', () => ({ root, outdir: outdir() }));
  const walkHash = runs('staging', 'ours-walk-hash', () => ({ root, outdir: outdir() }));
  const asset = runs('staging', 'asset', () => ({ root, outdir: outdir() }));
  const floor = runs('staging', 'floor', () => ({ root, files }));
  const small = bigRepo(path.join(WORK, 'repo-small'), 300, 1);
  const oursSmall = runs('staging', 'ours', () => ({ root: small.root, outdir: outdir() }));
  cleanOutdirs();
  return [
    '## 1. Context staging on a big repo',
    '',
    `An app of 300 Python files beside ${fmt(ignoredMiB)} MiB of ignored content (.git objects, a .venv, node_modules, __pycache__). ` +
      'Times are staging plus fingerprint, whole process work after start-up; median of ' + RUNS + ' run(s).',
    '',
    '| Variant | Time (ms) | Peak RSS (MiB) |',
    '|---|---|---|',
    `| cdktf-wsgi \`WsgiImage\`, whole synth (construct tree, app scan, staging, cdk.tf.json) | ${fmt(ours.ms)} | ${fmt(ours.maxRssMiB)} |`,
    `| cdktf-wsgi staging + fingerprint alone (pruned walk, hash, staged copy) | ${fmt(oursStaging.ms)} | ${fmt(oursStaging.maxRssMiB)} |`,
    `| the same without writing the staged copy (pruned walk + hash) | ${fmt(walkHash.ms)} | ${fmt(walkHash.maxRssMiB)} |`,
    `| (a) raw \`TerraformAsset\` of the directory | ${fmt(asset.ms)} | ${fmt(asset.maxRssMiB)} |`,
    `| (b) floor: read + SHA-256 of the included files only | ${fmt(floor.ms)} | ${fmt(floor.maxRssMiB)} |`,
    `| cdktf-wsgi on the same app with 1 MiB ignored | ${fmt(oursSmall.ms)} | ${fmt(oursSmall.maxRssMiB)} |`,
    '',
    `Ratios: ${fmt(asset.ms / ours.ms, 1)}× faster than TerraformAsset (target ≥ 20×); staging + fingerprint is ${fmt(oursStaging.ms / floor.ms, 1)}× the floor ` +
      `(target ≤ 2×), the whole synth ${fmt(ours.ms / floor.ms, 1)}×. ` +
      `Peak memory with ${fmt(ignoredMiB)} MiB ignored vs 1 MiB ignored: ${fmt(ours.maxRssMiB / oursSmall.maxRssMiB, 2)}× (target: independent of ignored content).`,
    '',
    'The floor only reads and hashes a list it is given; staging must also find that list (walking the directory, pruning ignored trees ' +
      'without entering them) and write the copy that `docker build` reads. ' +
      `Without the copy, the walk and hash take ${fmt(walkHash.ms)} ms (${fmt(walkHash.ms / floor.ms, 1)}× the floor); writing the 300 files adds ` +
      `${fmt(oursStaging.ms - walkHash.ms)} ms although they are written from the bytes already read for the hash. ` +
      (oursStaging.ms / floor.ms > 2 && walkHash.ms / floor.ms <= 2
        ? '**The ≤ 2× target is missed because staging writes a copy** (the walk and hash alone are within it): creating 300 files costs more than reading them on this machine, '
        : `The walk and hash alone are ${fmt(walkHash.ms / floor.ms, 1)}× the floor in this run. Creating files costs more than reading them, `) +
      'and each run is a fresh process, so the walk also pays for the JIT warming up. Hard links would avoid the copy, but a file edited in place ' +
      'after synth would then change the staged context under an old fingerprint (and a chmod would change the user\'s file), so the copy stays. ' +
      'The whole-synth row adds the construct tree, the app scan (entrypoint, imports, Django settings) and cdk.tf.json. ' +
      'Every run starts a fresh Node process whose start-up is not counted.',
    '',
  ];
}

function listApp(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true } as any) as string[]).map(String)
    .filter(f => !/(^|\/)(\.git|\.venv|node_modules|__pycache__)(\/|$)/.test(f) && !f.endsWith('.complete'))
    .filter(f => fs.statSync(path.join(root, f)).isFile()).sort();
}

function cleanOutdirs(): void {
  for (const d of fs.readdirSync(WORK)) if (d.startsWith('out-')) fs.rmSync(path.join(WORK, d), { recursive: true, force: true });
}

/** N small Flask service directories, each an app of its own (created once, reused). */
function serviceApps(n: number): string[] {
  const appsRoot = path.join(WORK, 'services');
  return Array.from({ length: n }, (_, i) => {
    const dir = path.join(appsRoot, `svc${i}`);
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'manager.py'), 'from app import app\n');
      fs.writeFileSync(path.join(dir, 'app', '__init__.py'), `from flask import Flask\napp = Flask(__name__)  # service ${i}\n`);
      fs.writeFileSync(path.join(dir, 'requirements.txt'), 'Flask\ngunicorn\n');
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.11-slim\n');
    }
    return dir;
  });
}

function synthScenario(): string[] {
  const counts = QUICK ? [1, 5] : [1, 50, 200];
  const rows: string[] = [];
  const results: Array<{ n: number; ours: Sample; hand: Sample }> = [];
  for (const n of counts) {
    const apps = serviceApps(n);
    const outdir = () => fs.mkdtempSync(path.join(WORK, 'out-'));
    const ours = runs('synth', 'ours', () => ({ apps, outdir: outdir() }));
    const hand = runs('synth', 'hand', () => ({ apps, outdir: outdir() }));
    cleanOutdirs();
    results.push({ n, ours, hand });
    rows.push(`| ${n} | ${fmt(ours.ms)} | ${fmt(hand.ms)} | ${fmt(ours.ms / hand.ms, 2)}× | ${fmt(ours.maxRssMiB)} | ${fmt(hand.maxRssMiB)} |`);
  }
  const first = results[0];
  const last = results[results.length - 1];
  return [
    '## 2. Synth at scale',
    '',
    'Whole synth (construct tree, staging, cdk.tf.json) of a stack with N services, each with its own small app directory, ' +
      'against the same resources written by hand with the raw provider classes and a TerraformAsset per service (the hand-written container sets ' +
      'every attribute the library sets: health check, wait, stop settings, hardening, tmpfs, label). Median of ' + RUNS + ' run(s). ' +
      'Both run through ts-node, as a TypeScript `cdktf synth` does; cdktf records a full stack trace for every token and nested block, ' +
      'which source-map-support makes costly, and that cost grows with the number of attributes set.',
    '',
    '| Services | cdktf-wsgi (ms) | hand-written (ms) | ratio | cdktf-wsgi RSS (MiB) | hand-written RSS (MiB) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Target: within 1.5× of hand-written at the largest size (measured ${fmt(last.ours.ms / last.hand.ms, 2)}×). ` +
      `Growth: ${fmt(last.ours.ms / first.ours.ms, 1)}× the time for ${last.n / first.n}× the services (linear or better means at most ${last.n / first.n}×).`,
    '',
  ];
}

/**
 * One scenario alone, its section replaced in (or added to) docs/benchmarks.md. A section is known
 * by its heading line, which names the provider version it ran with, so each provider line's run
 * of a scenario keeps its own section, next to the other's.
 */
async function onlyScenario(number: number, lines: string[]): Promise<void> {
  const section = lines.join('\n');
  const target = QUICK ? path.join(WORK, 'benchmarks-quick.md') : path.join(ROOT, 'docs', 'benchmarks.md');
  const doc = fs.existsSync(target) ? fs.readFileSync(target, 'utf-8') : '# Benchmarks\n';
  const sectionEnd = (from: number) => { const next = doc.indexOf('\n## ', from + 1); return next < 0 ? doc.length : next + 1; };
  const same = doc.indexOf(`${lines[0]}\n`);
  let text: string;
  if (same >= 0) {
    text = `${doc.slice(0, same)}${section}${doc.slice(sectionEnd(same))}`;
  } else {
    // After the last section of the same number, or at the end.
    let last = -1;
    for (let i = doc.indexOf(`## ${number}. `); i >= 0; i = doc.indexOf(`\n## ${number}. `, i + 1)) last = i === 0 || doc[i] === '#' ? i : i + 1;
    const at = last < 0 ? doc.length : sectionEnd(last);
    text = `${doc.slice(0, at).trimEnd()}\n\n${section}${at < doc.length ? `\n${doc.slice(at)}` : ''}`;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text.endsWith('\n') ? text : `${text}\n`);
  process.stdout.write(`${section}\nwritten to ${target}\n`);
}

async function main(): Promise<void> {
  fs.mkdirSync(WORK, { recursive: true });
  const pythonOptions = { quick: QUICK, work: WORK, runs: QUICK ? 1 : RUNS, apps: serviceApps };
  if (ONLY === 'downtime') return onlyScenario(8, await downtimeScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }));
  if (ONLY === 'python') return onlyScenario(9, pythonSynthScenario(pythonOptions));
  if (ONLY === 'swarm') return onlyScenario(10, await swarmRolloutScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }));
  if (ONLY === 'asgi') return onlyScenario(11, await asgiScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }));
  if (ONLY !== undefined) throw new Error(`--only=${ONLY}: use --only=downtime, --only=python, --only=swarm or --only=asgi`);
  const sections = [
    ...stagingScenario(),
    ...synthScenario(),
    ...await engineScenarios({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }),
    ...await downtimeScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }),
    ...pythonSynthScenario(pythonOptions),
    ...await swarmRolloutScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }),
    ...await asgiScenario({ quick: QUICK, work: WORK, runs: QUICK ? 1 : 3 }),
  ];
  const header = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\`${QUICK ? ' in quick mode (tiny fixtures, one run: figures are not meaningful)' : ''} on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      'A shared, noisy machine: every figure is a median, and every claim a ratio against a baseline measured in the same run.',
    '',
  ];
  const text = [...header, ...sections].join('\n');
  const target = QUICK ? path.join(WORK, 'benchmarks-quick.md') : path.join(ROOT, 'docs', 'benchmarks.md');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  process.stdout.write(`${text}\nwritten to ${target}\n`);
}

main().catch(e => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
