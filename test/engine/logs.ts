/**
 * What a bounded log driver keeps on the Docker host: the app writes well past the cap, and the
 * container's json-file logs on disk must have rotated and stay within it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { docker } from './deployer';
import { waitFor } from './probes';

/** The cap a suite deploys with: small, so the app writes well past it in a second. */
export const SMALL_LOG_CAP = { maxSizeMiB: 1, maxFiles: 2 };

/**
 * Has `write` make the app write `mib` MiB, then checks the json-file logs of container `id`:
 * exactly the current file and one rotated file, within {@link SMALL_LOG_CAP} but for the line
 * being written. Returns the bytes kept.
 */
export async function expectLogsWithinSmallCap(id: string, write: () => Promise<void>, mib = 8): Promise<number> {
  const logPath = (await docker.getContainer(id).inspect()).LogPath;
  const dir = path.dirname(logPath);
  const logFiles = () => fs.readdirSync(dir).filter(f => f.startsWith(path.basename(logPath))).sort();
  for (let i = 0; i < mib; i++) await write();
  // Docker copies the output to the file behind the app: wait until it has rotated, then settled.
  await waitFor('the log to rotate', async () => logFiles().length > 1, 30_000);
  await new Promise(r => setTimeout(r, 2000));
  const files = logFiles();
  const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  const capBytes = SMALL_LOG_CAP.maxSizeMiB * SMALL_LOG_CAP.maxFiles * 1024 * 1024;
  expect(files).toEqual([path.basename(logPath), `${path.basename(logPath)}.1`]);
  expect(bytes).toBeLessThanOrEqual(capBytes + 4096);
  expect(bytes).toBeGreaterThan(capBytes / 2);
  return bytes;
}
