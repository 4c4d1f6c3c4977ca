import { TerraformProvider } from 'cdktf';
import { HealthCheck } from './health-check';
import { LogDriver } from './log-driver';
import { WsgiImage } from './wsgi-image';

/**
 * What every runner of a {@link WsgiImage} takes: a {@link WsgiContainer} and a
 * {@link WsgiService} read these the same way, from the image's runtime contract.
 */
export interface WsgiRunnerOptions {
  /**
   * The image to run. Its port is the port the app listens on (a container's port, a service's
   * target port), and its runtime contract (user, stop timing, baked environment) sets the
   * runner's.
   */
  readonly image: WsgiImage;

  /**
   * Environment variables of the app. Values may be Terraform tokens (for example a sensitive
   * variable's value); they stay out of the image. A service's spec holds them in clear: give a
   * service its secrets through `secrets` instead.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * How Docker checks the app; a container's apply, and a service's rolling update, wait for it.
   * Probes run with the image's own Python (no curl needed). The default asks for `/` and accepts
   * any answer below 500, so an app without a `/` route is healthy as long as it serves; set a real
   * health endpoint with `HealthCheck.http('/healthz')`.
   *
   * @default HealthCheck.http('/', { healthyBelowStatus: 500 })
   */
  readonly healthCheck?: HealthCheck;

  /**
   * Memory limit in MiB (per task, for a service).
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;

  /**
   * CPU limit, in CPUs, for example 0.5 or 2 (per task, for a service).
   *
   * @default - no limit
   */
  readonly cpus?: number;

  /**
   * Run as the image's non-root user. Opt out only for apps that must be root.
   *
   * @default true
   */
  readonly runAsNonRoot?: boolean;

  /**
   * Drop every Linux capability; a WSGI app needs none (Docker lets non-root processes bind low
   * ports without one).
   *
   * @default true
   */
  readonly dropAllCapabilities?: boolean;

  /**
   * Docker networks to join, by name (for example a `docker_network` resource's `name`). A
   * container then leaves the default bridge network. A service's are overlay networks, by name or
   * ID, looked up at plan time (a `docker_network` data source each), because Swarm keeps a
   * service's networks by ID: a name given to the service itself would replace it at every apply.
   *
   * @default - a container: the default bridge network; a service: none besides the ingress network of published ports
   */
  readonly networks?: string[];

  /**
   * Mount the root filesystem read-only, with a tmpfs at `/tmp` (gunicorn's heartbeat files go to
   * `/dev/shm`, which Docker always mounts as tmpfs). A service on provider 3.6.2 gets a tmpfs with
   * no size of its own (that provider crashes on a tmpfs size for services), whose pages count
   * against `memoryMiB`.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Size of the tmpfs at `/tmp` when the root filesystem is read-only, in MiB. For a service,
   * provider 4.x only: setting it with 3.6.2 is an error.
   *
   * @default 64 (a service on provider 3.6.2: no size of its own)
   */
  readonly tmpSizeMiB?: number;

  /**
   * Labels on what the runner creates, for finding and cleaning up what a stack created (e.g. with
   * `docker ps --filter label=...`): a container and its release and helper containers, or a
   * service and its tasks' containers. A container's labels are ForceNew: changing one replaces it.
   *
   * @default - none (a container also carries the library's own labels)
   */
  readonly labels?: { [key: string]: string };

  /**
   * Where the output of the app (and of every container the runner creates beside it) goes, and
   * how much of it the Docker host keeps. Docker's own default keeps `json-file` logs without
   * bound, which fills the host's disk in time.
   *
   * @default LogDriver.jsonFile() - rotated at 10 MiB, 3 files: at most 30 MiB per container
   */
  readonly logging?: LogDriver;

  /**
   * The docker provider that runs the app. For a container: the engine that runs it, its release
   * command and helper containers, and pulls the holder's base image; it must have the image, so
   * it is the image's engine. For a service: the Swarm manager that runs it, its secrets and the
   * network lookups; the image's own provider builds and pushes the image. Either way, a docker
   * provider of the runner's stack.
   *
   * @default - the image's provider
   */
  readonly provider?: TerraformProvider;
}
