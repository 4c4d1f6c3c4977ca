/**
 * Applies a synthesized stack with the real toolchain: Terraform and the kreuzwerker/docker provider
 * (DOCKER_PROVIDER_VERSION, 4.6.0 unless told) from the local mirror that scripts/terraform-offline.sh builds. What `cdktf deploy` does,
 * minus the CLI's UI: init, plan to a file, read the planned actions from `terraform show -json`,
 * apply that plan, then read the state back. State lives in a temporary directory of its own, so a
 * later apply of a re-synthesized stack (another directory) plans against the same state.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROVIDER_VERSION } from './provider';

type Attrs = Record<string, any>;

export interface AppliedResource {
  readonly type: string;
  readonly name: string;
  /** Every attribute of the resource in the state after the apply, computed ones included. */
  readonly attrs: Attrs;
}

/** What a plan does to one resource, in Terraform's terms (`resource_changes[].change.actions`). */
export type Action = 'create' | 'replace' | 'update' | 'unchanged' | 'delete';

export interface ApplyResult {
  readonly resources: AppliedResource[];
  /** The planned action of each resource, by address (`docker_image.Image_1234ABCD`). */
  readonly actions: Record<string, Action>;
  /** The stack directory Terraform ran in, and the state file it wrote. */
  readonly stackDir: string;
  readonly stateFile: string;
  /** Terraform's output of the plan, as a reviewer would read it. */
  readonly planText: string;
}

/** The CLI config that points Terraform at the provider mirror, or why there is none. */
function cliConfig(): { file?: string; reason?: string } {
  const script = path.join(__dirname, '..', '..', 'scripts', 'terraform-offline.sh');
  // The script knows each release's commit; a module version left in the environment is another release's.
  const { PROVIDER_MODULE_VERSION: _other, ...env } = process.env;
  try {
    const out = execFileSync('bash', [script], {
      encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 3_000_000, env: { ...env, PROVIDER_VERSION },
    });
    const m = /^export TF_CLI_CONFIG_FILE=(.+)$/m.exec(out);
    return m ? { file: m[1].trim() } : { reason: `terraform-offline.sh printed no config:\n${out}` };
  } catch (e: any) {
    return { reason: String(e.stderr ?? e.message).trim() };
  }
}

let config: { file?: string; reason?: string } | undefined;

/** Why the real toolchain cannot run here, or undefined when it can. */
export function toolchainUnavailable(): string | undefined {
  // The script returns at once when the mirror holds the version, and says why not when it cannot build it.
  config ??= cliConfig();
  if (config.reason) return config.reason;
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
  } catch {
    return 'no `terraform` on PATH';
  }
  return undefined;
}

const PLUGIN_CACHE = path.join(os.tmpdir(), 'cdktf-wsgi-terraform-plugins');

/** Terraform's diagnostics without the box drawn around them. */
export function plainDiagnostics(text: string): string {
  return text.replace(/^[╷╵]\s*$/gm, '').replace(/^│ ?/gm, '');
}

/** The environment Terraform runs in: the mirror's CLI config, a shared plugin cache, no prompts. */
export function terraformEnv(): NodeJS.ProcessEnv {
  const missing = toolchainUnavailable();
  if (missing) throw new Error(`the real toolchain is unavailable: ${missing}`);
  fs.mkdirSync(PLUGIN_CACHE, { recursive: true });
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: config!.file!,
    TF_PLUGIN_CACHE_DIR: PLUGIN_CACHE,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

function terraform(stackDir: string, args: string[], timeoutMs = 1_200_000): Promise<string> {
  const env = terraformEnv();
  return new Promise((ok, ko) => {
    execFile('terraform', [...args], { cwd: stackDir, env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        const e = new Error(`terraform ${args[0]} failed in ${stackDir}:\n${plainDiagnostics(stderr || stdout)}`);
        (e as any).stdout = stdout;
        ko(e);
      } else {
        ok(stdout);
      }
    });
  });
}

/** Points the stack's local backend at stateFile (an override file, so cdk.tf.json stays as synthesized). */
function useState(stackDir: string, stateFile: string): void {
  fs.writeFileSync(path.join(stackDir, 'zz_engine_test_override.tf.json'),
    JSON.stringify({ terraform: { backend: { local: { path: stateFile } } } }, null, 2));
}

