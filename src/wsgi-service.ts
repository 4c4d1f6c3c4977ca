import { dataDockerNetwork, registryImage, secret, service } from '@cdktf/provider-docker';
import { Annotations, DataResource, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Duration } from './duration';
import { HealthCheck } from './health-check';
import { pathSlug } from './private/core/names';
import { RenderedHealthCheck } from './private/core/rendered-health-check';
import { logOptionsOf, RenderedLogDriver } from './private/core/rendered-log-driver';
import { warnIfSecretLooking } from './private/core/secrets';
import { fail, requireEnvName, requireInteger, requireLiteral, requireRuntimeVariable, requireSingleLine, requireWholeSeconds, Site } from './private/core/validation';
import { requireDockerProvider, useDockerProvider } from './private/docker/docker-provider';
import { goShortDuration } from './private/docker/go-duration';
import { healthCheckBlock } from './private/docker/health-check-block';
import { findHostPortConflicts, HostBinding, hostPortHolders } from './private/docker/host-ports';
import { ProviderLine, providerLineOf } from './private/docker/provider-line';
import { rawBlock } from './private/docker/raw-block';
import { DEFAULT_HARDENING, hardeningOf, RenderedRuntime, renderRuntime, WsgiRuntime } from './private/docker/runtime';
import { addGunicornArguments, SECRET_FILES_VARIABLE, sharedPortArguments } from './private/image/gunicorn-config';
import { checkRunnerOptions, CheckedRunnerOptions, requireCpus, requireMemoryMiB } from './private/runner/runner-options';
import { PublishMode, RollingUpdateOptions, ServiceMode, ServiceRestartCondition, UpdateOrder, WsgiServiceProps } from './wsgi-service-props';

/** Swarm service names are DNS labels: at most 63 characters. */
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

type ServiceLabel = { label: string; value: string };

/** The ports a service publishes, by where they are taken. */
interface PublishedPorts {
  readonly ports: service.ServiceEndpointSpecPorts[];
  /** Whether any port is published in host mode (one task per node). */
  readonly hostMode: boolean;
  /** The ports taken in the node's network namespace (`HOST_NETWORK`); empty otherwise. */
  readonly hostNetworkPorts: number[];
}

/** Everything a service's resource is rendered from, checked, with the defaults filled in. */
interface ServicePlan extends PublishedPorts {
  readonly replicas?: number;
  readonly check?: RenderedHealthCheck;
  readonly rendered: RenderedRuntime;
  readonly update: service.ServiceUpdateConfig;
  readonly rollback: service.ServiceRollbackConfig;
  readonly convergeSeconds: number;
  readonly limits: service.ServiceTaskSpecResourcesLimits;
  readonly reservation: service.ServiceTaskSpecResourcesReservation;
  readonly restartCondition: string;
  readonly constraints: string[];
  readonly networks: string[];
  readonly labelList: ServiceLabel[];
  readonly secretMounts: service.ServiceTaskSpecContainerSpecSecrets[];
  readonly env: { [name: string]: string };
  readonly logging: RenderedLogDriver;
}

/** The tasks' environment: the user's, the secrets' file list, and the binds of `HOST_NETWORK`. */
function taskEnvironment(environment: { [name: string]: string }, secretNames: string[], hostNetworkPorts: number[]): { [name: string]: string } {
  const env: { [name: string]: string } = { ...environment };
  if (secretNames.length > 0) {
    env[SECRET_FILES_VARIABLE] = secretNames.join(',');
  }
  if (hostNetworkPorts.length > 0) {
    // Several tasks per node listen together; the binds replace the image's own port.
    addGunicornArguments(env, [...sharedPortArguments(hostNetworkPorts[0]), ...hostNetworkPorts.slice(1).map(port => `--bind 0.0.0.0:${port}`)]);
  }
  return env;
}

/**
 * Runs a {@link WsgiImage} as a Docker Swarm service (`docker_service`): replicated (or global)
 * tasks with the same hardening, health check, stop timeout and environment as a
 * {@link WsgiContainer}, rendered from the same runtime contract, plus health-gated rolling updates
 * that roll back on failure, an apply that waits for convergence, resources, placement, overlay
 * networks and secrets as files. With `pushToRegistry`, the image goes to a registry first and the
 * tasks run it by digest.
 */
export class WsgiService extends Construct {
  /** The service's name. */
  public readonly serviceName: string;

  /** The port the app listens on inside each task (the image's port). */
  public readonly targetPort: number;

