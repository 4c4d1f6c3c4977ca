/**
 * The engine project's global setup: a run that was cut off (a killed CI job, a cancelled session)
 * never reached the global teardown, and what it left behind carries fixed names (a suite's
 * network, a stack's containers) that the next run's `terraform apply` would collide with. So the
 * same label-only cleanup runs first as well.
 */
import { execFileSync } from 'child_process';
import { removeLabelled } from './labels';

export default function setup(): void {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    // No daemon: the suites themselves report that (and fail under CI).
    return;
  }
  const removed = removeLabelled();
  if (removed.containers + removed.images + removed.networks + removed.volumes > 0) {
    process.stdout.write(`\nengine setup: removed leftovers of an earlier run: ${describeRemoved(removed)}\n`);
  }
}

export function describeRemoved(removed: ReturnType<typeof removeLabelled>): string {
  return `${removed.containers} container(s), ${removed.images} image(s), ${removed.volumes} volume(s), ${removed.networks} network(s)`;
}
