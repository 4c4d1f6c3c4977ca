import * as crypto from 'crypto';
import { container, image as dockerImage } from '@cdktf/provider-docker';
import { Annotations, Aspects, Fn, Lazy, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Duration } from './duration';
import { HealthCheck } from './health-check';
import { pathSlug } from './private/core/names';
import { DOCKER_NAME, IPV4, IPV6 } from './private/core/patterns';
import { RenderedHealthCheck } from './private/core/rendered-health-check';
import { logOptionsOf, RenderedLogDriver } from './private/core/rendered-log-driver';
import { warnIfSecretLooking } from './private/core/secrets';
import { fail, requireInteger, requireRuntimeVariable, requireLiteral, requireSingleLine, requireWholeSeconds, Site } from './private/core/validation';
import { requireDockerProvider, useDockerProvider } from './private/docker/docker-provider';
import { goDuration } from './private/docker/go-duration';
import { healthCheckBlock } from './private/docker/health-check-block';
import { bindingsOverlap, findHostPortConflicts, HostBinding, hostPortHolders } from './private/docker/host-ports';
import { rawBlock } from './private/docker/raw-block';
import { hardeningOf, RenderedRuntime, renderRuntime, WsgiRuntime } from './private/docker/runtime';
import { addGunicornArguments, sharedPortArguments } from './private/image/gunicorn-config';
import { debugValueOn } from './private/python/django';
import { applyStepSettings } from './private/runner/apply-step';
import { newDestroyGuard, newReconcileContainer, RECONCILE_DEFAULT_SOCKET_PATH } from './private/runner/orphan-containers';
import { checkRunnerOptions } from './private/runner/runner-options';
import { ReleaseCommand } from './release-command';
import { Protocol, PublishedPort, RestartPolicy, VolumeMount, WsgiContainerProps } from './wsgi-container-props';
import { UpdateOrder } from './wsgi-service-props';

