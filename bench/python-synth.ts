/**
 * Scenario 9: what a Python stack costs at synth. jsii runs the library in a Node child process,
 * so every construct, property and call from Python crosses a process boundary. The same stack
 * of N services (a WsgiImage and a WsgiContainer each) is synthesized by a Python program through
 * the wheel and by the equivalent JavaScript program on the compiled library, each as a whole
 * process, as `cdktf synth` runs them. The Python program also reports where its time went.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TS_NODE = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
/** The cdktf TypeScript template's compiler settings that matter here. */
const TS_OPTIONS = JSON.stringify({ module: 'commonjs', target: 'ES2020', strict: true, esModuleInterop: true, skipLibCheck: true });

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The venv test/python/run.sh leaves behind (or CDKTF_WSGI_PY_VENV); undefined when it lacks the wheel. */
function pythonOfVenv(): string | undefined {
  const venv = process.env.CDKTF_WSGI_PY_VENV ?? path.join(process.env.TMPDIR ?? '/tmp', 'cdktf-wsgi-pyvenv');
  const python = path.join(venv, 'bin', 'python3');
  if (!fs.existsSync(python)) return undefined;
  const probe = spawnSync(python, ['-c', 'import cdktf_wsgi'], { env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  return probe.status === 0 ? python : undefined;
}

/** The same stack as a TypeScript or a JavaScript program: the two differ only in how they import. */
function nodeProgram(typescript: boolean): string {
  const load = (names: string, from: string) => (typescript
    ? `import { ${names} } from ${JSON.stringify(from)};`
    : `const { ${names} } = require(${JSON.stringify(from)});`);
  return [
    load('App, TerraformStack', path.join(ROOT, 'node_modules', 'cdktf')),
    load('DockerProvider', path.join(ROOT, 'node_modules', '@cdktf', 'provider-docker', 'lib', 'provider')),
    load('WsgiContainer, WsgiImage', path.join(ROOT, 'lib')),
    'const [outdir, appsJson] = process.argv.slice(2);',
    'const app = new App({ outdir, stackTraces: false });',
    "const stack = new TerraformStack(app, 'bench');",
    "new DockerProvider(stack, 'docker', {});",
    `(JSON.parse(appsJson)${typescript ? ' as string[]' : ''}).forEach((dir, i) => {`,
    "  const image = new WsgiImage(stack, `Image${i}`, { source: dir, entrypoint: 'manager:app' });",
    '  new WsgiContainer(stack, `Web${i}`, { image, publish: [{ hostPort: 20000 + i }] });',
    '});',
    'app.synth();',
    '',
  ].join('\n');
}

function writePrograms(work: string): { js: string; ts: string; py: string } {
  const ts = path.join(work, 'synth.ts');
  fs.writeFileSync(ts, nodeProgram(true));
  const js = path.join(work, 'synth.js');
  fs.writeFileSync(js, nodeProgram(false));
  const py = path.join(work, 'synth.py');
  fs.writeFileSync(py, [
    'import json, sys, time',
    't0 = time.perf_counter()',
    'from cdktf import App, TerraformStack',
    'from cdktf_cdktf_provider_docker.provider import DockerProvider',
    'from cdktf_wsgi import PublishedPort, WsgiContainer, WsgiImage',
    't1 = time.perf_counter()',
    'outdir, apps = sys.argv[1], json.loads(sys.argv[2])',
    'app = App(outdir=outdir, stack_traces=False)',
    'stack = TerraformStack(app, "bench")',
    'DockerProvider(stack, "docker")',
    'for i, d in enumerate(apps):',
    '    image = WsgiImage(stack, f"Image{i}", source=d, entrypoint="manager:app")',
    '    WsgiContainer(stack, f"Web{i}", image=image, publish=[PublishedPort(host_port=20000 + i)])',
    't2 = time.perf_counter()',
    'app.synth()',
    't3 = time.perf_counter()',
    'print(json.dumps({"importMs": (t1 - t0) * 1000, "constructMs": (t2 - t1) * 1000, "synthMs": (t3 - t2) * 1000}))',
    '',
  ].join('\n'));
  return { js, ts, py };
}

interface Timing { wallMs: number; importMs?: number; constructMs?: number; synthMs?: number }

function timeProcess(cmd: string, args: string[]): Timing {
  const started = process.hrtime.bigint();
  const out = execFileSync(cmd, args, { encoding: 'utf-8', env: { ...process.env, TS_NODE_COMPILER_OPTIONS: TS_OPTIONS, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' }, maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const last = out.trim().split('\n').pop() ?? '';
  return { wallMs, ...(last.startsWith('{') ? JSON.parse(last) : {}) };
}

export function pythonSynthScenario(opts: { quick: boolean; work: string; runs: number; apps: (n: number) => string[] }): string[] {
  const title = '## 9. Synth from Python';
  const python = pythonOfVenv();
  if (!python) return [title, '', 'Not measured: no venv with the wheel (run `npx projen test:python` first).', ''];
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) return [title, '', 'Not measured: the library is not compiled (`npx projen compile`).', ''];
  const work = path.join(opts.work, 'python-synth');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const counts = opts.quick ? [1, 5] : [1, 50];
  const rows: string[] = [];
  const results: Array<{ n: number; js: number; ts: number; py: number; parts: Timing }> = [];
  for (const n of counts) {
    const apps = opts.apps(n);
    const { js, ts, py } = writePrograms(work);
    const jsRuns: number[] = [];
    const tsRuns: number[] = [];
    const pyRuns: Timing[] = [];
    for (let i = 0; i < opts.runs; i++) {
      jsRuns.push(timeProcess(process.execPath, [js, fs.mkdtempSync(path.join(work, 'out-')), JSON.stringify(apps)]).wallMs);
      tsRuns.push(timeProcess(process.execPath, [TS_NODE, ts, fs.mkdtempSync(path.join(work, 'out-')), JSON.stringify(apps)]).wallMs);
      pyRuns.push(timeProcess(python, [py, fs.mkdtempSync(path.join(work, 'out-')), JSON.stringify(apps)]));
    }
    const pyMs = median(pyRuns.map(r => r.wallMs));
    const parts = {
      wallMs: pyMs,
      importMs: median(pyRuns.map(r => r.importMs!)),
      constructMs: median(pyRuns.map(r => r.constructMs!)),
      synthMs: median(pyRuns.map(r => r.synthMs!)),
    };
    results.push({ n, js: median(jsRuns), ts: median(tsRuns), py: pyMs, parts });
    rows.push(`| ${n} | ${fmt(median(tsRuns))} | ${fmt(median(jsRuns))} | ${fmt(pyMs)} | ${fmt(pyMs / median(tsRuns), 2)}× | ${fmt(pyMs / median(jsRuns), 2)}× | ` +
      `${fmt(parts.importMs)} | ${fmt(parts.constructMs)} | ${fmt(parts.synthMs)} |`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  const last = results[results.length - 1];
  const first = results[0];
  const perServiceMs = (last.parts.constructMs! - first.parts.constructMs!) / (last.n - first.n);
  return [
    title,
    '',
    'The same stack of N services (a `WsgiImage` and a `WsgiContainer` each, one small app directory each) synthesized as a whole process, ' +
      'as `cdktf synth` runs it: by a Python program through the wheel (jsii: the library runs in a Node child process); by the same program in ' +
      'TypeScript run with ts-node, type-checking, as the cdktf TypeScript template\'s `npx ts-node main.ts` does; and, as a lower bound, by the ' +
      `equivalent JavaScript on the compiled library with plain \`node\`. Median of ${opts.runs} run(s). The last three columns split Python's time: ` +
      'imports (Python, and the jsii kernel starting Node and loading the constructs, cdktf, provider and library assemblies), building the ' +
      'construct tree across the process boundary, and `app.synth()`.',
    '',
    '| Services | TypeScript, ts-node (ms) | JavaScript, node (ms) | Python (ms) | Python / TypeScript | Python / JavaScript | Python: imports (ms) | Python: constructs (ms) | Python: synth (ms) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Target: at most 2× the TypeScript time at ${last.n} services: ${last.py / last.ts <= 2 ? 'met' : '**missed**'} (${fmt(last.py / last.ts, 2)}× the ts-node synth; ` +
      `${fmt(last.py / last.js, 2)}× the plain-node lower bound, which no TypeScript user runs by default).`,
    `Each further service costs Python about ${fmt(perServiceMs, 1)} ms of construct calls; the fixed part is the imports (${fmt(last.parts.importMs!)} ms), ` +
      'spent in jsii and the assemblies of constructs, cdktf and the provider (cdktf-wsgi\'s own import is a few tens of ms), which the library cannot shorten.',
    '',
  ];
}
