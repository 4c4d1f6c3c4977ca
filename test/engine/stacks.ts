/** Builds and applies small stacks for the engine suites. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { appContainer, applyStack, ApplyResult, destroyStack } from './deployer';
import { TEST_LABELS } from './engine';
import { addDockerProvider } from './provider';
import { Duration, HealthCheck, HttpHealthCheckOptions, WsgiContainer, WsgiContainerProps, WsgiImage, WsgiImageProps } from '../../src';

export const APPS = path.join(__dirname, 'apps');

/** Whether the engine the suites run on has a health check start interval (API 1.44 on). */
function engineHasStartInterval(): boolean {
  try {
    const api = execFileSync('docker', ['version', '--format', '{{.Server.APIVersion}}'], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [major, minor] = api.trim().split('.').map(Number);
    return major > 1 || minor >= 44;
  } catch {
    return false;
  }
}

/** Whether the engine on the default socket takes a health check start interval. */
export const ENGINE_HAS_START_INTERVAL = engineHasStartInterval();

/**
 * Health check timing for suites whose subject is not the check: a check every second from the
 * start (not the default interval's ten), so each deploy waits for the app, not the clock. An
 * engine with a start interval probes a starting container at that (5 s unless set), so there it
 * is set to the same second; an older engine refuses it. The leaves suite deploys the example with
 * the defaults, and the unit suites pin their rendering.
 */
export const PROMPT_START_INTERVAL: Duration | undefined = ENGINE_HAS_START_INTERVAL ? Duration.seconds(1) : undefined;

/** {@link PROMPT_START_INTERVAL} with the rest of a prompt check's timing. */
export const PROMPT_CHECK: HttpHealthCheckOptions = {
  interval: Duration.seconds(1), timeout: Duration.seconds(2), startPeriod: Duration.seconds(30), startInterval: PROMPT_START_INTERVAL,
};

/** The default check (any answer below 500 on `/`) with {@link PROMPT_CHECK}'s timing. */
export const PROMPT_HTTP_CHECK = HealthCheck.http('/', { ...PROMPT_CHECK, healthyBelowStatus: 500 });

/** A route the rollout suites append to the probe app: it answers the `VERSION` an edit sets. */
export const VERSION_ROUTE = '\n\n@app.route("/api/version")\ndef version():\n    return VERSION\n';

/** Ends every line {@link setAppVersion} writes, so the next call finds and replaces them. */
const SET_BY_TEST = '  # set by the test';

/**
 * Puts `VERSION = "<version>"` at the top of an app module, followed by `prelude` (a slow or a
 * failing import, say); whatever an earlier call put there goes.
 */
export function setAppVersion(moduleFile: string, version: string, prelude: string[] = []): void {
  const body = fs.readFileSync(moduleFile, 'utf-8').split('\n').filter(line => !line.endsWith(SET_BY_TEST));
  fs.writeFileSync(moduleFile, [`VERSION = "${version}"`, ...prelude].map(line => line + SET_BY_TEST).concat(body).join('\n'));
}

export interface Deployed {
  readonly result: ApplyResult;
  readonly containerId: string;
  readonly image: WsgiImage;
  readonly container: WsgiContainer;
  destroy(): Promise<void>;
}

/** Synthesizes one image and one container into a temporary outdir and applies them. */
export async function deploy(
  id: string,
  imageProps: Partial<WsgiImageProps> & { source: string },
  containerProps: Partial<WsgiContainerProps> = {},
): Promise<Deployed> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `engine-${id}-`));
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, id);
  addDockerProvider(stack);
  const image = new WsgiImage(stack, 'Image', { labels: TEST_LABELS, entrypoint: 'manager:app', ...imageProps });
  const container = new WsgiContainer(stack, 'Web', {
    labels: TEST_LABELS, image, healthCheck: PROMPT_HTTP_CHECK, ...containerProps,
  });
  app.synth();
  try {
    const result = await applyStack(path.join(outdir, 'stacks', id));
    const containerId = appContainer(result).attrs.id;
    return {
      result,
      containerId,
      image,
      container,
      destroy: async () => {
        await destroyStack(result);
        fs.rmSync(outdir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
}
