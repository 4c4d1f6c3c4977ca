import { container } from '@cdktf/provider-docker';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { applyStepSettings } from './apply-step';
import { GUARD_LABEL, GUARD_SCRIPT, RECONCILE_LABEL, RECONCILE_SCRIPT, RECONCILE_SOCKET } from './orphans';
import { logOptionsOf, RenderedLogDriver } from '../core/rendered-log-driver';
import { ProviderLine, providerLineOf } from '../docker/provider-line';

/** @internal */
export const RECONCILE_DEFAULT_SOCKET_PATH = '/var/run/docker.sock';

/** Each program reads a few JSON lists; the limit keeps a mistake in one from costing more. */
const ORPHAN_CONTAINER_MEMORY_MIB = 32;

/** The guard removes with force: a few seconds at most. */
const GUARD_STOP_SECONDS = 30;

/**
 * How long a started guard looks for app containers the daemon failed to start before their
 * holder: the daemon starts the guard, the holder and the apps in one pass, so their outcomes are
 * known well within this.
 */
const GUARD_START_WINDOW_SECONDS = 120;

/** Which helper a container is: its name's part, its program, its label and what its program reads beyond the app's name. */
interface HelperRole {
  readonly role: string;
  readonly script: string;
  readonly label: string;
  readonly env: string[];
}

/**
 * What both helpers are: `<containerName>-<role><suffix>`, running their program with Python from
 * the app's base image, no network, no capabilities, read-only, the socket mounted.
 */
function helperContainerBase(spec: HelperContainerSpec, helper: HelperRole) {
  return {
    name: `${spec.containerName}-${helper.role}${spec.nameSuffix}`,
    entrypoint: ['python3', '-c', helper.script],
    env: [`CDKTF_WSGI_APP=${spec.containerName}`, ...helper.env],
    labels: [{ label: helper.label, value: spec.containerName }, ...spec.labels],
    image: spec.image,
    logDriver: spec.logging.driver,
    logOpts: logOptionsOf(spec.logging),
    volumes: [{ hostPath: spec.socketPath, containerPath: RECONCILE_SOCKET }],
    networkMode: 'none',
    // root, to open the socket (its owner); no capability beyond that.
    user: '0:0',
    readOnly: true,
    securityOpts: ['no-new-privileges:true'],
    capabilities: { drop: ['ALL'] },
    memory: ORPHAN_CONTAINER_MEMORY_MIB,
    // As Docker reads it back when no swap is given (twice the memory), or every plan shows a change.
    memorySwap: 2 * ORPHAN_CONTAINER_MEMORY_MIB,
  };
}

/** What both helper containers are told of the app. @internal */
interface HelperContainerSpec {
  /** The app's `containerName`, which the app containers carry in their label. */
  readonly containerName: string;
  /** The suffix drawn at apply, so a replacement never needs the name of what it replaces. */
  readonly nameSuffix: string;
  /** An image with `python3`: the app's base image. */
  readonly image: string;
  /** The Docker socket's path on the Docker host. */
  readonly socketPath: string;
  /** The user's labels. */
  readonly labels: Array<{ label: string; value: string }>;
  /** The app's logging driver. */
  readonly logging: RenderedLogDriver;
}

/** @internal */
export interface ReconcileContainerSpec extends HelperContainerSpec {
  /** The containers of this generation, which the step must never touch. */
  readonly keep: container.Container[];
  /** How long a stop of an app container may take. */
  readonly stopTimeoutSeconds: number;
  /**
   * Whether the app containers are replaced create-before-destroy. The step must follow them:
   * Terraform extends create-before-destroy to everything a resource that has it depends on.
   * Destroy-first, the state holds no container of an earlier generation when the step runs, so
   * it removes what it stops at once on every provider line.
   */
  readonly createBeforeDestroy: boolean;
}

/**
 * The reconcile step of one generation (see `orphans.ts`): it runs once, after the
 * containers it keeps exist, and again only when they are replaced (their IDs are in its
 * environment, which is ForceNew).
 *
 * @internal
 */
export function newReconcileContainer(scope: Construct, spec: ReconcileContainerSpec): container.Container {
  return new container.Container(scope, 'Reconcile', {
    ...helperContainerBase(spec, {
      role: 'reconcile',
      script: RECONCILE_SCRIPT,
      label: RECONCILE_LABEL,
      env: [
        `CDKTF_WSGI_KEEP=${spec.keep.map(c => c.id).join(',')}`,
        `CDKTF_WSGI_STOP_SECONDS=${spec.stopTimeoutSeconds}`,
        Lazy.stringValue({ produce: () => `CDKTF_WSGI_REMOVE_AT_ONCE=${!spec.createBeforeDestroy || providerLineOf(scope) !== ProviderLine.V3_6_2}` }),
      ],
    }),
    ...applyStepSettings(scope, `The reconcile step of ${scope.node.path}`, {
      createBeforeDestroy: spec.createBeforeDestroy ? true : undefined,
      ignoreChanges: ['name'],
    }),
  });
}

/** @internal */
export interface DestroyGuardSpec extends HelperContainerSpec {
  /** The app's restart policy: the daemon starts the guard as it starts the app. */
  readonly restart: string;
}

/**
 * The destroy guard (see `orphans.ts`): a sleeping container the network holder depends on, so
 * that Terraform's destroy stops it last, when what is left of the app is what no state holds.
 *
 * @internal
 */
export function newDestroyGuard(scope: Construct, spec: DestroyGuardSpec): container.Container {
  return new container.Container(scope, 'DestroyGuard', {
    ...helperContainerBase(spec, {
      role: 'guard',
      script: GUARD_SCRIPT,
      label: GUARD_LABEL,
      env: [`CDKTF_WSGI_STOP_SECONDS=${GUARD_STOP_SECONDS}`, `CDKTF_WSGI_START_WINDOW_SECONDS=${GUARD_START_WINDOW_SECONDS}`],
    }),
    restart: spec.restart,
    stopTimeout: GUARD_STOP_SECONDS,
    destroyGraceSeconds: GUARD_STOP_SECONDS,
    // As the holder's: a new base image or logging driver never replaces it.
    lifecycle: { createBeforeDestroy: true, ignoreChanges: ['name', 'image', 'log_driver', 'log_opts'] },
  });
}
