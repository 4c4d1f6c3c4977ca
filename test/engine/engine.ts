/** Shared set-up of the engine suites: is there a daemon, and the offline base image. */
import { execFileSync } from 'child_process';
import * as path from 'path';

function daemonAnswers(): boolean {
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

/** `describe` when the engine is there, `describe.skip` otherwise (reported as skipped). */
export const describeEngine = ENGINE_AVAILABLE ? describe : describe.skip;

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

/** The label every image and container the engine suites create carries: cleanup goes by it alone. */
export const TEST_LABEL = 'cdktf-wsgi.test';
export const TEST_LABELS: { [key: string]: string } = { [TEST_LABEL]: 'engine' };

function dockerLines(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf-8', timeout: 60_000 }).split('\n').map(l => l.trim()).filter(l => l.length > 0);
}

/**
 * Removes the containers and images that carry the engine suites' label, and nothing else: a
 * user's own containers and images, whatever their names, are never touched. Images still used by
 * a container that is not ours stay.
 */
export function removeLabelled(): { containers: number; images: number } {
  const filter = `label=${TEST_LABEL}`;
  const containers = dockerLines(['ps', '-aq', '--filter', filter]);
  if (containers.length > 0) {
    execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore', timeout: 120_000 });
  }
  // Dangling ones too: a rebuilt image leaves its predecessor untagged, still labelled.
  const images = [...new Set(dockerLines(['images', '-q', '--no-trunc', '--filter', filter]))];
  let removed = 0;
  for (const id of images) {
    try {
      execFileSync('docker', ['rmi', '-f', id], { stdio: 'ignore', timeout: 60_000 });
      removed++;
    } catch {
      // still in use by a container of someone else's, or already gone with a parent
    }
  }
  return { containers: containers.length, images: removed };
}

/**
 * Gets the engine ready for a suite: the base image, and no leftovers of an interrupted earlier run
 * (a container that survived under the restart policy would hold its name and host port).
 */
export function prepareEngine(): void {
  ensureBaseImage();
  const filter = `label=${TEST_LABEL}`;
  const containers = dockerLines(['ps', '-aq', '--filter', filter]);
  if (containers.length > 0) {
    execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore', timeout: 120_000 });
  }
}
