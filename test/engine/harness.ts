/**
 * Applies the docker_* resources of a synthesized cdk.tf.json to a real Docker engine with the
 * meaning kreuzwerker/docker 3.6.2 gives each attribute. Terraform cannot be installed here, so this
 * stands in for `cdktf deploy`. Any attribute it does not model is refused, never dropped.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import * as tar from 'tar-fs';
// The one function call the library writes in a postcondition message: the release output as plain text.
import { RELEASE_OUTPUT } from '../../src/private/release-output';

export const docker = new Docker();

type Attrs = Record<string, any>;

/** Attributes modelled per resource type; anything else in the configuration is an error. */
const MODELLED: Record<string, string[]> = {
  docker_image: ['name', 'build', 'triggers', 'keep_locally', 'force_remove', 'lifecycle'],
  docker_container: [
    'name', 'image', 'ports', 'env', 'restart', 'max_retry_count', 'healthcheck', 'wait', 'wait_timeout',
    'stop_signal', 'stop_timeout', 'destroy_grace_seconds', 'user', 'read_only', 'tmpfs', 'security_opts',
    'capabilities', 'memory', 'cpus', 'networks_advanced', 'volumes', 'init', 'must_run', 'labels', 'command', 'tty',
    'entrypoint', 'working_dir', 'depends_on', 'attach', 'logs', 'lifecycle',
  ],
  docker_volume: ['name', 'driver', 'labels'],
  docker_network: ['name', 'driver', 'internal', 'labels'],
};
const BUILD_MODELLED = ['context', 'dockerfile', 'build_args', 'platform', 'target', 'labels', 'no_cache', 'secrets'];

export interface AppliedResource {
  readonly type: string;
  readonly name: string;
  /** Computed attributes (image_id, id, name, ...). */
  readonly attrs: Attrs;
  /** The configuration after references were resolved. */
  readonly config: Attrs;
}

export interface ApplyResult {
  readonly resources: AppliedResource[];
  /** Output of each image build, by resource name. */
  readonly buildLogs: Record<string, string>;
  /** What the apply did, by address (`docker_image.Image_1234ABCD`). */
  readonly actions: Record<string, Action>;
}

/** Refuses configuration the harness would otherwise ignore. */
export function checkModelled(type: string, name: string, config: Attrs): void {
  const allowed = MODELLED[type];
  if (!allowed) {
    throw new Error(`harness: resource type ${type} (${name}) is not modelled`);
  }
  for (const key of Object.keys(config)) {
    if (key === '//') continue;
    if (!allowed.includes(key)) {
      throw new Error(`harness: ${type}.${name}: attribute "${key}" is not modelled`);
    }
  }
  if (type === 'docker_image' && config.build) {
    for (const key of Object.keys(config.build)) {
      if (!BUILD_MODELLED.includes(key)) throw new Error(`harness: ${type}.${name}: build.${key} is not modelled`);
    }
  }
}

const REF = /\$\{([a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;
const VAR_REF = /\$\{var\.([A-Za-z0-9_-]+)\}/g;

/** Input variables of the stack being applied, from TF_VAR_<name> or their default, as Terraform reads them. */
let variables: Record<string, string> = {};

function references(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REF)) out.add(`${m[1]}.${m[2]}`);
  } else if (Array.isArray(value)) {
    value.forEach(v => references(v, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach(v => references(v, out));
  }
}

function resolve(value: any, applied: Map<string, AppliedResource>): any {
  if (typeof value === 'string') {
    const text: string = value.replace(VAR_REF, (_m: string, name: string) => {
      if (!(name in variables)) throw new Error(`harness: variable ${name} has no value (set TF_VAR_${name})`);
      return variables[name];
    });
    if (text.replace(REF, '').includes('${')) {
      throw new Error(`harness: unsupported expression ${text}`);
    }
    return text.replace(REF, (_m, type, name, attr) => {
      const r = applied.get(`${type}.${name}`);
      if (!r || r.attrs[attr] === undefined) throw new Error(`harness: cannot resolve ${type}.${name}.${attr}`);
      return String(r.attrs[attr]);
    });
  }
  if (Array.isArray(value)) return value.map(v => resolve(v, applied));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, applied)]));
  }
  return value;
}