  /** How long Swarm waits after SIGTERM before SIGKILL: gunicorn's graceful timeout plus a margin. */
  public readonly stopTimeout: Duration;

  /** The image reference the tasks run: `repository:tag`, or `repository:tag@sha256:...` when pushed. */
  public readonly imageReference: string;

  /** The underlying `docker_service`, for settings this construct does not model. */
  public readonly resource: service.Service;

  /** The `docker_registry_image` that pushes the image; undefined without `pushToRegistry`. */
  public readonly registryResource?: registryImage.RegistryImage;

  private readonly published: HostBinding[] = [];

  constructor(scope: Construct, id: string, props: WsgiServiceProps) {
    super(scope, id);
    hostPortHolders(this.node.root).push(this);
    const runtime: WsgiRuntime = props.image._runtime();
    requireDockerProvider(this, 'provider', props.provider);
    this.targetPort = runtime.port;
    this.serviceName = this.resolveServiceName(props.serviceName);
    const replicas = this.resolveReplicas(props.mode ?? ServiceMode.replicated(2));
    const publish = this.checkPublished(props);
    const environment = requireEnvironment(this, props.environment ?? {});
    const secrets = props.secrets ?? {};
    const secretNames = this.checkSecretNames(secrets, environment);
    // In the node's network namespace, the app listens on the published port rather than its own;
    // there the tasks share the port, so each one's health check counts only its own gunicorn's answers.
    const hostNetwork = publish.hostNetworkPorts.length > 0;
    const listenPort = hostNetwork ? publish.hostNetworkPorts[0] : this.targetPort;
    const check = (props.healthCheck ?? HealthCheck._default())._bind(this, listenPort, hostNetwork);
    const startInterval = props.healthCheck?._durations().startInterval;
    if (startInterval !== undefined) {
      fail(this, 'healthCheck.startInterval', startInterval.toString(), 'cannot be set on a WsgiService: docker_service has no start_interval in kreuzwerker/docker 3.6.2 or 4.x', 'remove it; Swarm runs a task\'s first check one interval after the task starts');
    }
    const shared = checkRunnerOptions(this, props);
    const rendered = renderRuntime(runtime, hardeningOf({
      ...props,
      // A service's /tmp takes a size only (below), so the options string goes unused.
      tmpSizeMiB: undefined,
      // Swarm's API before 1.46 has no no-new-privileges for services; Debian's 20.10 engine speaks 1.41.
      noNewPrivileges: false,
    }));
    this.stopTimeout = Duration.seconds(rendered.stopTimeoutSeconds);
    const rollout = this.renderRollout(props, check, publish.hostMode, replicas);
    const task = this.checkTaskSettings(props, shared);
    const resolved = this.resolveImage(props);
    this.imageReference = resolved.reference;
    this.registryResource = resolved.pushed;
    const plan: ServicePlan = {
      ...publish,
      ...rollout,
      ...task,
      replicas,
      check,
      rendered,
      secretMounts: this.addSecrets(secrets, secretNames, rendered.user, task.labelList),
      env: taskEnvironment(environment, secretNames, publish.hostNetworkPorts),
      logging: shared.logging,
    };
    this.resource = this.addService(props, plan);
    useDockerProvider(this, props.provider ?? props.image.provider);
  }

  /** The ports this service takes on every node, as `0.0.0.0:port/tcp`. */
  public get publishedPorts(): string[] {
    return this.published.map(p => `${p.hostIp}:${p.hostPort}/${p.protocol}`);
  }

  /**
   * The ports, for the app-wide host-port check.
   *
   * @internal
   */
  public _published(): HostBinding[] {
    return [...this.published];
  }

  private resolveServiceName(name: string | undefined): string {
    const serviceName = name ?? (pathSlug(this) || 'wsgi-service');
    requireSingleLine(this, 'serviceName', serviceName);
    if (!SERVICE_NAME.test(serviceName)) {
      fail(this, 'serviceName', serviceName, 'is not a valid service name (letters, digits, "_", ".", "-", at most 63, starting with a letter or digit)', 'use a name such as "web"');
    }
    return serviceName;
  }

  /** The replica count; undefined for a global service. */
  private resolveReplicas(mode: ServiceMode): number | undefined {
    const replicas = mode._replicas();
    if (replicas !== undefined) {
      requireInteger(this, 'mode.replicas', replicas, 0, 10_000, 'use a replica count such as 3');
    }
    return replicas;
  }