function actionOf(actions: string[]): Action {
  const key = actions.join(',');
  switch (key) {
    case 'no-op': case 'read': return 'unchanged';
    case 'create': return 'create';
    case 'update': return 'update';
    case 'delete': return 'delete';
    case 'delete,create': case 'create,delete': return 'replace';
    default: throw new Error(`unexpected planned actions ${key}`);
  }
}

/** Resources in the state, in the order Terraform lists them. */
async function readState(stackDir: string): Promise<AppliedResource[]> {
  const state = JSON.parse(await terraform(stackDir, ['show', '-json', '-no-color']));
  return (state.values?.root_module?.resources ?? [])
    .filter((r: Attrs) => r.mode === 'managed')
    .map((r: Attrs) => ({ type: r.type, name: r.name, attrs: r.values }));
}

/** The last log lines of every container in the state, by container name. */
async function leftContainerLogs(stackDir: string): Promise<Record<string, string>> {
  const logs: Record<string, string> = {};
  for (const r of await readState(stackDir).catch(() => [])) {
    if (r.type !== 'docker_container' || !r.attrs.id) continue;
    try {
      const out = spawnSync('docker', ['logs', '--tail', '60', r.attrs.id], { encoding: 'utf-8' });
      logs[r.attrs.name] = `${out.stdout}${out.stderr}`;
    } catch {
      // gone already
    }
  }
  return logs;
}

/** Where each engine suite records the kreuzwerker/docker versions its deploys ran with (.ci/test-summary.js checks them). */
export const PROVIDER_LINES_REPORT = path.join(__dirname, '..', '..', 'test-reports', 'provider-lines.jsonl');

/**
 * `terraform init`, then a record of the provider version the lock file says it chose, so the CI
 * summary can tell which lines each suite really deployed with, whatever the environment claimed.
 */
async function init(stackDir: string): Promise<void> {
  await terraform(stackDir, ['init', '-input=false', '-no-color', '-reconfigure']);
  // The benchmarks deploy through here too, outside jest: no suite to record.
  if (typeof expect === 'undefined') return;
  const lock = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf-8');
  const version = /provider "registry\.terraform\.io\/kreuzwerker\/docker" \{\s*version\s*=\s*"([^"]+)"/.exec(lock)?.[1] ?? 'none';
  const suite = path.basename(expect.getState().testPath ?? 'no test file');
  fs.mkdirSync(path.dirname(PROVIDER_LINES_REPORT), { recursive: true });
  fs.appendFileSync(PROVIDER_LINES_REPORT, `${JSON.stringify({ pass: PROVIDER_VERSION, suite, version })}\n`);
}

/** init, plan -out, show -json of the plan: the actions the next apply will take. */
export async function planStack(stackDir: string, previous?: ApplyResult, extraArgs: string[] = []):
Promise<{ actions: Record<string, Action>; planText: string; planFile: string; stateFile: string; raw: Attrs }> {
  if (toolchainUnavailable()) throw new Error(`the real toolchain is unavailable: ${toolchainUnavailable()}`);
  const stateFile = previous?.stateFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'engine-state-')), 'terraform.tfstate');
  useState(stackDir, stateFile);
  await init(stackDir);
  const planFile = path.join(stackDir, 'engine-test.tfplan');
  const planText = await terraform(stackDir, ['plan', '-input=false', '-no-color', `-out=${planFile}`, ...extraArgs]);
  const raw = JSON.parse(await terraform(stackDir, ['show', '-json', '-no-color', planFile]));
  const actions: Record<string, Action> = {};
  for (const rc of raw.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    actions[rc.address] = actionOf(rc.change.actions);
  }
  return { actions, planText, planFile, stateFile, raw };
}

/**
 * Plans and applies one synthesized stack, like `cdktf deploy`. Given an earlier result, the plan
 * runs against its state. A failed apply is destroyed before the error is thrown, so a test leaves
 * nothing behind; the error carries Terraform's diagnostics without their frame.
 */
