import * as fs from 'fs';
import * as path from 'path';
import { LocatedError } from '../core/validation';

/** A requirements file and the files it pulls in with `-r` / `-c`, all inside the source directory. */
export interface RequirementsTree {
  /** Relative paths (from the source directory, `/`-separated) of every file read, in read order. */
  readonly files: string[];
  /** Normalized names (PEP 503) of every distribution the files require. */
  readonly distributions: Set<string>;
  /** Whether any line carries `--hash`, which puts pip into hash-checking mode for the whole install. */
  readonly hashed: boolean;
  /** Exact `name==version` pins, by normalized name. */
  readonly pins: Map<string, string>;
}

/** `name==version` (extras and a marker allowed, no wildcard): the version pip will install. */
const EXACT_PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([0-9][A-Za-z0-9.+!-]*)\s*(?:;.*)?$/;

/** The exact pin a requirement line states, if it states one. */
export function exactPin(line: string): [string, string] | undefined {
  const m = EXACT_PIN.exec(line.replace(/\s*\\\n\s*/g, ' ').replace(/\s+--hash[=\s]\S+/g, '').trim());
  return m ? [normalizeDistribution(m[1]), m[2]] : undefined;
}


/** PEP 503 normalization: case-insensitive, runs of `-`, `_`, `.` are one `-`. */
export function normalizeDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const INCLUDE = /^(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^-\s]))(\S+)/;
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[|[<>=!~;@\s]|$)/;
const EGG = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/;

/** The text of a requirements file, or an error naming it and the file that includes it. */
function readRequirementsFile(absolutePath: string, rel: string, from: string | undefined): string {
  try {
    return fs.readFileSync(absolutePath, 'utf-8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LocatedError(rel, code === 'ENOENT' ? `does not exist${from ? ` (included by ${from})` : ''}` : `cannot be read (${code})`,
      from ? `create ${rel} or fix the include in ${from}` : 'create the file in the source directory, or point `dependencies` at the right one (Dependencies.requirementsFile(path))');
  }
}

/**
 * Reads a pip requirements file and its includes. Only what decides the image is parsed: which
 * files must be in the dependency layer, and which distributions are named (to tell whether
 * gunicorn is there). pip itself does the real resolution at build time.
 */
export function readRequirements(sourceDir: string, relativeFile: string): RequirementsTree {
  const root = path.resolve(sourceDir);
  const files: string[] = [];
  const distributions = new Set<string>();
  const pins = new Map<string, string>();
  let hashed = false;

  const visit = (rel: string, from?: string) => {
    if (files.includes(rel)) {
      return;
    }
    const abs = path.resolve(root, rel);
    if (abs !== root && !abs.startsWith(root + path.sep)) {
      throw new LocatedError(rel, `is included${from ? ` by ${from}` : ''} but lies outside the source directory, so the image build cannot see it`,
        'move the file into the source directory');
    }
    const text = readRequirementsFile(abs, rel, from);
    files.push(rel);
    // Backslash-newline continues a line in pip's format.
    for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      if (!line) {
        continue;
      }
      if (/(^|\s)--hash[=\s]/.test(line) || line === '--require-hashes') {
        hashed = true;
      }
      const include = INCLUDE.exec(line);
      if (include) {
        visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), include[1])), rel);
        continue;
      }
      if (line.startsWith('-')) {
        const editable = /^(?:-e|--editable)\s+(\S+)/.exec(line);
        const egg = editable && EGG.exec(editable[1]);
        if (egg) {
          distributions.add(normalizeDistribution(egg[1]));
        }
        continue;
      }
      const egg = EGG.exec(line);
      const name = egg ? egg[1] : NAME.exec(line)?.[1];
      if (name) {
        distributions.add(normalizeDistribution(name));
        const pin = exactPin(line);
        if (pin) {
          pins.set(pin[0], pin[1]);
        }
      }
    }
  };

  visit(path.posix.normalize(relativeFile.split(path.sep).join('/')));
  return { files, distributions, hashed, pins };
}