  /** The endpoint's ports, and the ports taken in the node's network namespace (`HOST_NETWORK`). */
  private checkPublished(props: WsgiServiceProps): PublishedPorts {
    const hostMode = (props.publish ?? []).some(p => (p.mode ?? PublishMode.INGRESS) === PublishMode.HOST);
    const hostNetworkPorts: number[] = [];
    const ports = (props.publish ?? []).map((p, i) => {
      requireInteger(this, `publish[${i}].publishedPort`, p.publishedPort, 1, 65535, 'use a free port from 1 to 65535');
      const publishMode = p.mode ?? PublishMode.INGRESS;
      if (!Object.values(PublishMode).includes(publishMode)) {
        fail(this, `publish[${i}].mode`, publishMode, 'is not a publish mode', 'use PublishMode.INGRESS, PublishMode.HOST or PublishMode.HOST_NETWORK');
      }
      if (this.published.some(b => b.hostPort === p.publishedPort)) {
        fail(this, `publish[${i}].publishedPort`, p.publishedPort, 'is published twice by this service', 'publish each port once');
      }
      // Ingress listens on every node; host mode on the nodes running a task: both take the port on all of them.
      this.published.push({ hostPort: p.publishedPort, hostIp: '0.0.0.0', protocol: 'tcp' });
      if (publishMode === PublishMode.HOST_NETWORK) {
        if (p.publishedPort < 1024) {
          fail(this, `publish[${i}].publishedPort`, p.publishedPort, 'is below 1024, which the app cannot bind in the node\'s network namespace without privileges',
            'publish a port from 1024 (with a proxy in front for 80 or 443), or use PublishMode.INGRESS');
        }
        hostNetworkPorts.push(p.publishedPort);
        return undefined;
      }
      return { targetPort: this.targetPort, publishedPort: p.publishedPort, protocol: 'tcp', publishMode };
    }).filter((p): p is NonNullable<typeof p> => p !== undefined);
    this.checkHostNetwork(props, hostNetworkPorts.length > 0, ports.length > 0);
    this.node.addValidation({ validate: () => findHostPortConflicts(this) });
    return { ports, hostMode, hostNetworkPorts };
  }

  private checkHostNetwork(props: WsgiServiceProps, hostNetwork: boolean, otherPorts: boolean): void {
    if (hostNetwork && otherPorts) {
      fail(this, 'publish', (props.publish ?? []).map(p => `${p.publishedPort}/${p.mode ?? PublishMode.INGRESS}`).join(', '),
        'mixes PublishMode.HOST_NETWORK with other modes, but a task is either in the node\'s network namespace or in its own', 'publish every port in one of the two');
    }
    if (hostNetwork && (props.networks ?? []).length > 0) {
      fail(this, 'networks', (props.networks ?? []).join(', '), 'cannot be joined by tasks in the node\'s network namespace (PublishMode.HOST_NETWORK)',
        'remove the networks, or publish with PublishMode.INGRESS');
    }
  }

  /** The secrets' names, sorted, each checked against the environment and the library's own variable. */
  private checkSecretNames(secrets: { [name: string]: string }, environment: { [name: string]: string }): string[] {
    requireLiteral(this, 'secrets', secrets);
    const secretNames = Object.keys(secrets).sort();
    for (const name of secretNames) {
      requireEnvName(this, 'secrets key', name);
      if (name in environment) {
        fail(this, `secrets.${name}`, '<secret>', 'is also set in `environment`, whose value would win in the app', 'set it in one of the two');
      }
      if (name === SECRET_FILES_VARIABLE) {
        fail(this, 'secrets key', name, 'is the library\'s own variable', 'choose another name');
      }
    }
    return secretNames;
  }

  /** The update and rollback configs, and how long the apply waits for convergence. */
  private renderRollout(props: WsgiServiceProps, check: RenderedHealthCheck | undefined, hostMode: boolean, replicas: number | undefined) {
    // A failed task must show within the monitor window, or Swarm calls the update done.
    const failureWindow = check
      ? check.startPeriodMs / 1000 + (check.intervalMs / 1000 + check.timeoutMs / 1000) * check.retries + 5
      : 10;
    const update = this.renderUpdate('update', props.update ?? {}, hostMode, failureWindow);
    const rollback = this.renderUpdate('rollback', props.rollback ?? props.update ?? {}, hostMode, failureWindow);
    // Provider 3.6.2 refuses converge_config with global mode: the apply then returns once Swarm has the spec.
    if (replicas === undefined && props.convergeTimeout !== undefined) {
      fail(this, 'convergeTimeout', props.convergeTimeout.toString(), 'cannot be combined with ServiceMode.everyNode(): the provider waits for convergence only for replicated services',
        'remove convergeTimeout, or use ServiceMode.replicated(n)');
    }
    const convergeSeconds = requireWholeSeconds(this, 'convergeTimeout', props.convergeTimeout ?? Duration.minutes(3), 1, 'use Duration.minutes(n)');
    return { update, rollback, convergeSeconds };
  }

