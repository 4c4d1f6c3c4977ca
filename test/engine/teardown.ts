/**
 * The engine project's global teardown: after the last suite, everything the suites created (by
 * their label) goes, so a test run leaves no containers or images behind. The base images the
 * suites build on (the offline stand-in, the PyPI test base) are prerequisites, kept as a cache.
 */
import { execFileSync } from 'child_process';
import { removeLabelled } from './labels';
import { describeRemoved } from './setup-global';

export default function teardown(): void {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    return;
  }
  const removed = removeLabelled();
  process.stdout.write(`\nengine teardown: removed labelled ${describeRemoved(removed)}\n`);
}
