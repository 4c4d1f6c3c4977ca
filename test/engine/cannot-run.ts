/**
 * Cases that this machine cannot exercise, reported rather than passed in silence: each is written
 * to test-reports/cannot-run-here.jsonl, which .ci/test-summary.js lists above its closing line
 * (and fails on, unless the case is one it knows cannot run on this kind of machine).
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROVIDER_VERSION } from './provider';

export const CANNOT_RUN_REPORT = path.join(__dirname, '..', '..', 'test-reports', 'cannot-run-here.jsonl');

/** Records that `what` was not checked here, and why; prints it too. */
export function cannotRunHere(what: string, why: string): void {
  fs.mkdirSync(path.dirname(CANNOT_RUN_REPORT), { recursive: true });
  fs.appendFileSync(CANNOT_RUN_REPORT, `${JSON.stringify({ pass: PROVIDER_VERSION, what, why })}\n`);
  process.stdout.write(`*** cannot run here: ${what} (${why}) ***\n`);
}