  /** Resources, restart condition and placement, checked; networks and labels as checked for every runner. */
  private checkTaskSettings(props: WsgiServiceProps, shared: CheckedRunnerOptions) {
    const limits = {
      memoryBytes: this.mebibytes('memoryMiB', shared.memoryMiB),
      nanoCpus: this.nanoCpus('cpus', shared.cpus),
    };
    const reservation = {
      memoryBytes: this.mebibytes('memoryReservationMiB', props.memoryReservationMiB),
      nanoCpus: this.nanoCpus('cpuReservation', props.cpuReservation),
    };
    const restartCondition = props.restartCondition ?? ServiceRestartCondition.ANY;
    if (!Object.values(ServiceRestartCondition).includes(restartCondition)) {
      fail(this, 'restartCondition', restartCondition, 'is not a restart condition', 'use a ServiceRestartCondition value');
    }
    const constraints = (props.placementConstraints ?? []).map((c, i) => {
      requireSingleLine(this, `placementConstraints[${i}]`, c);
      if (!/^\S+\s*(==|!=)\s*\S+$/.test(c)) {
        fail(this, `placementConstraints[${i}]`, c, 'is not a constraint of the form "<attribute> == <value>" or "!="', 'use a constraint such as "node.role == worker"');
      }
      return c;
    });
    return { limits, reservation, restartCondition, constraints, networks: shared.networks, labelList: shared.labels };
  }

  /** One Swarm secret per entry, mounted as a file only the app's user reads. */
  private addSecrets(secrets: { [name: string]: string }, secretNames: string[], user: string, labelList: ServiceLabel[]) {
    return secretNames.map(name => {
      const value = secrets[name];
      const created = new secret.Secret(this, `Secret${name}`, {
        // Swarm secrets are immutable and cannot be removed while a service uses them: a changed
        // value gets a new name (a hash of the value, as kustomize's secretGenerator does) and the
        // new secret exists before the service moves to it.
        name: `${this.serviceName}-${name.toLowerCase().replace(/_/g, '-')}-${Fn.substr(Fn.sha256(value), 0, 12)}`,
        data: Fn.base64encode(value),
        labels: labelList.length > 0 ? labelList : undefined,
        lifecycle: { createBeforeDestroy: true },
      });
      const [uid, gid] = user.split(':');
      return { secretId: created.id, secretName: created.name, fileName: name, fileUid: uid, fileGid: gid, fileMode: 0o400 };
    });
  }

  private addService(props: WsgiServiceProps, plan: ServicePlan): service.Service {
    const hostNetwork = plan.hostNetworkPorts.length > 0;
    // Swarm stores a task's networks by ID and the provider reads them back that way; as
    // networks_advanced.name forces a new service, a name written there would replace the service
    // at every apply. A data source turns a name (or an ID) into the ID Swarm stores.
    const networkIds = plan.networks.map((n, i) => new dataDockerNetwork.DataDockerNetwork(this, `Network${i}`, { name: n }).id);
    if (hostNetwork) {
      networkIds.push(new dataDockerNetwork.DataDockerNetwork(this, 'HostNetwork', { name: 'host' }).id);
    }
    // Swarm stores the host network under an ID of its own, which no data source returns, so with
    // HOST_NETWORK the attachment is ignored once created. Whether the tasks share the node's network
    // namespace is recorded here, and a change of it replaces the service: joining or leaving the
    // host network is then a create, which the ignore never applies to.
    const networkNamespace = new DataResource(this, 'NetworkNamespace', { input: { namespace: hostNetwork ? 'node' : 'task' } });
    return new service.Service(this, 'Resource', {
      lifecycle: {
        // Terraform takes the address itself here, not an expression.
        replaceTriggeredBy: [`${networkNamespace.terraformResourceType}.${networkNamespace.friendlyUniqueId}`],
        ignoreChanges: hostNetwork ? ['task_spec[0].networks_advanced'] : undefined,
      },
      name: this.serviceName,
      labels: plan.labelList.length > 0 ? plan.labelList : undefined,
      mode: plan.replicas === undefined ? { global: true } : { replicated: { replicas: plan.replicas } },
      taskSpec: this.renderTaskSpec(props, plan, networkIds),
      endpointSpec: plan.ports.length > 0 ? { ports: plan.ports } : undefined,
      updateConfig: { ...plan.update, failureAction: 'rollback' },
      rollbackConfig: { ...plan.rollback, failureAction: 'pause' },
      convergeConfig: plan.replicas === undefined ? undefined : { delay: '2s', timeout: `${plan.convergeSeconds}s` },
    });
  }

