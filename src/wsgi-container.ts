import * as crypto from 'crypto';
import { container } from '@cdktf/provider-docker';
import { Annotations, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Duration } from './duration';
import { HealthCheck } from './health-check';
import { debugValueOn } from './private/django';
import { fail, requireDuration, requireEnvName, requireInteger, requireLiteral, requireSingleLine } from './private/errors';
import { pathSlug } from './private/names';
import { RELEASE_OUTPUT } from './private/release-output';
import { warnIfSecretLooking } from './private/secrets';
import { ReleaseCommand } from './release-command';
import { WsgiImage } from './wsgi-image';

/** Transport protocol of a published port. */
export enum Protocol {
  /** TCP, what HTTP uses. */
  TCP = 'tcp',
  /** UDP. */
  UDP = 'udp',
}

/** What Docker does when the container exits. */
export enum RestartPolicy {
  /** Never restart. */
  NO = 'no',
  /** Restart after a non-zero exit. */
  ON_FAILURE = 'on-failure',
  /** Always restart, also when the daemon restarts. */
  ALWAYS = 'always',
  /** Restart unless someone stopped the container on purpose. */
  UNLESS_STOPPED = 'unless-stopped',
}

/** A host port that forwards to the app's port. */
export interface PublishedPort {
  /** The port on the host. */
  readonly hostPort: number;

  /**
   * The host address to listen on. Loopback keeps the app reachable only from the host (put a
   * proxy in front); use `0.0.0.0` to accept connections from other machines.
   *
   * @default '127.0.0.1'
   */
  readonly hostIp?: string;

  /**
   * The protocol.
   *
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** A volume or host directory mounted into the container. */
export interface VolumeMount {
  /** Where it appears in the container. */
  readonly containerPath: string;

  /**
   * A Docker volume's name (may be a `docker_volume` resource's `name`). Set this or `hostPath`.
   *
   * @default - none; `hostPath` must be set
   */
  readonly volumeName?: string;

  /**
   * An absolute directory on the Docker host. Set this or `volumeName`.
   *
   * @default - none; `volumeName` must be set
   */
  readonly hostPath?: string;

  /**
   * Mount it read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Properties of a {@link WsgiContainer}. */
export interface WsgiContainerProps {
  /** The image to run. Its port is the container port: one source of truth. */
  readonly image: WsgiImage;

  /**
   * The container's name.
   *
   * @default - `<stack>-<construct path>`, lowercased
   */
  readonly containerName?: string;

  /**
   * Host ports forwarded to the app's port.
   *
   * @default - none: the app is reachable only from Docker networks
   */
  readonly publish?: PublishedPort[];

  /**
   * Runtime environment variables. Values may be Terraform tokens (for example a sensitive
   * variable); they stay out of the image.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * What Docker does when the container exits.
   *
   * @default RestartPolicy.UNLESS_STOPPED
   */
  readonly restartPolicy?: RestartPolicy;

  /**
   * How Docker checks the app. Probes run with the image's own Python (no curl needed). The
   * default asks for `/` and accepts any answer below 500, so apps without a `/` route are healthy
   * as long as they serve; set a real health endpoint with `HealthCheck.http('/healthz')`.
   *
   * @default HealthCheck.http('/', { healthyBelowStatus: 500 })
   */
  readonly healthCheck?: HealthCheck;

  /**
   * Make the apply wait until the container is healthy, and fail if it is not.
   *
   * @default - true when there is a health check
   */
  readonly waitForHealthy?: boolean;

  /**
   * How long the apply waits for a healthy container.
   *
   * @default Duration.seconds(60)
   */
  readonly waitTimeout?: Duration;

  /**
   * Memory limit in MiB.
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;

  /**
   * CPU limit, in CPUs (for example 0.5 or 2).
   *
   * @default - no limit
   */
  readonly cpus?: number;

  /**
   * Docker networks to join (names, or `docker_network` resource names). The container then
   * leaves the default bridge network.
   *
   * @default - the default bridge network
   */
  readonly networks?: string[];

  /**
   * Volumes and host directories to mount.
   *
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * Run as the image's non-root user. Opt out only for apps that must be root.
   *
   * @default true
   */
  readonly runAsNonRoot?: boolean;

  /**
   * Mount the root filesystem read-only, with a tmpfs at `/tmp` (gunicorn's heartbeat files go to
   * `/dev/shm`, which Docker always mounts as tmpfs).
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Size of the tmpfs at `/tmp` when the root filesystem is read-only, in MiB.
   *
   * @default 64
   */
  readonly tmpSizeMiB?: number;

