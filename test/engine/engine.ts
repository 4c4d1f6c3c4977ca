/** Shared set-up of the engine suites: is there a daemon, and the offline base image. */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { describeTerraform } from './deployer';
import { removeLabelledContainers } from './labels';

export { TEST_LABEL, TEST_LABELS } from './labels';

/** Whether a Docker daemon answers `docker info`. */
export function daemonAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** True when the engine suites run: a daemon answers. In CI a missing daemon is a failure, not a skip. */
export const ENGINE_AVAILABLE = daemonAnswers();

if (!ENGINE_AVAILABLE) {
  if (process.env.CI) {
    throw new Error('CI=true but no Docker daemon answers: the engine tests are mandatory in CI (see .ci/run)');
  }
  process.stderr.write('\n*** Engine tests SKIPPED: no Docker daemon answers `docker info`. Start dockerd to run them (see .ci/run). ***\n\n');
}

/**
 * `describe` when the engine and the real toolchain are there (every suite deploys with
 * Terraform), `describe.skip` otherwise (reported as skipped; under CI=true either missing throws).
 */
export const describeEngine: jest.Describe = ENGINE_AVAILABLE ? describeTerraform : describe.skip;

/** The offline stand-in under its own name: Debian's Python with a wheelhouse at /wheels. */
export const OFFLINE_BASE = 'cdktf-wsgi-test/python-offline:3.11';

/**
 * Makes sure the offline stand-in exists, and `python:3.11-slim` too: no registry is reachable
 * here, so that name is tagged from the stand-in unless a real one is present (then it is used
 * as it is; build.sh decides, by the stand-in's label).
 */
export function ensureBaseImage(): void {
  execFileSync('bash', [path.join(__dirname, 'offline-base', 'build.sh')], { stdio: 'inherit', timeout: 600_000 });
}

/**
 * Gets the engine ready for a suite: the base image, and no leftovers of an interrupted earlier run
 * (a container that survived under the restart policy would hold its name and host port).
 */
export function prepareEngine(): void {
  ensureBaseImage();
  removeLabelledContainers();
}
