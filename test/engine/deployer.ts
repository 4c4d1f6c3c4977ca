/**
 * How the engine suites deploy a synthesized stack: with the real toolchain only, Terraform plus
 * the kreuzwerker/docker provider that scripts/terraform-offline.sh builds into its mirror, at the
 * version DOCKER_PROVIDER_VERSION names (4.6.0 unless told). Nothing stands in for either: where
 * they are missing the engine suites fail under CI=true, and are reported skipped otherwise.
 */
import { execFileSync } from 'child_process';
import Docker from 'dockerode';
import { PROVIDER_VERSION } from './provider';
import * as terraform from './terraform';

export const docker = new Docker();

export type { Action, AppliedResource, ApplyResult } from './terraform';
import type { ApplyResult } from './terraform';

let announced = false;

/** The version of the engine answering on the default socket, for the log. */
function engineVersion(): string {
  try {
    return execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '(none answering)';
  }
}

/** Why the suites cannot deploy here, or undefined; said once per process on stderr. */
function unavailable(): string | undefined {
  const missing = terraform.toolchainUnavailable();
  if (!announced) {
    announced = true;
    process.stderr.write(missing
      ? `\n*** engine suites need Terraform and kreuzwerker/docker ${PROVIDER_VERSION}, which are unavailable: ${missing.split('\n').slice(-3).join(' ')} ***\n\n`
      : `*** engine tests deploy with terraform + kreuzwerker/docker ${PROVIDER_VERSION} on Docker Engine ${engineVersion()} ***\n`);
  }
  if (missing && process.env.CI) {
    throw new Error(`CI=true, but the real toolchain (kreuzwerker/docker ${PROVIDER_VERSION}) is unavailable: ${missing}`);
  }
  return missing;
}

/** `describe` when the real toolchain is there; `describe.skip` outside CI otherwise (in CI, an error). */
export const describeTerraform: jest.Describe = typeof describe === 'undefined'
  ? undefined as unknown as jest.Describe
  : unavailable() === undefined ? describe : describe.skip;

/** Applies one synthesized stack (cdktf.out/stacks/<id>), against the state of `previous` when given. */
export function applyStack(stackDir: string, previous?: ApplyResult): Promise<ApplyResult> {
  return terraform.applyStack(stackDir, previous);
}

/**
 * An apply that fails leaves its state as Terraform left it (tainted objects included), returned as
 * `result` on the error, so a test can run the user's next apply from there.
 */
export function applyKeepingFailure(stackDir: string, previous?: ApplyResult): Promise<ApplyResult> {
  return terraform.applyStack(stackDir, previous, { destroyOnFailure: false });
}

/** Plans against `previous` without applying: Terraform's planned actions and its plan output. */
export async function planOnly(stackDir: string, previous: ApplyResult): Promise<{ actions: Record<string, terraform.Action>; planText: string }> {
  const plan = await terraform.planStack(stackDir, previous);
  return { actions: plan.actions, planText: plan.planText };
}

/** Destroys what an apply left, as `terraform destroy` does. */
export function destroyStack(result: ApplyResult): Promise<void> {
  return terraform.destroyStack(result);
}

/**
 * The resource of `result` whose `name` attribute is `name` (container and image names are
 * unique). By a WsgiContainer's name (or its release container's), the suites mean the app (or
 * release) container: with UpdateOrder.START_FIRST that is the one named `<name>-<generation>`,
 * while `name` itself is the network holder's.
 */
export function byName(result: ApplyResult, name: string): terraform.AppliedResource {
  const generation = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{8}$`);
  const found = result.resources.find(r => r.type === 'docker_container' && generation.test(String(r.attrs.name)))
    ?? result.resources.find(r => r.attrs.name === name);
  if (!found) throw new Error(`no resource named ${name} in ${result.resources.map(r => `${r.type}.${r.name}`).join(', ')}`);
  return found;
}

/**
 * The app container of the one WsgiContainer in `result`: the docker_container carrying the
 * settings label, which neither the release container nor the network holder has.
 */
export function appContainer(result: ApplyResult): terraform.AppliedResource {
  const apps = result.resources.filter(r => r.type === 'docker_container'
    && ((r.attrs.labels ?? []) as Array<{ label: string }>).some(l => l.label === 'cdktf-wsgi.unapplied-settings-hash'));
  if (apps.length !== 1) throw new Error(`expected one app container, found ${apps.length} in ${result.resources.map(r => `${r.type}.${r.name}`).join(', ')}`);
  return apps[0];
}

/**
 * Planned actions by resource type and construct path, without cdktf's hash suffix:
 * `docker_container.Web`, `docker_container.Web_NetworkHolder`, `terraform_data.Web_Generation`.
 */
export function actionsByConstruct(actions: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(actions).map(([address, action]) => [address.replace(/_[0-9A-F]{8}$/, ''), action]));
}