/** Go duration string ("10s", "1500ms", "1m") to nanoseconds. */
/**
 * A resource's configuration with references resolved; `lifecycle` is kept as written, since its
 * `self.*` expressions are evaluated after the apply (checkPostconditions).
 */
function resolveConfig(config: Attrs, applied: Map<string, AppliedResource>): Attrs {
  const { lifecycle, ...rest } = config;
  const resolved = resolve(rest, applied);
  return lifecycle === undefined ? resolved : { ...resolved, lifecycle };
}

export function goDurationToNs(d: string | undefined): number {
  if (!d) return 0;
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`harness: cannot parse duration ${d}`);
  const unit: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  return Math.round(Number(m[1]) * unit[m[2]]);
}

async function followBuild(stream: NodeJS.ReadableStream): Promise<string> {
  const output: string[] = [];
  await new Promise<void>((ok, ko) => {
    docker.modem.followProgress(stream, (err: Error | null, res: any[]) => {
      if (err) return ko(err);
      const failure = res.find(r => r.error);
      if (failure) return ko(new Error(`${failure.error}\n${output.join('')}`));
      return ok();
    }, (event: any) => { if (event.stream) output.push(event.stream); });
  });
  return output.join('');
}

/**
 * 3.6.2 on the Engine API path: a relative `dockerfile` is looked up from Terraform's working
 * directory; when it exists there and lies inside the context it is sent relative to the context;
 * when it does not exist it is sent unchanged and the daemon looks inside the context.
 */
export function dockerfileForBuild(workDir: string, context: string, dockerfile: string | undefined): string {
  const file = dockerfile ?? 'Dockerfile';
  const fromCwd = path.resolve(workDir, file);
  if (fs.existsSync(fromCwd)) {
    const rel = path.relative(context, fromCwd);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new Error(`harness: dockerfile ${file} lies outside the context ${context}; 3.6.2 would upload it under a random name, which is not modelled`);
    }
    return rel.split(path.sep).join('/');
  }
  if (!fs.existsSync(path.join(context, file))) {
    throw new Error(`harness: dockerfile ${file} exists neither from the working directory nor in the context`);
  }
  return file;
}

/**
 * Builds with BuildKit, as 3.6.2 does on daemons that support it, when secrets are configured: the
 * Engine API needs a BuildKit session to serve them, which Docker's own 20.10 CLI provides.
 */
function buildWithBuildKit(context: string, dockerfile: string, config: Attrs): Promise<string> {
  const build = config.build;
  const args = ['build', '--progress=plain', '-t', config.name, '-f', path.join(context, dockerfile)];
  for (const secret of build.secrets ?? []) {
    args.push('--secret', `id=${secret.id},${secret.env !== undefined ? `env=${secret.env}` : `src=${secret.src}`}`);
  }
  for (const [k, v] of Object.entries<string>(build.build_args ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (build.platform) args.push('--platform', build.platform);
  if (build.target) args.push('--target', build.target);
  if (build.no_cache) args.push('--no-cache');
  for (const [k, v] of Object.entries<string>(build.labels ?? {})) args.push('--label', `${k}=${v}`);
  args.push(context);
  const cli = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
  return new Promise((ok, ko) => {
    execFile(cli, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) ko(new Error(`${err.message}\n${stderr}`));
      else ok(stdout + stderr);
    });
  });
}