  private renderTaskSpec(props: WsgiServiceProps, plan: ServicePlan, networkIds: string[]): service.ServiceTaskSpec {
    const { limits, reservation, constraints, hostMode } = plan;
    return {
      containerSpec: this.renderContainerSpec(props, plan),
      resources: {
        limits: limits.memoryBytes !== undefined || limits.nanoCpus !== undefined ? limits : undefined,
        reservation: reservation.memoryBytes !== undefined || reservation.nanoCpus !== undefined ? reservation : undefined,
      },
      restartPolicy: { condition: plan.restartCondition, delay: goShortDuration(5000), window: goShortDuration(60_000) },
      logDriver: { name: plan.logging.driver, options: logOptionsOf(plan.logging) },
      // Host mode binds the port on the task's node: a second task there could not start.
      placement: constraints.length > 0 || hostMode
        ? { constraints: constraints.length > 0 ? constraints : undefined, maxReplicas: hostMode ? 1 : undefined }
        : undefined,
      // 3.6.2 takes a network's ID in `name`; 4.x reads attachments back into `id` only, so an
      // ID given as `name` (deprecated there) would replace the service at every apply.
      networksAdvanced: networkIds.length > 0
        ? rawBlock<service.ServiceTaskSpecNetworksAdvanced[]>(
          () => networkIds.map(networkId => (providerLineOf(this) === ProviderLine.V3_6_2 ? { name: networkId } : { id: networkId })))
        : undefined,
    };
  }

  private renderContainerSpec(props: WsgiServiceProps, plan: ServicePlan): service.ServiceTaskSpecContainerSpec {
    const { rendered, check } = plan;
    return {
      image: this.imageReference,
      user: rendered.user,
      readOnly: rendered.readOnlyRootFilesystem,
      capDrop: rendered.capDrop && [...rendered.capDrop],
      stopSignal: rendered.stopSignal,
      stopGracePeriod: goShortDuration(rendered.stopTimeoutSeconds * 1000),
      env: Object.keys(plan.env).length > 0 ? plan.env : undefined,
      healthcheck: check && healthCheckBlock(check, goShortDuration, false),
      // Swarm's tmpfs mounts take a size and a mode only (no noexec/nosuid). Provider 3.6.2
      // panics on any tmpfs_options block (it casts size_bytes, an int, to int64), so there /tmp
      // is Docker's default tmpfs (mode 1777, no size of its own) and its pages count against
      // the task's memory limit; 4.x takes the size (#882).
      mounts: rendered.readOnlyRootFilesystem
        ? rawBlock<service.ServiceTaskSpecContainerSpecMounts[]>(() => [this.renderTmpMount(props.tmpSizeMiB)])
        : undefined,
      secrets: plan.secretMounts.length > 0 ? plan.secretMounts : undefined,
      labels: plan.labelList.length > 0 ? plan.labelList : undefined,
    };
  }

  /** The reference the tasks run, and the push that makes it reachable from other nodes, if any. */
  private resolveImage(props: WsgiServiceProps): { reference: string; pushed?: registryImage.RegistryImage } {
    const image = props.image;
    if (!image._tagFollowsImage) {
      fail(this, 'image', image.imageName, 'has a fixed tag, but a service rolls out by a tag that changes with the image (the old image is removed after the new one exists)',
        'leave `imageTag` unset on the WsgiImage');
    }
    // Tasks keep using the old image until the rolling update is done, and exited tasks may still
    // reference it.
    image._replaceBeforeRemoving();
    if (props.pushToRegistry !== true) {
      Annotations.of(this).addInfo(`the tasks run ${image.node.path} from the local image store of the node Terraform talks to: with more than one node, `
        + 'set pushToRegistry (and a registry `repository` on the image), or a placement constraint that keeps the tasks on that node');
      return { reference: image.resource.name };
    }
    // One push per image, however many services run it.
    const pushed = image._push(this, props.keepPushedImages ?? false);
    return { reference: `${image.resource.name}@${pushed.sha256Digest}`, pushed };
  }

