import { Duration } from './duration';
import { ReleaseCommand } from './release-command';
import { WsgiRunnerOptions } from './wsgi-runner-options';
import { UpdateOrder } from './wsgi-service-props';

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
export interface WsgiContainerProps extends WsgiRunnerOptions {
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
   * What Docker does when the container exits.
   *
   * @default RestartPolicy.UNLESS_STOPPED
   */
  readonly restartPolicy?: RestartPolicy;

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
   * Volumes and host directories to mount.
   *
   * @default - none
   */
  readonly volumes?: VolumeMount[];

  /**
   * Forbid gaining privileges through setuid binaries (`no-new-privileges`).
   *
   * @default true
   */
  readonly noNewPrivileges?: boolean;

  /**
   * A one-off command (such as `ReleaseCommand.djangoMigrate()`) run in a container of its own,
   * `<containerName>-release-<8 random hex>`, before the app container starts, each time the image changes. It gets
   * this container's environment, volumes, networks, user and hardening; a non-zero exit fails the
   * deploy with its output before this container is created from the new image.
   *
   * @default - none
   */
  readonly releaseCommand?: ReleaseCommand;

  /**
   * How a deploy that replaces the app container goes.
   *
   * In either order the published ports, networks and DNS name belong to a small network-holder
   * container named `containerName`, whose network namespace the app containers
   * (`<containerName>-<8 random hex>`) join, each listening with gunicorn's `reuse_port`. Costs: one
   * more container (about 4 MiB resident, running Python from the image's base), app containers
   * without network isolation from each other, and Linux 5.14 or newer (for
   * `net.ipv4.tcp_migrate_req`, which hands a closing listener's queued connections to the other).
   *
   * `UpdateOrder.START_FIRST`: the new app container starts next to the old one, and the apply
   * waits until it is healthy before the old one drains and stops; a new version that never turns
   * healthy fails the deploy and leaves the old one serving. The release command runs before the
   * new container starts, while the old one serves.
   *
   * `UpdateOrder.STOP_FIRST`: a replacement stops the old app container before the new one starts,
   * so two versions never run at once, and requests fail from the old one's stop until the new one
   * listens (Terraform may also build the new image in between).
   *
   * @default UpdateOrder.START_FIRST
   */
  readonly updateOrder?: UpdateOrder;

  /**
   * The path of the Docker engine's socket on the Docker host, which each deploy's reconcile step
   * and the destroy guard mount. That step is a one-shot container (`<containerName>-reconcile-<8 hex>`,
   * Python from the image's base, no network, no capabilities, read-only) that runs after the new
   * app container is healthy. It stops app containers of this `containerName` that no Terraform
   * state holds, the ones an apply killed while the provider was creating them leaves behind, so
   * they never share the port with the current version again, and removes them (with provider
   * 3.6.2 and `UpdateOrder.START_FIRST`, on the next deploy). It runs as root to open the socket;
   * the app containers never see the socket.
   *
   * Set it for an engine whose socket is elsewhere (rootless Docker:
   * `/run/user/<uid>/docker.sock`, Podman: `/run/podman/podman.sock`).
   *
   * @default "/var/run/docker.sock"
   */
  readonly dockerSocketPath?: string;
}