async function applyImage(workDir: string, name: string, config: Attrs, logs: Record<string, string>): Promise<Attrs> {
  const build = config.build;
  if (!build) throw new Error(`harness: docker_image.${name} without build (pulls are not modelled)`);
  const context = path.resolve(workDir, build.context);
  const dockerfile = dockerfileForBuild(workDir, context, build.dockerfile);
  if (build.secrets) {
    logs[name] = await buildWithBuildKit(context, dockerfile, config);
    const built = await docker.getImage(config.name).inspect();
    return { image_id: built.Id, id: `${built.Id}${config.name}`, name: config.name };
  }
  const stream: NodeJS.ReadableStream = await (docker.buildImage as any)(tar.pack(context), {
    t: config.name,
    dockerfile,
    buildargs: build.build_args,
    platform: build.platform,
    target: build.target,
    labels: build.labels,
    nocache: build.no_cache,
    rm: true,
  });
  try {
    logs[name] = await followBuild(stream);
  } catch (e: any) {
    // 3.6.2 builds through BuildKit, whose error names the failed step and carries none of its output.
    const failed = /The command '([\s\S]*?)' returned a non-zero code: (\d+)/.exec(String(e.message));
    if (failed) throw new Error(`Error running legacy build: executor failed running [${failed[1]}]: exit code: ${failed[2]}`);
    throw e;
  }
  const info = await docker.getImage(config.name).inspect();
  return { image_id: info.Id, id: `${info.Id}${config.name}`, name: config.name };
}

function bytesFromMb(mb: number | undefined): number | undefined {
  return mb === undefined ? undefined : mb * 1024 * 1024;
}

/**
 * A non-TTY container's log: stdout and stderr in order, the 8-byte stream headers stripped. With
 * `tail`, the last lines only; without, the whole output, as 3.6.2 collects it for `logs = true`.
 */
async function containerLogs(id: string, tail?: number, tty = false): Promise<string> {
  const buf = await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail } : {}) }) as unknown as Buffer;
  if (tty) return buf.toString(); // a terminal's output is one plain stream
  const out: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + size).toString());
    i += 8 + size;
  }
  return out.join('');
}