export async function applyStack(stackDir: string, previous?: ApplyResult, options: { destroyOnFailure?: boolean } = {}): Promise<ApplyResult> {
  const plan = await planStack(stackDir, previous);
  const result = async () => ({
    resources: await readState(stackDir),
    actions: plan.actions,
    stackDir,
    stateFile: plan.stateFile,
    planText: plan.planText,
  });
  try {
    await terraform(stackDir, ['apply', '-input=false', '-no-color', plan.planFile]);
  } catch (e: any) {
    // What a user would read next with `docker logs <name>`: the containers the failed apply left (tainted).
    e.containerLogs = await leftContainerLogs(stackDir);
    if (options.destroyOnFailure ?? true) {
      await terraform(stackDir, ['destroy', '-auto-approve', '-input=false', '-no-color']).catch(() => undefined);
    } else {
      // The state the failed apply left, for a test that goes on from there as a user's next apply would.
      e.result = await result();
    }
    throw e;
  }
  return result();
}

/**
 * Engine 29's containerd image store fails an image list that meets the blob of an image another
 * removal is deleting at that moment, and the provider lists images to remove one: a destroy of
 * several images at once can fail so, and the next destroy finishes it (README, "What the provider does").
 */
export const IMAGE_LIST_RACE = /unable to list Docker images: .*content digest sha256:[0-9a-f]{64}: not found/;

/** `terraform destroy` of what applyStack left in the state; once more after {@link IMAGE_LIST_RACE}. */
export async function destroyStack(result: ApplyResult): Promise<void> {
  useState(result.stackDir, result.stateFile);
  // The directory may have been initialised for another state since (a test re-synthesized into it).
  await init(result.stackDir);
  const destroy = () => terraform(result.stackDir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
  await destroy().catch(async (e: Error) => {
    if (!IMAGE_LIST_RACE.test(e.message)) throw e;
    process.stdout.write(`destroy met the image store's list race, destroying again: ${IMAGE_LIST_RACE.exec(e.message)![0]}\n`);
    await destroy();
  });
}

/** What an apply run by {@link applyWatched} did: its exit, every line it printed, and the state it left. */
export interface WatchedApply {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  /** The state as the apply left it (what the user's next apply starts from). */
  readonly result: ApplyResult;
}

/**
 * Plans, then applies that plan in a child process of its own process group, as a CI job or a
 * terminal runs it, handing each line it prints to `watch` (with the process group's ID, for
 * signals). Resolves when the apply ends, however it ends; bounded by `timeoutMs` (then killed).
 */
export async function applyWatched(stackDir: string, previous: ApplyResult | undefined,
  watch: (line: string, processGroup: number) => void = () => undefined, timeoutMs = 900_000): Promise<WatchedApply> {
  return applyPlan(stackDir, await planStack(stackDir, previous), watch, timeoutMs);
}

/** Applies a plan saved earlier by {@link planStack}, as {@link applyWatched} does. */
export async function applyPlan(stackDir: string, plan: { planFile: string; stateFile: string; actions: Record<string, Action>; planText: string },
  watch: (line: string, processGroup: number) => void = () => undefined, timeoutMs = 900_000): Promise<WatchedApply> {
  const child = spawn('terraform', ['apply', '-input=false', '-no-color', plan.planFile],
    { cwd: stackDir, env: terraformEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let partial = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    lines.forEach(line => watch(line, child.pid!));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const limit = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(ok => child.on('close', (c, s) => ok([c, s])));
  clearTimeout(limit);
  useState(stackDir, plan.stateFile);
  return {
    code,
    signal,
    output: plainDiagnostics(output),
    result: { resources: await readState(stackDir), actions: plan.actions, stackDir, stateFile: plan.stateFile, planText: plan.planText },
  };
}

/** Sends a signal to a process group; false when none of it is left. */
export function signalGroup(processGroup: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-processGroup, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Interrupts an apply as a cancelled CI job does: SIGINT to its process group, then SIGKILL if it
 * has not ended after `graceMs`. Resolves with the signals it had to send.
 */
export async function interrupt(processGroup: number, graceMs = 10_000): Promise<NodeJS.Signals[]> {
  signalGroup(processGroup, 'SIGINT');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 100));
    if (!signalGroup(processGroup, 0)) return ['SIGINT'];
  }
  signalGroup(processGroup, 'SIGKILL');
  return ['SIGINT', 'SIGKILL'];
}

/** The state of an earlier result as it is now, read back with `terraform show`. */
export async function currentState(previous: ApplyResult): Promise<ApplyResult> {
  useState(previous.stackDir, previous.stateFile);
  return { ...previous, resources: await readState(previous.stackDir) };
}
