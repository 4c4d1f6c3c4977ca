import { Duration } from './duration';
import { WsgiRunnerOptions } from './wsgi-runner-options';

/** How Swarm publishes a port. */
export enum PublishMode {
  /**
   * The routing mesh: every node answers on the port and balances over all healthy tasks. Allows
   * several tasks per node and start-first updates.
   */
  INGRESS = 'ingress',
  /**
   * The port is bound on the node running the task, like `docker run -p`. One task per node per
   * port: replicas beyond the node count stay pending, and updates must stop the old task first.
   */
  HOST = 'host',
  /**
   * The tasks join the node's network namespace (Docker's `host` network), and gunicorn binds the
   * published port on all of the node's interfaces itself, with `reuse_port`: several tasks per node
   * listen together, so an update can start the new task, wait until it is healthy, and only then
   * stop the old one, on one node and without the mesh. Costs: no network isolation (a task can
   * reach every port of the node, and the node every port of the task), no overlay networks, and
   * ports from 1024 only. With `net.ipv4.tcp_migrate_req=1` on the node (Linux 5.14+), connections
   * still queued on a stopping task's listener move to another task's instead of being reset.
   */
  HOST_NETWORK = 'host-network',
}

/**
 * Which goes first when a deploy replaces the app: starting the new container (a WsgiContainer)
 * or task (a WsgiService's rolling update or rollback), or stopping the old one.
 */
export enum UpdateOrder {
  /** Start the new container or task, wait until it is healthy, then stop the old one: no gap. */
  START_FIRST = 'start-first',
  /** Stop the old container or task, then start the new one: two versions never run at once. */
  STOP_FIRST = 'stop-first',
}

/** When Swarm restarts a task. */
export enum ServiceRestartCondition {
  /** Whenever the task exits, whatever its status. */
  ANY = 'any',
  /** When the task exits with a non-zero status (or is unhealthy). */
  ON_FAILURE = 'on-failure',
  /** Never. */
  NONE = 'none',
}

/** How many tasks a service runs. */
export abstract class ServiceMode {
  /** A fixed number of tasks, spread over the nodes. */
  public static replicated(replicas: number): ServiceMode {
    return new ReplicatedMode(replicas);
  }

  /** One task on every node that meets the placement constraints (Swarm's global mode). */
  public static everyNode(): ServiceMode {
    return new GlobalMode();
  }

  /** @internal */
  public abstract _replicas(): number | undefined;
}

class ReplicatedMode extends ServiceMode {
  constructor(private readonly replicas: number) {
    super();
  }

  public _replicas(): number {
    return this.replicas;
  }
}

class GlobalMode extends ServiceMode {
  public _replicas(): undefined {
    return undefined;
  }
}

/** A port the service publishes. */
export interface ServicePort {
  /** The port clients connect to (on every node with INGRESS, on the task's node with HOST and HOST_NETWORK). */
  readonly publishedPort: number;

  /**
   * How the port is published.
   *
   * @default PublishMode.INGRESS
   */
  readonly mode?: PublishMode;
}

/** Rolling update (or rollback) settings. */
export interface RollingUpdateOptions {
  /**
   * Tasks updated at a time.
   *
   * @default 1
   */
  readonly parallelism?: number;

  /**
   * Pause between batches.
   *
   * @default Duration.seconds(0)
   */
  readonly delay?: Duration;

  /**
   * Which task goes first.
   *
   * @default UpdateOrder.START_FIRST, or UpdateOrder.STOP_FIRST when a port is published in host mode
   */
  readonly order?: UpdateOrder;

  /**
   * How long after a task starts Swarm watches it for failure before the batch counts as done.
   *
   * @default - long enough for the health check to fail: start period + (interval + timeout) × retries, plus 5 s
   */
  readonly monitor?: Duration;

  /**
   * The fraction of tasks that may fail before the failure action, from 0 to 1.
   *
   * @default 0
   */
  readonly maxFailureRatio?: number;
}

/** Properties of a {@link WsgiService}. */
export interface WsgiServiceProps extends WsgiRunnerOptions {
  /**
   * The service's name.
   *
   * @default - `<stack>-<construct path>`, lowercased
   */
  readonly serviceName?: string;

  /**
   * Replicated (a number of tasks) or global (one per node).
   *
   * @default ServiceMode.replicated(2)
   */
  readonly mode?: ServiceMode;

  /**
   * Ports to publish.
   *
   * @default - none: reachable only on the service's networks
   */
  readonly publish?: ServicePort[];

  /**
   * Runtime secrets by the environment variable the app reads them from. Each becomes a Swarm
   * secret (`docker_secret`) mounted as the file `/run/secrets/<NAME>`, readable only by the app's
   * user, and is loaded into the app's environment by the image's gunicorn config before the app
   * starts: no container spec, service spec or `cdk.tf.json` holds the value (pass a sensitive
   * TerraformVariable's value). The secret's name carries a hash of its value, so a changed value
   * is a new secret and a rolling update.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: string };

  /**
   * Rolling update settings; a failed update rolls back.
   *
   * @default - one task at a time, start-first (stop-first with host-mode ports), monitored for the health check's failure window
   */
  readonly update?: RollingUpdateOptions;

  /**
   * Rollback settings.
   *
   * @default - as `update`
   */
  readonly rollback?: RollingUpdateOptions;

  /**
   * How long the apply waits for the service to converge (every task running and healthy) before
   * it fails. Replicated services only: provider 3.6.2 does not wait for a global one.
   *
   * @default Duration.minutes(3) for a replicated service
   */
  readonly convergeTimeout?: Duration;

  /**
   * Memory reserved per task in MiB (the scheduler places tasks only where it is free).
   *
   * @default - none
   */
  readonly memoryReservationMiB?: number;

  /**
   * CPUs reserved per task.
   *
   * @default - none
   */
  readonly cpuReservation?: number;

  /**
   * When Swarm restarts a task.
   *
   * @default ServiceRestartCondition.ANY
   */
  readonly restartCondition?: ServiceRestartCondition;

  /**
   * Placement constraints, e.g. `node.role == worker` or `node.labels.zone == a`.
   *
   * @default - none
   */
  readonly placementConstraints?: string[];

  /**
   * Push the image to the registry its repository names (`WsgiImage` `repository`, e.g.
   * `registry.example.com:5000/team/app`) with a `docker_registry_image`, and run the tasks from the
   * pushed reference pinned by digest, so every node runs the same bytes. Needed for more than one
   * node.
   *
   * @default false: the tasks run the local image, which only the building node has
   */
  readonly pushToRegistry?: boolean;

  /**
   * Keep pushed images in the registry when they are replaced or destroyed.
   *
   * @default false
   */
  readonly keepPushedImages?: boolean;
}