  /**
   * Forbid gaining privileges through setuid binaries (`no-new-privileges`).
   *
   * @default true
   */
  readonly noNewPrivileges?: boolean;

  /**
   * Drop all Linux capabilities; a WSGI app needs none (Docker lets non-root processes bind low
   * ports without one).
   *
   * @default true
   */
  readonly dropAllCapabilities?: boolean;

  /**
   * A one-off command (such as `ReleaseCommand.djangoMigrate()`) run in a container of its own,
   * `<containerName>-release`, before this container starts, each time the image changes. It gets
   * this container's environment, volumes, networks, user and hardening; a non-zero exit fails the
   * deploy with its output before this container is created from the new image.
   *
   * @default - none
   */
  readonly releaseCommand?: ReleaseCommand;
}

function settingsHash(settings: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/** Margin on top of gunicorn's graceful timeout before Docker sends SIGKILL. */
const STOP_MARGIN_SECONDS = 5;
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

/**
 * Runs a {@link WsgiImage} as a `docker_container`, hardened by default: non-root, read-only
 * root filesystem, no capabilities, no new privileges, an HTTP health check the apply waits for,
 * and a stop timeout derived from gunicorn's graceful timeout.
 */
export class WsgiContainer extends Construct {
  /**
   * The label holding a hash of the health check, tmpfs and init settings: provider 3.6.2 never
   * applies edits to those, so the label (ForceNew) replaces the container when they change.
   */
  public static readonly UNAPPLIED_SETTINGS_LABEL = 'cdktf-wsgi.unapplied-settings-hash';

  /** Returns whether a construct is a WsgiContainer, across copies of this library. */
  public static isWsgiContainer(x: any): x is WsgiContainer {
    return typeof x === 'object' && x !== null && (x as any)[CONTAINER_SYMBOL] === true;
  }

  /** The container's name. */
  public readonly containerName: string;

  /** The port the app listens on inside the container (the image's port). */
  public readonly containerPort: number;

  /** Seconds Docker waits after SIGTERM before SIGKILL: gunicorn's graceful timeout plus a margin. */
  public readonly stopTimeoutSeconds: number;

  private readonly published: HostBinding[];

  constructor(scope: Construct, id: string, props: WsgiContainerProps) {
    super(scope, id);
    Object.defineProperty(this, CONTAINER_SYMBOL, { value: true });
    containersOf(this.node.root).push(this);
    const image = props.image;
    this.containerPort = image.port;
    this.containerName = this.resolveName(props.containerName);
    this.stopTimeoutSeconds = Math.ceil(image.gracefulTimeout.toSeconds()) + STOP_MARGIN_SECONDS;
    this.published = (props.publish ?? []).map((p, i) => this.validatePublish(p, i));
    this.requireUniquePublished();
    this.node.addValidation({ validate: () => this.findHostPortConflicts() });

    const environment = props.environment ?? {};
    requireLiteral(this, 'environment', environment);
    const env = Object.keys(environment).sort().map(name => {
      requireEnvName(this, 'environment key', name);
      const value = environment[name];
      if (!Token.isUnresolved(value) && (typeof value !== 'string' || value.includes('\0'))) {
        fail(this, `environment.${name}`, value, 'is not a string without NUL characters', 'pass the value as a plain string');
      }
      return `${name}=${value}`;
    });

    warnIfSecretLooking(this, 'environment', environment, 'is a plain value, stored in cdk.tf.json and the Terraform state in clear',
      'pass a sensitive TerraformVariable (or another secret source) as the value');
    const healthCheck = props.healthCheck ?? HealthCheck.http('/', { healthyBelowStatus: 500 });
    const described = healthCheck._describe();
    described.values.forEach(v => requireSingleLine(this, described.property, v));
    if (described.property === 'healthCheck.path' && !described.values[0].startsWith('/')) {
      fail(this, 'healthCheck.path', described.values[0], 'does not start with "/"', 'use a request path such as "/healthz"');
    }
    if (described.healthyBelowStatus !== undefined) {
      requireInteger(this, 'healthCheck.healthyBelowStatus', described.healthyBelowStatus, 200, 600, 'use 400 (2xx and 3xx are healthy) or 500 (any answer but a server error)');
    }
    if (described.property === 'healthCheck.command' && described.values.length === 0) {
      fail(this, 'healthCheck.command', [], 'is empty', 'give the program and its arguments, e.g. ["python3", "-c", "..."]');
    }
    for (const [name, d] of Object.entries(healthCheck._durations())) {
      requireDuration(this, `healthCheck.${name}`, d);
    }
    const check = healthCheck._render(this.containerPort);
    if (check) {
      requireInteger(this, 'healthCheck.retries', check.retries, 1, 100, 'use a retry count from 1 to 100');
      for (const [name, d] of [['interval', check.interval], ['timeout', check.timeout]] as const) {
        if (d.toMilliseconds() < 1000) {
          fail(this, `healthCheck.${name}`, d.toString(), 'is shorter than Docker\'s minimum of 1 second', 'use Duration.seconds(1) or more');
        }
      }
    }
    const waitForHealthy = props.waitForHealthy ?? check !== undefined;
    if (waitForHealthy && !check) {
      fail(this, 'waitForHealthy', true, 'needs a health check, but healthCheck is HealthCheck.none()', 'set a health check, or waitForHealthy: false');
    }
    const waitTimeout = props.waitTimeout ?? Duration.seconds(60);
    requireDuration(this, 'waitTimeout', waitTimeout);
    const waitSeconds = waitTimeout.toSeconds();
    if (!Number.isInteger(waitSeconds) || waitSeconds < 1) {
      fail(this, 'waitTimeout', waitTimeout.toString(), 'must be a whole number of seconds, at least 1', 'use Duration.seconds(n)');
    }

    if (props.memoryMiB !== undefined) {
      requireInteger(this, 'memoryMiB', props.memoryMiB, 6, 2 ** 31 - 1, 'use at least 6 MiB (Docker\'s minimum); a WSGI app usually needs 128 or more');
    }
    if (props.cpus !== undefined) {
      requireLiteral(this, 'cpus', props.cpus);
      if (!(props.cpus > 0) || !Number.isFinite(props.cpus)) {
        fail(this, 'cpus', props.cpus, 'must be a positive number of CPUs', 'use a value such as 0.5 or 2');
      }
    }
    const tmpSizeMiB = props.tmpSizeMiB ?? 64;
    requireInteger(this, 'tmpSizeMiB', tmpSizeMiB, 1, 1024 * 1024, 'use a size in MiB such as 64');
    const volumes = (props.volumes ?? []).map((v, i) => this.validateVolume(v, i));
    (props.networks ?? []).forEach((n, i) => {
      if (!Token.isUnresolved(n)) {
        requireSingleLine(this, `networks[${i}]`, n);
        if (!CONTAINER_NAME.test(n)) {
          fail(this, `networks[${i}]`, n, 'is not a valid Docker network name', 'use the network\'s name, or a docker_network resource\'s name attribute');
        }
      }
    });

    const readOnly = props.readOnlyRootFilesystem ?? true;
    const healthcheck = check && {
      test: check.test,
      interval: check.interval._toDockerString(),
      timeout: check.timeout._toDockerString(),
      startPeriod: check.startPeriod._toDockerString(),
      retries: check.retries,
    };
    const tmpfs = readOnly ? { '/tmp': `rw,noexec,nosuid,nodev,size=${tmpSizeMiB}m` } : undefined;
    this.checkDjangoEnvironment(image, environment);
    // What the app container and its release container share: the same user, hardening, limits,
    // networks and volumes, so a release command runs exactly where the app will.
    const runtime = {
      image: image.imageId,
      user: (props.runAsNonRoot ?? true) ? image.user : '0:0',
      readOnly,
      tmpfs,
      securityOpts: (props.noNewPrivileges ?? true) ? ['no-new-privileges:true'] : undefined,
      capabilities: (props.dropAllCapabilities ?? true) ? { drop: ['ALL'] } : undefined,
      memory: props.memoryMiB,
      cpus: props.cpus !== undefined ? String(props.cpus) : undefined,
      networksAdvanced: props.networks?.map(name => ({ name })),
      volumes: volumes.length > 0 ? volumes : undefined,
    };
    let release: container.Container | undefined;
    if (props.releaseCommand !== undefined) {
      const rendered = props.releaseCommand._render();
      const django = rendered.django;
      let argv = rendered.argv;
      if (rendered.procfile) {
        if (image._procfileRelease === undefined) {
          fail(this, 'releaseCommand', 'ReleaseCommand.fromProcfile()', `needs a release: line in the Procfile of ${image.node.path}, which has none`,
            'add a release: line to the Procfile, or use ReleaseCommand.exec([...])');
        }
        argv = image._procfileRelease;
      }
      if (argv.length === 0) {
        fail(this, 'releaseCommand', argv, 'is empty', 'give the program and its arguments, e.g. ReleaseCommand.exec(["python3", "manage.py", "migrate"])');
      }
      argv.forEach((a, i) => requireSingleLine(this, `releaseCommand[${i}]`, a));
      if (django && image._django === undefined) {
        fail(this, 'releaseCommand', argv.join(' '), `runs Django's migrate, but ${image.node.path} is not a Django project (its entrypoint is ${image.entrypoint})`,
          'use ReleaseCommand.exec() with the command your app needs');
      }
      const releaseEnv = django && image._django && !('DJANGO_SETTINGS_MODULE' in environment)
        ? [...env, `DJANGO_SETTINGS_MODULE=${image._django.settingsModule}`].sort()
        : env;
      const releaseName = `${this.containerName}-release`;
      if (!CONTAINER_NAME.test(releaseName)) {
        fail(this, 'containerName', this.containerName, 'is too long to name the release container as well', 'use a name of at most 120 characters');
      }
      release = new container.Container(this, 'Release', {
        ...runtime,
        name: releaseName,
        entrypoint: argv,
        env: releaseEnv.length > 0 ? releaseEnv : undefined,
        // Runs to completion during the apply: attach waits for the exit, logs keeps the output,
        // and must_run=false lets the exited container stay in the state so it runs again only
        // when the image (ForceNew) changes.
        attach: true,
        logs: true,
        // Provider 3.6.2 reads the log stream without demultiplexing it, so a container without a
        // terminal gets 8 binary header bytes before every write in container_logs. With a
        // terminal the stream is plain text; the message below drops its \r and colour codes.
        tty: true,
        mustRun: false,
        restart: 'no',
        lifecycle: {
          postcondition: [{
            condition: '${self.exit_code == 0}',
            errorMessage: `The release command of ${this.node.path} (${argv.join(' ')}) failed with exit code \${self.exit_code}. Its output:\n${RELEASE_OUTPUT}`,
          }],
        },
      });
    }
    new container.Container(this, 'Resource', {
      ...runtime,
      dependsOn: release ? [release] : undefined,
      name: this.containerName,
      ports: this.published.length > 0
        ? this.published.map(p => ({ internal: this.containerPort, external: p.hostPort, ip: p.hostIp, protocol: p.protocol }))
        : undefined,
      env: env.length > 0 ? env : undefined,
      restart: props.restartPolicy ?? RestartPolicy.UNLESS_STOPPED,
      healthcheck,
      wait: waitForHealthy,
      waitTimeout: waitForHealthy ? waitSeconds : undefined,
      stopSignal: 'SIGTERM',
      stopTimeout: this.stopTimeoutSeconds,
      destroyGraceSeconds: this.stopTimeoutSeconds,
      // Provider 3.6.2 accepts edits to healthcheck, tmpfs and init but never applies them to the
      // running container (kreuzwerker/terraform-provider-docker#988). Labels are ForceNew, so a
      // hash of those settings here turns such an edit into a replacement that does apply.
      labels: [{ label: WsgiContainer.UNAPPLIED_SETTINGS_LABEL, value: settingsHash({ healthcheck, tmpfs, init: null }) }],
    });
  }

  /**
   * Django settings read from the environment: warn when DEBUG would be on, or when SECRET_KEY's
   * variable is missing (Django would not start). Token values are unknown at synth: no warning.
   */
  private checkDjangoEnvironment(image: WsgiImage, environment: { [name: string]: string }): void {
    const django = image._django;
    if (!django) {
      return;
    }
    const lookup = (name: string): string | null | undefined => {
      const value = name in environment ? environment[name] : image._environment[name];
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

  /** The host ports this container publishes, as `ip:port/protocol`. */
  public get publishedPorts(): string[] {
    return this.published.map(p => `${p.hostIp}:${p.hostPort}/${p.protocol}`);
  }

  /**
   * The published ports, for the app-wide conflict check.
   * @internal
   */
  public _published() {
    return [...this.published];
  }

  private resolveName(name: string | undefined): string {
    if (name === undefined) {
      return pathSlug(this) || 'wsgi-app';
    }
    requireSingleLine(this, 'containerName', name);
    if (!CONTAINER_NAME.test(name)) {
      fail(this, 'containerName', name, 'is not a valid container name (letters, digits, "_", ".", "-", starting with a letter or digit)', 'use a name such as "web-1"');
    }
    return name;
  }

  private validatePublish(p: PublishedPort, i: number) {
    requireInteger(this, `publish[${i}].hostPort`, p.hostPort, 1, 65535, 'use a free host port from 1 to 65535');
    const hostIp = p.hostIp ?? '127.0.0.1';
    requireSingleLine(this, `publish[${i}].hostIp`, hostIp);
    if (!IPV4.test(hostIp) && !IPV6.test(hostIp)) {
      fail(this, `publish[${i}].hostIp`, hostIp, 'is not an IP address', 'use "127.0.0.1" (this host only) or "0.0.0.0" (all interfaces)');
    }
    const protocol = p.protocol ?? Protocol.TCP;
    if (!Object.values(Protocol).includes(protocol)) {
      fail(this, `publish[${i}].protocol`, protocol, 'is not a protocol', 'use Protocol.TCP or Protocol.UDP');
    }
    return { hostPort: p.hostPort, hostIp, protocol };
  }

  private requireUniquePublished() {
    this.published.forEach((a, i) => this.published.slice(0, i).forEach(b => {
      if (bindingsOverlap(a, b)) {
        fail(this, `publish[${i}]`, `${a.hostIp}:${a.hostPort}/${a.protocol}`, `overlaps ${b.hostIp}:${b.hostPort}/${b.protocol} published by the same container`, 'publish each host port once');
      }
    }));
  }

  /** Two containers on one Docker host cannot listen on the same address, port and protocol. */
  private findHostPortConflicts(): string[] {
    const errors: string[] = [];
    for (const other of containersOf(this.node.root)) {
      if (other === this) {
        continue;
      }
      for (const a of this.published) {
        for (const b of other._published()) {
          if (bindingsOverlap(a, b)) {
            errors.push(`${this.node.path}: 'publish' "${a.hostIp}:${a.hostPort}/${a.protocol}" is also published by ${other.node.path} ` +
              `("${b.hostIp}:${b.hostPort}/${b.protocol}"), so one of the two containers would fail to start. Fix: give each container its own host port`);
          }
        }
      }
    }
    return errors;
  }

  private validateVolume(v: VolumeMount, i: number) {
    const prop = `volumes[${i}]`;
    requireSingleLine(this, `${prop}.containerPath`, v.containerPath);
    if (!v.containerPath.startsWith('/')) {
      fail(this, `${prop}.containerPath`, v.containerPath, 'is not an absolute path', 'use a path such as "/data"');
    }
    if ((v.volumeName === undefined) === (v.hostPath === undefined)) {
      fail(this, prop, v, 'must set exactly one of volumeName and hostPath', 'set volumeName for a Docker volume or hostPath for a host directory');
    }
    if (v.hostPath !== undefined && !Token.isUnresolved(v.hostPath)) {
      requireSingleLine(this, `${prop}.hostPath`, v.hostPath);
      if (!v.hostPath.startsWith('/')) {
        fail(this, `${prop}.hostPath`, v.hostPath, 'is not an absolute path', 'use an absolute host path such as "/srv/data"');
      }
    }
    return { containerPath: v.containerPath, volumeName: v.volumeName, hostPath: v.hostPath, readOnly: v.readOnly ?? false };
  }
}

const CONTAINER_SYMBOL = Symbol.for('cdktf-wsgi.WsgiContainer');
const REGISTRY_SYMBOL = Symbol.for('cdktf-wsgi.WsgiContainer.registry');

/**
 * The WsgiContainers of an app, kept on its root (under a global symbol, so copies of the library
 * share it): the host-port check compares each container with the others without walking the
 * whole tree once per container.
 */
function containersOf(root: IConstruct): WsgiContainer[] {
  const holder = root as unknown as { [REGISTRY_SYMBOL]?: WsgiContainer[] };
  if (holder[REGISTRY_SYMBOL] === undefined) {
    Object.defineProperty(holder, REGISTRY_SYMBOL, { value: [], enumerable: false });
  }
  return holder[REGISTRY_SYMBOL]!;
}

interface HostBinding {
  readonly hostPort: number;
  readonly hostIp: string;
  readonly protocol: Protocol;
}

function bindingsOverlap(a: HostBinding, b: HostBinding): boolean {
  if (a.hostPort !== b.hostPort || a.protocol !== b.protocol) {
    return false;
  }
  const wildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';
  return a.hostIp === b.hostIp || wildcard(a.hostIp) || wildcard(b.hostIp);
}
