/**
 * What the engine suites create carries one label, and cleanup goes by that label alone. No jest
 * globals here: the global teardown imports this module outside any test file.
 */
import { execFileSync } from 'child_process';

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
  const containers = removeLabelledContainers();
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
  return { containers, images: removed };
}

/** Removes the labelled containers (leftovers of an interrupted run); returns how many. */
export function removeLabelledContainers(): number {
  const containers = dockerLines(['ps', '-aq', '--filter', `label=${TEST_LABEL}`]);
  if (containers.length > 0) {
    execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore', timeout: 120_000 });
  }
  return containers.length;
}