function settingsHash(settings: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/**
 * The network holder's process: Python from the app's base image, sleeping until SIGTERM, on which
 * it exits at once (as PID 1 it would otherwise ignore the signal and wait for SIGKILL).
 */
const NETWORK_HOLDER_SCRIPT = 'import signal, sys; signal.signal(signal.SIGTERM, lambda *_: sys.exit(0)); signal.pause()';

/** The network holder needs a few MiB; the limit keeps a mistake in it from costing more. */
const NETWORK_HOLDER_MEMORY_MIB = 32;

/**
 * Characters of the random suffix in the name of each app (and release) container of
 * WsgiContainer: `<containerName>-<8 hex>`.
 */
const GENERATION_CHARS = 8;

/** The construct ID of the app container of `UpdateOrder.START_FIRST`. */
const APP_ID = 'Resource';

/** The construct ID of the app container of `UpdateOrder.STOP_FIRST`. */
const STOP_FIRST_APP_ID = 'App';

/** Where a container's network comes from: the holder's namespace, or its own networks. */
type ContainerNetwork = Pick<container.ContainerConfig, 'networkMode' | 'networksAdvanced'>;

/** What the app container and its release container share. */
type SharedSettings = Pick<container.ContainerConfig, 'image' | 'user' | 'readOnly' | 'tmpfs' | 'securityOpts' | 'capabilities' | 'memory' | 'cpus' | 'volumes' | 'logDriver' | 'logOpts'>;

/** A release command bound to the image. */
type BoundRelease = NonNullable<ReturnType<ReleaseCommand['_bind']>>;

/** The settings of a WsgiContainer, checked, with the defaults filled in. */
interface CheckedSettings {
  readonly startFirst: boolean;
  readonly check?: RenderedHealthCheck;
  readonly waitForHealthy: boolean;
  readonly waitSeconds: number;
  readonly socketPath: string;
  readonly userLabels: Array<{ label: string; value: string }>;
  readonly restart: string;
  /** `-<8 hex>`, drawn at apply. */
  readonly generationSuffix: string;
  readonly generationLabels: Array<{ label: string; value: string }>;
  readonly logging: RenderedLogDriver;
}

/**
 * Runs a {@link WsgiImage} as a `docker_container`, hardened by default: non-root, read-only
 * root filesystem, no capabilities, no new privileges, an HTTP health check the apply waits for,
 * and a stop timeout derived from gunicorn's graceful timeout.
 *
 * Environment variables, volumes and published ports can be added after construction
 * (`addEnvironment`, `addVolume`, `addPublishedPort`); they are rendered at synth.
 */
export class WsgiContainer extends Construct {
  /**
   * The label holding a hash of the health check, tmpfs and init settings: the provider (3.6.2 and
   * 4.6 alike) never applies edits to those, so the label (ForceNew) replaces the container when
   * they change.
   */
  public static readonly UNAPPLIED_SETTINGS_LABEL = 'cdktf-wsgi.unapplied-settings-hash';

  /**
   * The label on every app (and release) container, holding `containerName`: `docker ps --filter label=cdktf-wsgi.container=<name>` finds the one serving
   * (two while a deploy overlaps them).
   */
  public static readonly CONTAINER_LABEL = 'cdktf-wsgi.container';

  /** Returns whether a construct is a WsgiContainer, across copies of this library. */
  public static isWsgiContainer(x: any): x is WsgiContainer {
    return typeof x === 'object' && x !== null && (x as any)[CONTAINER_SYMBOL] === true;
  }

  /**
   * The stable name: the network holder's, which owns the published ports, the networks and the
   * DNS name other containers reach the app by, while the app containers are named
   * `<containerName>-<8 random hex>`, a new name for each container created.
   */
  public readonly containerName: string;

  /** How a deploy that replaces the app container goes. */
  public readonly updateOrder: UpdateOrder;

  /** The port the app listens on inside the container (the image's port). */
  public readonly containerPort: number;

  /**
   * How long Docker waits after SIGTERM before SIGKILL: gunicorn's graceful timeout plus a margin.
   * (Called `stopTimeoutSeconds`, a number, in earlier releases.)
   */
  public readonly stopTimeout: Duration;

  /**
   * The underlying `docker_container` of the app, for settings this construct does not model (an
   * escape hatch, like `node.defaultChild`).
   */
  public readonly resource: container.Container;

  /**
   * The one-shot container that, once the new app container is healthy, takes app containers no
   * Terraform state holds out of service.
   */
  public readonly reconcileResource: container.Container;

  /**
   * The sleeping container that, when `cdktf destroy` stops it after the
   * network holder is gone, removes the app containers no Terraform state holds, and that, when the
   * daemon starts it again (a dockerd restart, a reboot), starts the app containers the daemon
   * failed to start before their holder ran.
   */
  public readonly destroyGuard: container.Container;

  /** The release container that runs `releaseCommand` before the app; undefined without one. */
  public readonly releaseResource?: container.Container;

  /**
   * The `docker_container` that owns the published ports, networks and DNS name, whose network
   * namespace the app containers join.
   */
  public readonly networkHolder: container.Container;

  private readonly runtime: WsgiRuntime;
  private readonly environment: { [name: string]: string } = {};
  private readonly volumes: Array<{ containerPath: string; volumeName?: string; hostPath?: string; readOnly: boolean }> = [];
  private readonly published: HostBinding[] = [];
  private djangoChecked = false;

  constructor(scope: Construct, id: string, props: WsgiContainerProps) {
    super(scope, id);
    Object.defineProperty(this, CONTAINER_SYMBOL, { value: true });
    hostPortHolders(this.node.root).push(this);
    this.runtime = props.image._runtime();
    requireDockerProvider(this, 'provider', props.provider);
    this.containerPort = this.runtime.port;
    this.containerName = this.resolveName(props.containerName);
    this.takePortsAndEnvironment(props);
    this.updateOrder = this.resolveUpdateOrder(props.updateOrder);
    const settings = this.checkSettings(props);
    const rendered = renderRuntime(this.runtime, hardeningOf(props));
    this.stopTimeout = Duration.seconds(rendered.stopTimeoutSeconds);
    const shared = this.sharedSettings(props, rendered, settings.logging);
    // Bound (and so validated) before any resource exists: a bad command leaves nothing half-written.
    const release = props.releaseCommand?._bind(this, this.runtime);
    const holderImage = this.addHolderImage();
    this.destroyGuard = this.addDestroyGuard(holderImage, settings);
    this.networkHolder = this.addNetworkHolder(holderImage, settings, { networksAdvanced: props.networks?.map(name => ({ name })) });
    const network: ContainerNetwork = { networkMode: `container:${this.networkHolder.id}` };
    if (settings.startFirst) {
      // The image a new generation runs must exist before the old generation's is removed.
      props.image._replaceBeforeRemoving();
    } else {
      props.image._removeByForce();
    }
    this.releaseResource = release && this.addReleaseContainer(release, { ...shared, ...network }, settings);
    this.resource = this.addAppContainer({ ...shared, ...network }, rendered, settings);
    this.reconcileResource = this.addReconcileStep(holderImage, rendered, settings);
    useDockerProvider(this, props.provider ?? props.image.provider);
  }

  /** The host ports this container publishes, as `ip:port/protocol`. */
  public get publishedPorts(): string[] {
    return this.published.map(p => `${p.hostIp}:${p.hostPort}/${p.protocol}`);
  }

  /**
   * Sets an environment variable of the app (and its release command). The value may be a token,
   * such as a sensitive TerraformVariable's value.
   */
  public addEnvironment(name: string, value: string): void {
    requireRuntimeVariable(this, name, value);
    if (name in this.environment) {
      fail(this, `environment.${name}`, value, `is set twice (first as ${Token.isUnresolved(this.environment[name]) ? 'a token' : JSON.stringify(this.environment[name])})`, 'set each variable once');
    }
    const site = Site.of(this);
    warnIfSecretLooking(site, 'environment', { [name]: value }, 'is a plain value, stored in cdk.tf.json and the Terraform state in clear',
      'pass a sensitive TerraformVariable (or another secret source) as the value');
    site.emitTo(this);
    this.environment[name] = value;
  }

  /** Mounts a volume or host directory into the app (and its release command). */
  public addVolume(volume: VolumeMount): void {
    const prop = `volumes[${this.volumes.length}]`;
    requireSingleLine(this, `${prop}.containerPath`, volume.containerPath);
    if (!volume.containerPath.startsWith('/')) {
      fail(this, `${prop}.containerPath`, volume.containerPath, 'is not an absolute path', 'use a path such as "/data"');
    }
    if ((volume.volumeName === undefined) === (volume.hostPath === undefined)) {
      fail(this, prop, volume, 'must set exactly one of volumeName and hostPath', 'set volumeName for a Docker volume or hostPath for a host directory');
    }
    if (volume.hostPath !== undefined && !Token.isUnresolved(volume.hostPath)) {
      requireSingleLine(this, `${prop}.hostPath`, volume.hostPath);
      if (!volume.hostPath.startsWith('/')) {
        fail(this, `${prop}.hostPath`, volume.hostPath, 'is not an absolute path', 'use an absolute host path such as "/srv/data"');
      }
    }
    const { containerPath, volumeName, hostPath } = volume;
    this.volumes.push({ containerPath, volumeName, hostPath, readOnly: volume.readOnly ?? false });
  }

  /** Publishes the app's port on a host port. */
  public addPublishedPort(port: PublishedPort): void {
    const i = this.published.length;
    requireInteger(this, `publish[${i}].hostPort`, port.hostPort, 1, 65535, 'use a free host port from 1 to 65535');
    const hostIp = port.hostIp ?? '127.0.0.1';
    requireSingleLine(this, `publish[${i}].hostIp`, hostIp);
    if (!IPV4.test(hostIp) && !IPV6.test(hostIp)) {
      fail(this, `publish[${i}].hostIp`, hostIp, 'is not an IP address', 'use "127.0.0.1" (this host only) or "0.0.0.0" (all interfaces)');
    }
    const protocol = port.protocol ?? Protocol.TCP;
    if (!Object.values(Protocol).includes(protocol)) {
      fail(this, `publish[${i}].protocol`, protocol, 'is not a protocol', 'use Protocol.TCP or Protocol.UDP');
    }
    const binding = { hostPort: port.hostPort, hostIp, protocol };
    const clash = this.published.find(b => bindingsOverlap(binding, b));
    if (clash) {
      fail(this, `publish[${i}]`, `${hostIp}:${port.hostPort}/${protocol}`, `overlaps ${clash.hostIp}:${clash.hostPort}/${clash.protocol} published by the same container`, 'publish each host port once');
    }
    this.published.push(binding);
  }

  /**
   * The host bindings, for the app-wide host-port check.
   *
   * @internal
   */
  public _published(): HostBinding[] {
    return [...this.published];
  }

  /** The ports, the environment and the checks that wait for the whole construct tree. */
  private takePortsAndEnvironment(props: WsgiContainerProps): void {
    (props.publish ?? []).forEach(p => this.addPublishedPort(p));
    this.node.addValidation({ validate: () => findHostPortConflicts(this) });
    const environment = props.environment ?? {};
    requireLiteral(this, 'environment', environment);
    Object.keys(environment).sort().forEach(name => this.addEnvironment(name, environment[name]));
    // DEBUG and SECRET_KEY are checked at synth, when every addEnvironment call has been made.
    Aspects.of(this).add({ visit: node => (node === this ? this.checkDjangoEnvironment() : undefined) });
  }

  private resolveUpdateOrder(updateOrder: UpdateOrder | undefined): UpdateOrder {
    const order = updateOrder ?? UpdateOrder.START_FIRST;
    if (!Object.values(UpdateOrder).includes(order)) {
      fail(this, 'updateOrder', order, 'is not an update order', 'use UpdateOrder.START_FIRST or UpdateOrder.STOP_FIRST');
    }
    return order;
  }

  /** Checks every setting that stands alone, in the order of the props' docs, before any resource exists. */
  private checkSettings(props: WsgiContainerProps): CheckedSettings {
    const startFirst = this.updateOrder === UpdateOrder.START_FIRST;
    // Generations share the port: each one's health check counts only its own gunicorn's answers.
    const check = (props.healthCheck ?? HealthCheck._default())._bind(this, this.containerPort, true);
    const waitForHealthy = props.waitForHealthy ?? check !== undefined;
    if (waitForHealthy && !check) {
      fail(this, 'waitForHealthy', true, 'needs a health check, but healthCheck is HealthCheck.none()', 'set a health check, or waitForHealthy: false');
    }
    const waitSeconds = requireWholeSeconds(this, 'waitTimeout', props.waitTimeout ?? Duration.seconds(60), 1, 'use Duration.seconds(n)');
    const shared = checkRunnerOptions(this, { ...props, tmpSizeMiB: hardeningOf(props).tmpSizeMiB },
      [WsgiContainer.UNAPPLIED_SETTINGS_LABEL, WsgiContainer.CONTAINER_LABEL]);
    const socketPath = props.dockerSocketPath ?? RECONCILE_DEFAULT_SOCKET_PATH;
    requireSingleLine(this, 'dockerSocketPath', socketPath);
    if (!Token.isUnresolved(socketPath) && !socketPath.startsWith('/')) {
      fail(this, 'dockerSocketPath', socketPath, 'is not an absolute path', 'use the socket\'s path on the Docker host, such as "/var/run/docker.sock"');
    }
    (props.volumes ?? []).forEach(v => this.addVolume(v));
    if (startFirst && !props.image._tagFollowsImage) {
      fail(this, 'image', props.image.imageName, 'has a fixed tag, but UpdateOrder.START_FIRST builds the new image before the old one is removed, and the provider removes the old one by that tag, which is the new one\'s',
        'leave `imageTag` unset on the WsgiImage, or set updateOrder: UpdateOrder.STOP_FIRST');
    }
    return {
      startFirst,
      check,
      waitForHealthy,
      waitSeconds,
      socketPath,
      userLabels: shared.labels,
      restart: props.restartPolicy ?? RestartPolicy.UNLESS_STOPPED,
      // Every container created gets a name of its own, drawn at apply and kept after (ignore_changes),
      // so a replacement never waits for the name of the container it replaces. A name tied to the
      // container's settings would block the retry of a failed or interrupted deploy: the tainted
      // container keeps the name its replacement, with the same settings, would need.
      generationSuffix: `-${Fn.substr(Fn.uuid(), 0, GENERATION_CHARS)}`,
      generationLabels: [{ label: WsgiContainer.CONTAINER_LABEL, value: this.containerName }],
      logging: shared.logging,
    };
  }

  /**
   * What the app container and its release container share: the same user, hardening, limits,
   * volumes and environment, so a release command runs exactly where the app will.
   */
  private sharedSettings(props: WsgiContainerProps, rendered: RenderedRuntime, logging: RenderedLogDriver): SharedSettings {
    return {
      logDriver: logging.driver,
      logOpts: logOptionsOf(logging),
      image: props.image.imageId,
      user: rendered.user,
      readOnly: rendered.readOnlyRootFilesystem,
      tmpfs: rendered.tmpfs && { ...rendered.tmpfs },
      securityOpts: rendered.securityOpts && [...rendered.securityOpts],
      capabilities: rendered.capDrop && { drop: [...rendered.capDrop] },
      memory: props.memoryMiB,
      cpus: props.cpus !== undefined ? String(props.cpus) : undefined,
      volumes: rawBlock<container.ContainerVolumes[]>(() => this.renderVolumes()),
    };
  }

  /**
   * The base image the holder and the helper containers run. Pulled only if the engine lacks it
   * (the app's build needs it anyway); kept at destroy, as other images and stacks use it too.
   */
  private addHolderImage(): dockerImage.Image {
    const longest = 128 - '-reconcile-'.length - GENERATION_CHARS;
    if (this.containerName.length > longest) {
      fail(this, 'containerName', this.containerName, `is too long to name the app, release and reconcile containers of each deploy (<name>-reconcile-<${GENERATION_CHARS} characters>)`,
        `use a name of at most ${longest} characters`);
    }
    return new dockerImage.Image(this, 'NetworkHolderImage', { name: this.runtime.baseImage, keepLocally: true });
  }

  private addDestroyGuard(holderImage: dockerImage.Image, settings: CheckedSettings): container.Container {
    return newDestroyGuard(this, {
      containerName: this.containerName,
      nameSuffix: settings.generationSuffix,
      image: holderImage.imageId,
      socketPath: settings.socketPath,
      restart: settings.restart,
      labels: settings.userLabels,
      logging: settings.logging,
    });
  }

  /**
   * The holder owns the network side, and each generation of app (and release) containers joins
   * it under a name of its own, so an app container a killed apply left never blocks the next
   * one's name or port, and with START_FIRST old and new run side by side. It ignores
   * later changes of its image, so a new base image never replaces it: the new one would have to
   * bind the ports the old one holds.
   */
  private addNetworkHolder(holderImage: dockerImage.Image, settings: CheckedSettings, network: ContainerNetwork): container.Container {
    const holder = new container.Container(this, 'NetworkHolder', {
      dependsOn: [this.destroyGuard!],
      name: this.containerName,
      image: holderImage.imageId,
      entrypoint: ['python3', '-c', NETWORK_HOLDER_SCRIPT],
      user: '65534:65534',
      readOnly: true,
      securityOpts: ['no-new-privileges:true'],
      capabilities: { drop: ['ALL'] },
      memory: NETWORK_HOLDER_MEMORY_MIB,
      // As Docker reads it back when no swap is given (twice the memory), or every plan shows a change.
      memorySwap: 2 * NETWORK_HOLDER_MEMORY_MIB,
      ports: rawBlock<container.ContainerPorts[]>(() => this.renderPorts()),
      networksAdvanced: network.networksAdvanced,
      // When the old app container closes its listener, the connections still queued on it move
      // to the new one's instead of being reset (Linux 5.14+).
      sysctls: { 'net.ipv4.tcp_migrate_req': '1' },
      restart: settings.restart,
      labels: settings.userLabels.length > 0 ? settings.userLabels : undefined,
      logDriver: settings.logging.driver,
      logOpts: logOptionsOf(settings.logging),
      // Nor does a logging change: the holder writes nothing, and its replacement would take the app down.
      lifecycle: { ignoreChanges: ['image', 'log_driver', 'log_opts'] },
    });
    if (!settings.startFirst) {
      // Earlier releases ran a STOP_FIRST app as one container, at the address START_FIRST gives its
      // app. Handed to the holder, it is replaced destroy-first, so the holder gets its name and ports
      // without a conflict; the app container, at an address of its own, then starts in the holder.
      holder.moveFromId(this.formerStopFirstAddress());
    }
    return holder;
  }

  /** The address of the app container at `Resource`, whatever naming scheme the stack uses. */
  private formerStopFirstAddress(): string {
    const probe = new Construct(this, APP_ID);
    try {
      return `docker_container.${TerraformStack.of(this).getLogicalId(probe.node)}`;
    } finally {
      this.node.tryRemoveChild(APP_ID);
    }
  }

  private addReleaseContainer(release: BoundRelease, shared: SharedSettings & ContainerNetwork, settings: CheckedSettings): container.Container {
    const labels = [...settings.generationLabels, ...settings.userLabels];
    return new container.Container(this, 'Release', {
      ...shared,
      name: `${this.containerName}-release${settings.generationSuffix}`,
      entrypoint: release.argv,
      env: Lazy.listValue({ produce: () => this.renderEnvironment(release.environment) }, { omitEmpty: true }),
      labels: labels.length > 0 ? labels : undefined,
      ...applyStepSettings(this, `The release command of ${this.node.path} (${release.argv.join(' ')})`, {
        createBeforeDestroy: settings.startFirst ? true : undefined,
        ignoreChanges: ['name'],
      }),
    });
  }

  private addAppContainer(shared: SharedSettings & ContainerNetwork, rendered: RenderedRuntime, settings: CheckedSettings): container.Container {
    const check = settings.check;
    const healthcheck = check && healthCheckBlock(check, goDuration, true);
    // START_FIRST's app keeps the address it has always had; STOP_FIRST's was handed to the holder.
    return new container.Container(this, settings.startFirst ? APP_ID : STOP_FIRST_APP_ID, {
      ...shared,
      dependsOn: this.releaseResource ? [this.releaseResource] : undefined,
      name: `${this.containerName}${settings.generationSuffix}`,
      // reuse_port lets the new generation's gunicorn bind the port another one still listens on.
      env: Lazy.listValue({
        produce: () => this.renderEnvironment({}, sharedPortArguments(this.containerPort)),
      }, { omitEmpty: true }),
      restart: settings.restart,
      healthcheck,
      wait: settings.waitForHealthy,
      waitTimeout: settings.waitForHealthy ? settings.waitSeconds : undefined,
      stopSignal: rendered.stopSignal,
      stopTimeout: rendered.stopTimeoutSeconds,
      destroyGraceSeconds: rendered.stopTimeoutSeconds,
      // The provider accepts edits to healthcheck, tmpfs and init but never applies them to the
      // running container (kreuzwerker/terraform-provider-docker#988). Labels are ForceNew, so a
      // hash of those settings here turns such an edit into a replacement that does apply. 4.6
      // marks the healthcheck block ForceNew (#989), but an edit inside the block still plans as
      // an in-place update that Docker never sees (the rollout suite shows it on both lines).
      labels: [
        { label: WsgiContainer.UNAPPLIED_SETTINGS_LABEL, value: settingsHash({ healthcheck, tmpfs: shared.tmpfs, init: null }) },
        ...settings.generationLabels,
        ...settings.userLabels,
      ],
      lifecycle: { createBeforeDestroy: settings.startFirst ? true : undefined, ignoreChanges: ['name'] },
    });
  }

  private addReconcileStep(holderImage: dockerImage.Image, rendered: RenderedRuntime, settings: CheckedSettings): container.Container {
    return newReconcileContainer(this, {
      containerName: this.containerName,
      nameSuffix: settings.generationSuffix,
      image: holderImage.imageId,
      keep: [this.resource, ...(this.releaseResource ? [this.releaseResource] : [])],
      createBeforeDestroy: settings.startFirst,
      logging: settings.logging,
      stopTimeoutSeconds: rendered.stopTimeoutSeconds,
      socketPath: settings.socketPath,
      labels: settings.userLabels,
    });
  }

  private renderEnvironment(extra: { [name: string]: string }, gunicornArguments: string[] = []): string[] {
    const merged = { ...extra, ...this.environment };
    addGunicornArguments(merged, gunicornArguments);
    return Object.keys(merged).sort().map(name => `${name}=${merged[name]}`);
  }

  private renderVolumes() {
    return this.volumes.length === 0 ? undefined : this.volumes.map(v => ({
      container_path: v.containerPath,
      volume_name: v.volumeName,
      host_path: v.hostPath,
      read_only: v.readOnly,
    }));
  }

  private renderPorts() {
    return this.published.length === 0 ? undefined : this.published.map(p => ({
      internal: this.containerPort,
      external: p.hostPort,
      ip: p.hostIp,
      protocol: p.protocol,
    }));
  }

  /**
   * Warns when the Django settings the image runs with would turn DEBUG on, or miss their
   * SECRET_KEY, with the environment this container sets (or the image bakes in).
   */
  private checkDjangoEnvironment(): void {
    const django = this.runtime.django;
    if (!django || this.djangoChecked) {
      return;
    }
    this.djangoChecked = true;
    const lookup = (name: string): string | null | undefined => {
      const value = name in this.environment ? this.environment[name] : this.runtime.environment[name];
      return value === undefined ? undefined : Token.isUnresolved(value) ? null : value;
    };
    if (django.debug.kind === 'env') {
      const value = lookup(django.debug.variable);
      const on = value === undefined ? django.debug.onWhenUnset : value !== null && debugValueOn(value);
      if (on) {
        Annotations.of(this).addWarning(`DEBUG would be on: ${django.debugFile ?? django.settingsFile} reads it from ${django.debug.variable}, which is `
          + `${value === undefined ? 'unset here, and its default turns DEBUG on' : `${JSON.stringify(value)} here`}. `
          + `Set ${django.debug.variable} to a false value in \`environment\` for anything reachable by others.`);
      }
    }
    for (const v of django.secretKeyVariables) {
      if (v.required && lookup(v.name) === undefined) {
        Annotations.of(this).addWarning(`${django.secretKeyFile ?? django.settingsFile} reads SECRET_KEY from ${v.name}, which this container does not set, so Django will fail to start. `
          + `Set ${v.name} in \`environment\`, from a sensitive TerraformVariable.`);
      }
    }
  }

  private resolveName(name: string | undefined): string {
    if (name === undefined) {
      return pathSlug(this) || 'wsgi-app';
    }
    requireSingleLine(this, 'containerName', name);
    if (!DOCKER_NAME.test(name)) {
      fail(this, 'containerName', name, 'is not a valid container name (letters, digits, "_", ".", "-", starting with a letter or digit)', 'use a name such as "web-1"');
    }
    return name;
  }
}

const CONTAINER_SYMBOL = Symbol.for('cdktf-wsgi.WsgiContainer');