  private renderUpdate(property: string, options: RollingUpdateOptions, hostMode: boolean, failureWindow: number) {
    const parallelism = options.parallelism ?? 1;
    requireInteger(this, `${property}.parallelism`, parallelism, 0, 10_000, 'use 1 (one task at a time) or more; 0 updates all at once');
    const delay = requireWholeSeconds(this, `${property}.delay`, options.delay ?? Duration.seconds(0), 0, 'use Duration.seconds(n)');
    const order = options.order ?? (hostMode ? UpdateOrder.STOP_FIRST : UpdateOrder.START_FIRST);
    if (!Object.values(UpdateOrder).includes(order)) {
      fail(this, `${property}.order`, order, 'is not an update order', 'use UpdateOrder.START_FIRST or UpdateOrder.STOP_FIRST');
    }
    if (order === UpdateOrder.START_FIRST && hostMode) {
      fail(this, `${property}.order`, order, 'starts the new task before the old one stops, but a port is published in host mode, which the old task still holds on that node, so the new task could not bind it',
        'use UpdateOrder.STOP_FIRST, or publish in PublishMode.INGRESS or PublishMode.HOST_NETWORK');
    }
    const monitor = requireWholeSeconds(this, `${property}.monitor`, options.monitor ?? Duration.seconds(Math.ceil(failureWindow)), 1, 'use Duration.seconds(n)');
    const ratio = options.maxFailureRatio ?? 0;
    requireLiteral(this, `${property}.maxFailureRatio`, ratio);
    if (!(ratio >= 0 && ratio <= 1)) {
      fail(this, `${property}.maxFailureRatio`, ratio, 'is not a fraction from 0 to 1', 'use 0 (no failure tolerated) up to 1');
    }
    // The provider reads the ratio back with one decimal: any finer value would never match.
    if (Math.abs(ratio * 10 - Math.round(ratio * 10)) > 1e-9) {
      fail(this, `${property}.maxFailureRatio`, ratio, 'has more than one decimal, which provider 3.6.2 reads back rounded, so every plan would show a change', 'use a multiple of 0.1, e.g. 0.2');
    }
    return { parallelism, delay: goShortDuration(delay * 1000), order, monitor: goShortDuration(monitor * 1000), maxFailureRatio: ratio.toFixed(1) };
  }

  /** The tmpfs at /tmp, sized where the stack's provider can take a size. */
  private renderTmpMount(tmpSizeMiB: number | undefined): { [key: string]: unknown } {
    const mount = { type: 'tmpfs', target: '/tmp' };
    if (providerLineOf(this) === ProviderLine.V3_6_2) {
      if (tmpSizeMiB !== undefined) {
        fail(this, 'tmpSizeMiB', tmpSizeMiB, 'cannot be set with kreuzwerker/docker 3.6.2, which crashes on a tmpfs size for services',
          'remove tmpSizeMiB (memoryMiB then bounds /tmp too), or choose provider 4.x (README, "Provider versions")');
      }
      return mount;
    }
    return { ...mount, tmpfs_options: { size_bytes: (tmpSizeMiB ?? DEFAULT_HARDENING.tmpSizeMiB) * 1024 * 1024 } };
  }

  private mebibytes(property: string, value: number | undefined): number | undefined {
    requireMemoryMiB(this, property, value);
    return value === undefined ? undefined : value * 1024 * 1024;
  }

  private nanoCpus(property: string, value: number | undefined): number | undefined {
    requireCpus(this, property, value);
    return value === undefined ? undefined : Math.round(value * 1e9);
  }
}

/** The environment: names checked, values strings or tokens; secret-looking plain values warn. */
function requireEnvironment(scope: WsgiService, environment: { [name: string]: string }): { [name: string]: string } {
  requireLiteral(scope, 'environment', environment);
  const result: { [name: string]: string } = {};
  for (const name of Object.keys(environment).sort()) {
    requireRuntimeVariable(scope, name, environment[name]);
    result[name] = environment[name];
  }
  const site = Site.of(scope);
  warnIfSecretLooking(site, 'environment', result, 'is a plain value, stored in the service spec, cdk.tf.json and the Terraform state in clear',
    'pass it in `secrets` instead, from a sensitive TerraformVariable');
  site.emitTo(scope);
  return result;
}
