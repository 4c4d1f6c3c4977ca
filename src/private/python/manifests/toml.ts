import * as fs from 'fs';
import * as path from 'path';
import { LocatedError } from '../../core/validation';

// smol-toml ships a CommonJS build (dist/index.cjs) next to its ESM one, but types it as ESM only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as { parse: (text: string) => Record<string, unknown> };

/** A parsed TOML or JSON document: plain objects, arrays and scalars. */
export type Doc = { [key: string]: unknown };

/** Reads a manifest's text; missing and unreadable files get the library's error shape. */
export function readManifest(sourceDir: string, rel: string, fix: string): string {
  try {
    return fs.readFileSync(path.join(sourceDir, rel), 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LocatedError(rel, 'does not exist', fix);
    throw new LocatedError(rel, `cannot be read (${code})`, `make ${rel} a file that the synth can read`);
  }
}

export function parseToml(text: string, rel: string): Doc {
  try {
    return parse(text) as Doc;
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new LocatedError(rel, `is not valid TOML (${first})`, 'fix the file, or regenerate it with its tool');
  }
}

export function table(value: unknown): Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Doc : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