async function applyContainer(c: Attrs): Promise<Attrs> {
  const exposed: Record<string, {}> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of c.ports ?? []) {
    const key = `${p.internal}/${p.protocol ?? 'tcp'}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.ip ?? '0.0.0.0', HostPort: p.external !== undefined ? String(p.external) : '' });
  }
  const hc = c.healthcheck;
  const networks: string[] = (c.networks_advanced ?? []).map((n: Attrs) => n.name);
  const binds = (c.volumes ?? []).map((v: Attrs) => `${v.volume_name ?? v.host_path}:${v.container_path}${v.read_only ? ':ro' : ''}`);
  const created = await docker.createContainer({
    name: c.name,
    Image: c.image,
    Env: c.env,
    Cmd: c.command,
    Entrypoint: c.entrypoint,
    Tty: c.tty ?? false,
    User: c.user,
    WorkingDir: c.working_dir,
    Labels: Object.fromEntries((c.labels ?? []).map((l: Attrs) => [l.label, l.value])),
    ExposedPorts: exposed,
    StopSignal: c.stop_signal,
    StopTimeout: c.stop_timeout,
    Healthcheck: hc && {
      Test: hc.test,
      Interval: goDurationToNs(hc.interval),
      Timeout: goDurationToNs(hc.timeout),
      StartPeriod: goDurationToNs(hc.start_period),
      Retries: hc.retries ?? 0,
    },
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: { Name: c.restart ?? 'no', MaximumRetryCount: c.max_retry_count ?? 0 },
      ReadonlyRootfs: c.read_only ?? false,
      Tmpfs: c.tmpfs,
      SecurityOpt: c.security_opts,
      CapAdd: c.capabilities?.add,
      CapDrop: c.capabilities?.drop,
      Memory: bytesFromMb(c.memory),
      NanoCpus: c.cpus !== undefined ? Math.round(Number(c.cpus) * 1e9) : undefined,
      Init: c.init,
      Binds: binds.length ? binds : undefined,
      NetworkMode: networks[0] ?? 'bridge',
    },
  });
  for (const extra of networks.slice(1)) {
    await docker.getNetwork(extra).connect({ Container: created.id });
  }
  let extra: Attrs = {};
  try {
    if (c.attach) {
      extra = await runAttached(created, c);
      checkPostconditions(c.name, c.lifecycle, extra);
    } else {
      await startAndWait(created, c);
    }
  } catch (e) {
    // 3.6.2 leaves a tainted container behind; the harness removes it so tests start clean.
    await created.remove({ force: true }).catch(() => undefined);
    throw e;
  }
  return { id: created.id, name: c.name, ...extra };
}

/**
 * 3.6.2 with `attach = true`: Create waits until the container is not running, keeps its output in
 * `container_logs` when `logs = true`, and Read records `exit_code` (must_run = false keeps the
 * exited container). A non-zero exit is not an error of the provider: only a postcondition makes it one.
 */
async function runAttached(created: Docker.Container, c: Attrs): Promise<Attrs> {
  await created.start();
  await created.wait();
  const state = (await created.inspect()).State;
  return { exit_code: state.ExitCode, container_logs: c.logs ? await containerLogs(created.id, undefined, c.tty) : undefined };
}

/**
 * Terraform's postconditions on docker_container, for the one form the library writes: the
 * condition `self.exit_code == 0` and a message interpolating `self.exit_code` and
 * `self.container_logs`. Anything else is refused as not modelled.
 */
export function checkPostconditions(name: string, lifecycle: Attrs | undefined, self: Attrs): void {
  for (const key of Object.keys(lifecycle ?? {})) {
    if (key !== 'postcondition') throw new Error(`harness: docker_container.${name}: lifecycle.${key} is not modelled`);
  }
  for (const pc of lifecycle?.postcondition ?? []) {
    if (pc.condition !== '${self.exit_code == 0}') {
      throw new Error(`harness: docker_container.${name}: postcondition ${JSON.stringify(pc.condition)} is not modelled`);
    }
    const message = String(pc.error_message)
      .split(RELEASE_OUTPUT).join(String(self.container_logs ?? '').replace(/\r/g, '').replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''))
      .replace(/\$\{self\.(exit_code|container_logs)\}/g, (_m, attr: string) => String(self[attr] ?? ''));
    if (/\$\{/.test(message)) {
      throw new Error(`harness: docker_container.${name}: postcondition message ${JSON.stringify(pc.error_message)} is not modelled`);
    }
    if (self.exit_code !== 0) {
      throw new Error(`Resource postcondition failed (docker_container.${name}): ${message}`);
    }
  }
}

async function startAndWait(created: Docker.Container, c: Attrs): Promise<void> {
  await created.start();
  if (c.wait) {
    const deadline = Date.now() + (c.wait_timeout ?? 60) * 1000;
    for (;;) {
      const state = (await created.inspect()).State;
      const health = state.Health?.Status;
      if (!state.Health) throw new Error(`harness: container ${c.name} has no health check to wait for`);
      if (health === 'healthy') break;
      // 3.6.2 keeps polling through unhealthy and exited states until wait_timeout, then says only this.
      if (Date.now() > deadline) {
        const e = new Error('container failed to be in healthy state');
        (e as any).containerLogs = { [c.name]: await containerLogs(created.id, 60) };
        throw e;
      }
      await new Promise(r => setTimeout(r, 500));
    }
  } else if (c.must_run ?? true) {
    await new Promise(r => setTimeout(r, 1000));
    const state = (await created.inspect()).State;
    if (!state.Running) {
      throw new Error(`container ${c.name} is not running; last log lines:\n${await containerLogs(created.id, 40)}`);
    }
  }
}

/** What an apply did to one resource, in Terraform's terms. */
export type Action = 'create' | 'replace' | 'update' | 'unchanged' | 'ignored-update';

/**
 * 3.6.2's update semantics for docker_container: these change in place through ContainerUpdate;
 * these are accepted into state but never reach Docker (upstream #988); everything else modelled
 * is ForceNew.
 */
const CONTAINER_UPDATED_IN_PLACE = ['restart', 'max_retry_count', 'cpu_shares', 'memory', 'cpu_set', 'memory_swap'];
const CONTAINER_NEVER_APPLIED = ['healthcheck', 'tmpfs', 'init', 'rm', 'start', 'wait', 'wait_timeout', 'must_run', 'destroy_grace_seconds', 'attach', 'logs'];
/** Meta-arguments, not attributes: Terraform never plans a change for them. */
const META_ARGUMENTS = ['//', 'lifecycle', 'depends_on'];
const IMAGE_NOT_FORCE_NEW = ['keep_locally', 'force_remove'];
const UNKNOWN = '(known after apply)';

/** The action 3.6.2 plans for a changed configuration. */
export function planAction(type: string, before: Attrs, after: Attrs): Action {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter(k => !META_ARGUMENTS.includes(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return 'unchanged';
  if (type === 'docker_image') {
    return changed.every(k => IMAGE_NOT_FORCE_NEW.includes(k)) ? 'ignored-update' : 'replace';
  }
  if (type === 'docker_container') {
    if (changed.some(k => !CONTAINER_UPDATED_IN_PLACE.includes(k) && !CONTAINER_NEVER_APPLIED.includes(k))) return 'replace';
    return changed.some(k => CONTAINER_UPDATED_IN_PLACE.includes(k)) ? 'update' : 'ignored-update';
  }
  return 'replace';
}

interface Pending { type: string; name: string; config: Attrs }

function dependencies(r: Pending): string[] {
  const deps = new Set<string>();
  references(r.config, deps);
  (r.config.depends_on ?? []).forEach((d: string) => deps.add(d.replace(/^\$\{|\}$/g, '')));
  return [...deps];
}

/** Resources of a cdk.tf.json in dependency order, every attribute checked as modelled. */
function readStack(stackDir: string): Pending[] {
  const tf = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf-8'));
  for (const key of Object.keys(tf)) {
    if (!['//', 'terraform', 'provider', 'resource', 'variable'].includes(key)) throw new Error(`harness: top-level block "${key}" is not modelled`);
  }
  variables = {};
  for (const [name, spec] of Object.entries<Attrs>(tf.variable ?? {})) {
    const value = process.env[`TF_VAR_${name}`] ?? spec.default;
    if (value !== undefined) variables[name] = String(value);
  }
  const pending = new Map<string, Pending>();
  for (const [type, byName] of Object.entries<Record<string, Attrs>>(tf.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      checkModelled(type, name, config);
      pending.set(`${type}.${name}`, { type, name, config });
    }
  }
  const ordered: Pending[] = [];
  const done = new Set<string>();
  while (pending.size > 0) {
    const ready = [...pending.entries()].find(([, r]) => dependencies(r).every(d => done.has(d)));
    if (!ready) throw new Error(`harness: unresolvable references among ${[...pending.keys()].join(', ')}`);
    pending.delete(ready[0]);
    done.add(ready[0]);
    ordered.push(ready[1]);
  }
  return ordered;
}

async function destroyResource(r: AppliedResource): Promise<void> {
  if (r.type === 'docker_container') {
    const c = docker.getContainer(r.attrs.id);
    await c.stop({ t: r.config.destroy_grace_seconds ?? 0 }).catch(() => undefined);
    await c.remove({ force: true, v: false });
  } else if (r.type === 'docker_image' && !r.config.keep_locally) {
    // 3.6.2 removes by name (not by ID), without PruneChildren, so the Engine keeps untagged
    // parents: the build cache of the dependency layer survives a replacement.
    const present = await docker.getImage(r.config.name).inspect().then(() => true, () => false);
    if (present) await docker.getImage(r.config.name).remove({ force: r.config.force_remove ?? false, noprune: true });
  } else if (r.type === 'docker_volume') {
    await docker.getVolume(r.attrs.name).remove();
  } else if (r.type === 'docker_network') {
    await docker.getNetwork(r.attrs.name).remove();
  }
}

async function createResource(stackDir: string, r: Pending, config: Attrs, logs: Record<string, string>): Promise<Attrs> {
  switch (r.type) {
    case 'docker_image': return applyImage(stackDir, r.name, config, logs);
    case 'docker_container': return applyContainer(config);
    case 'docker_volume':
      await docker.createVolume({ Name: config.name, Driver: config.driver, Labels: config.labels });
      return { name: config.name };
    case 'docker_network':
      await docker.createNetwork({ Name: config.name, Driver: config.driver, Internal: config.internal, Labels: config.labels });
      return { name: config.name };
    default: throw new Error(`harness: ${r.type} not modelled`);
  }
}

/**
 * Applies the docker_* resources of one synthesized stack, like `terraform apply` with provider
 * 3.6.2. Given the result of an earlier apply (its state), it plans against it: unchanged resources
 * are kept, ForceNew changes replace (dependents first, destroy before create), in-place changes
 * update, and changes 3.6.2 never applies are recorded but do nothing.
 */
export async function applyStack(stackDir: string, previous?: ApplyResult): Promise<ApplyResult> {
  const ordered = readStack(stackDir);
  const prev = new Map((previous?.resources ?? []).map(r => [`${r.type}.${r.name}`, r]));
  const actions: Record<string, Action> = {};

  // Plan: resolve each configuration against what is known before the apply.
  const known = new Map<string, AppliedResource>();
  for (const r of ordered) {
    const key = `${r.type}.${r.name}`;
    const old = prev.get(key);
    const view = new Map([...known].map(([k, v]) => [k, actions[k] === 'replace' || actions[k] === 'create'
      ? { ...v, attrs: new Proxy({}, { get: () => UNKNOWN }) } : v]));
    actions[key] = old ? planAction(r.type, old.config, resolveConfig(r.config, view)) : 'create';
    known.set(key, old ?? { type: r.type, name: r.name, attrs: {}, config: r.config });
  }
  const result: ApplyResult = { resources: [], buildLogs: {}, actions };

  // Destroy what is replaced or gone, dependents first.
  const newKeys = new Set(ordered.map(r => `${r.type}.${r.name}`));
  for (const old of [...(previous?.resources ?? [])].reverse()) {
    const key = `${old.type}.${old.name}`;
    if (!newKeys.has(key) || actions[key] === 'replace') {
      await destroyResource(old).catch(() => undefined);
    }
  }

  // Create, update or keep, in dependency order.
  const applied = new Map<string, AppliedResource>();
  try {
    for (const r of ordered) {
      const key = `${r.type}.${r.name}`;
      const config = resolveConfig(r.config, applied);
      const old = prev.get(key);
      let attrs: Attrs;
      if (actions[key] === 'create' || actions[key] === 'replace') {
        attrs = await createResource(stackDir, r, config, result.buildLogs);
      } else {
        attrs = old!.attrs;
        if (actions[key] === 'update') {
          await docker.getContainer(attrs.id).update({
            RestartPolicy: { Name: config.restart ?? 'no', MaximumRetryCount: config.max_retry_count ?? 0 },
            Memory: bytesFromMb(config.memory),
            CpuShares: config.cpu_shares,
          });
        }
      }
      const res = { type: r.type, name: r.name, attrs: { ...config, ...attrs }, config };
      applied.set(key, res);
      result.resources.push(res);
    }
  } catch (e) {
    await destroyStack(result);
    throw e;
  }
  return result;
}

/** Destroys what applyStack created, in reverse order, as 3.6.2 does on `terraform destroy`. */
export async function destroyStack(result: ApplyResult): Promise<void> {
  for (const r of [...result.resources].reverse()) {
    // Best effort: a failed apply may have left only part of a resource behind.
    await destroyResource(r).catch(() => undefined);
  }
}
