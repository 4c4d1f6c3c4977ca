import { AppInterface } from '../../app-interface';
import { DjangoProject } from '../python/django';

/**
 * What anything that runs an image (a container, a service, the benchmarks) must agree with: the
 * image's contract with its runtime. The image plan produces it; consumers render from it and
 * never copy its numbers.
 */
export interface WsgiRuntime {
  /** The construct path of the image, for messages. */
  readonly imagePath: string;
  /** The port gunicorn binds. */
  readonly port: number;
  /** The image the app's image is built FROM (its last stage). */
  readonly baseImage: string;
  /** The numeric `uid:gid` the image's files are set up for. */
  readonly user: string;
  /** gunicorn's graceful timeout: how long a stop may take. */
  readonly gracefulTimeoutSeconds: number;
  /** `module:callable`. */
  readonly entrypoint: string;
  /** Whether the entrypoint is a WSGI callable or an ASGI app. */
  readonly appInterface: AppInterface;
  /** The environment baked into the image with ENV (the library's own variables aside). */
  readonly environment: { readonly [name: string]: string };
  /** What the plan read from a Django project. */
  readonly django?: DjangoProject;
  /** The Procfile's release: line, split. */
  readonly procfileRelease?: string[];
}

/** Margin on top of gunicorn's graceful timeout before the engine sends SIGKILL. */
export const STOP_MARGIN_SECONDS = 5;

/** How a runtime is hardened; every field is the construct prop of the same name, resolved. */
export interface RuntimeHardening {
  readonly runAsNonRoot: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly tmpSizeMiB: number;
  readonly noNewPrivileges: boolean;
  readonly dropAllCapabilities: boolean;
}

/** The secure defaults: the image's user, a read-only root with a small /tmp, no privileges. */
export const DEFAULT_HARDENING: RuntimeHardening = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  tmpSizeMiB: 64,
  noNewPrivileges: true,
  dropAllCapabilities: true,
};

/** The hardening a runner's props ask for: each prop given wins over its secure default. */
export function hardeningOf(props: Partial<RuntimeHardening>): RuntimeHardening {
  return {
    runAsNonRoot: props.runAsNonRoot ?? DEFAULT_HARDENING.runAsNonRoot,
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? DEFAULT_HARDENING.readOnlyRootFilesystem,
    tmpSizeMiB: props.tmpSizeMiB ?? DEFAULT_HARDENING.tmpSizeMiB,
    noNewPrivileges: props.noNewPrivileges ?? DEFAULT_HARDENING.noNewPrivileges,
    dropAllCapabilities: props.dropAllCapabilities ?? DEFAULT_HARDENING.dropAllCapabilities,
  };
}

/**
 * The process settings of a runtime in engine terms, independent of the resource that carries
 * them: WsgiContainer maps them to docker_container, the benchmarks to the Engine API.
 */
export interface RenderedRuntime {
  readonly user: string;
  readonly readOnlyRootFilesystem: boolean;
  /** Mount point to tmpfs options, when the root is read-only. */
  readonly tmpfs?: { readonly [path: string]: string };
  readonly securityOpts?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly stopSignal: string;
  /** Seconds between SIGTERM and SIGKILL: gunicorn's graceful timeout plus a margin. */
  readonly stopTimeoutSeconds: number;
}

/** Renders the process settings every runner of the image uses. */
export function renderRuntime(runtime: Pick<WsgiRuntime, 'user' | 'gracefulTimeoutSeconds'>, hardening: RuntimeHardening = DEFAULT_HARDENING): RenderedRuntime {
  return {
    user: hardening.runAsNonRoot ? runtime.user : '0:0',
    readOnlyRootFilesystem: hardening.readOnlyRootFilesystem,
    tmpfs: hardening.readOnlyRootFilesystem ? { '/tmp': `rw,noexec,nosuid,nodev,size=${hardening.tmpSizeMiB}m` } : undefined,
    securityOpts: hardening.noNewPrivileges ? ['no-new-privileges:true'] : undefined,
    capDrop: hardening.dropAllCapabilities ? ['ALL'] : undefined,
    stopSignal: 'SIGTERM',
    stopTimeoutSeconds: Math.ceil(runtime.gracefulTimeoutSeconds) + STOP_MARGIN_SECONDS,
  };
}
