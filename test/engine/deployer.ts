/**
 * How the engine suites deploy a synthesized stack. The real toolchain (Terraform plus the
 * kreuzwerker/docker 3.6.2 provider from scripts/terraform-offline.sh's mirror) whenever it is
 * there; otherwise the emulator in harness.ts, which exists only because the Go module proxy does
 * not serve the provider's 3.6.2 commit, so a machine without a mirror cannot build it (issue 9).
 * `CDKTF_WSGI_ENGINE=harness` or `=terraform` forces one; forcing terraform where it is missing fails.
 */
import Docker from 'dockerode';
import * as harness from './harness';
import * as terraform from './terraform';

export const docker = new Docker();

export interface AppliedResource {
  readonly type: string;
  readonly name: string;
  /** The resource's attributes after the apply (`id`, `name`, `image`, `exit_code`, ...). */
  readonly attrs: Record<string, any>;
}

/** What Terraform plans for one resource; the harness reports the same words. */
export type Action = terraform.Action;

export interface ApplyResult {
  readonly resources: AppliedResource[];
  /** Planned action by address (`docker_image.Image_1234ABCD`). */
  readonly actions: Record<string, Action>;
}

function chooseToolchain(): { name: 'terraform' | 'harness'; why: string } {
  const forced = process.env.CDKTF_WSGI_ENGINE;
  if (forced === 'harness') return { name: 'harness', why: 'CDKTF_WSGI_ENGINE=harness' };
  const missing = terraform.toolchainUnavailable();
  if (!missing) return { name: 'terraform', why: 'Terraform and the provider mirror are there' };
  if (forced === 'terraform') throw new Error(`CDKTF_WSGI_ENGINE=terraform, but the real toolchain is unavailable: ${missing}`);
  return { name: 'harness', why: `the real toolchain is unavailable: ${missing}` };
}

let chosen: ReturnType<typeof chooseToolchain> | undefined;

/** Which toolchain deploys: decided once per process, and said once on stderr. */
export function toolchain(): 'terraform' | 'harness' {
  if (!chosen) {
    chosen = chooseToolchain();
    process.stderr.write(chosen.name === 'terraform'
      ? '*** engine tests deploy with the real toolchain: terraform + kreuzwerker/docker 3.6.2 ***\n'
      : `\n*** engine tests deploy through the EMULATOR test/engine/harness.ts: ${chosen.why.split('\n').slice(-3).join(' ')} ***\n\n`);
  }
  return chosen.name;
}

const opaque = new WeakMap<ApplyResult, terraform.ApplyResult | harness.ApplyResult>();

function wrapHarness(r: harness.ApplyResult): ApplyResult {
  const out: ApplyResult = {
    resources: r.resources.map(x => ({ type: x.type, name: x.name, attrs: x.attrs })),
    // 3.6.2 plans an update for the attributes it then never sends to Docker; so does Terraform's plan.
    actions: Object.fromEntries(Object.entries(r.actions).map(([k, v]) => [k, v === 'ignored-update' ? 'update' : v])),
  };
  opaque.set(out, r);
  return out;
}

function wrapTerraform(r: terraform.ApplyResult): ApplyResult {
  const out: ApplyResult = { resources: r.resources, actions: r.actions };
  opaque.set(out, r);
  return out;
}

/** Applies one synthesized stack (cdktf.out/stacks/<id>), against the state of `previous` when given. */
export async function applyStack(stackDir: string, previous?: ApplyResult): Promise<ApplyResult> {
  const prev = previous && opaque.get(previous);
  if (toolchain() === 'terraform') {
    return wrapTerraform(await terraform.applyStack(stackDir, prev as terraform.ApplyResult | undefined));
  }
  return wrapHarness(await harness.applyStack(stackDir, prev as harness.ApplyResult | undefined));
}

/**
 * Real toolchain only: an apply that fails leaves its state as Terraform left it (tainted objects
 * included), returned as `result` on the error, so a test can run the user's next apply from there.
 */
export async function applyKeepingFailure(stackDir: string, previous?: ApplyResult): Promise<ApplyResult> {
  if (toolchain() !== 'terraform') throw new Error('applyKeepingFailure needs the real toolchain');
  const prev = previous && opaque.get(previous);
  try {
    return wrapTerraform(await terraform.applyStack(stackDir, prev as terraform.ApplyResult | undefined, { destroyOnFailure: false }));
  } catch (e: any) {
    if (e.result) e.result = wrapTerraform(e.result);
    throw e;
  }
}

/** Plans against `previous` without applying: Terraform's planned actions and its plan output. */
export async function planOnly(stackDir: string, previous: ApplyResult): Promise<{ actions: Record<string, Action>; planText: string }> {
  if (toolchain() !== 'terraform') throw new Error('planOnly needs the real toolchain');
  const plan = await terraform.planStack(stackDir, opaque.get(previous) as terraform.ApplyResult);
  return { actions: plan.actions, planText: plan.planText };
}

/** `describe` when the real toolchain deploys, `describe.skip` (with the reason on stderr) otherwise. */
export const describeTerraform = typeof describe === 'undefined' ? undefined as unknown as jest.Describe : toolchain() === 'terraform' ? describe : describe.skip;

/** Destroys what an apply left, as `terraform destroy` does. */
export async function destroyStack(result: ApplyResult): Promise<void> {
  const r = opaque.get(result)!;
  if (toolchain() === 'terraform') await terraform.destroyStack(r as terraform.ApplyResult);
  else await harness.destroyStack(r as harness.ApplyResult);
}

/** The resource of `result` whose `name` attribute is `name` (container and image names are unique). */
export function byName(result: ApplyResult, name: string): AppliedResource {
  const found = result.resources.find(r => r.attrs.name === name);
  if (!found) throw new Error(`no resource named ${name} in ${result.resources.map(r => `${r.type}.${r.name}`).join(', ')}`);
  return found;
}
