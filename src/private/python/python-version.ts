import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_PYTHON_MINOR } from '../core/defaults';
import { PYTHON_VERSION } from '../core/patterns';

/** One place that says which Python the app wants. */
export interface PythonVersionSource {
  /** Where it was found, for messages: "pythonVersion", ".python-version", "pyproject.toml". */
  readonly origin: string;
  /** A version ("3.12", "3.12.1") or a PEP 440 / poetry specifier (">=3.10,<3.13", "^3.11"). */
  readonly value: string;
  /** Whether value is a version to use as is, rather than a range to pick from. */
  readonly exact: boolean;
}

/** The chosen version and the sources that disagree with it. */
export interface PythonVersionChoice {
  readonly version: string;
  readonly origin: string;
  readonly conflicts: string[];
  readonly notes: string[];
}

/** CPython minors with official slim images, oldest first; ranges pick from these. */
const KNOWN_MINORS = [8, 9, 10, 11, 12, 13, 14];

/** Reads `.python-version` (pyenv, uv) and `runtime.txt` (Heroku) from the source directory. */
export function readVersionFiles(sourceDir: string): { sources: PythonVersionSource[]; notes: string[] } {
  const sources: PythonVersionSource[] = [];
  const notes: string[] = [];
  // Checked first: most sources have neither file, and a thrown ENOENT is costly at scale.
  const read = (f: string) => {
    const file = path.join(sourceDir, f);
    if (!fs.existsSync(file)) {
      return undefined;
    }
    try {
      return fs.readFileSync(file, 'utf-8');
    } catch {
      return undefined;
    }
  };
  const pyenv = read('.python-version');
  if (pyenv !== undefined) {
    const first = pyenv.split(/\r?\n/).map(l => l.replace(/#.*$/, '').trim()).find(l => l.length > 0) ?? '';
    const value = first.replace(/^(?:cpython-|python-?)/i, '');
    if (PYTHON_VERSION.test(value)) {
      sources.push({ origin: '.python-version', value, exact: true });
    } else {
      notes.push(`.python-version says ${JSON.stringify(first)}, which is not a CPython 3 version such as "3.12"; it is ignored`);
    }
  }
  const runtime = read('runtime.txt');
  if (runtime !== undefined) {
    const first = runtime.trim();
    const m = /^python-(3\.\d{1,2}(?:\.\d{1,3})?)$/.exec(first);
    if (m) {
      sources.push({ origin: 'runtime.txt', value: m[1], exact: true });
    } else {
      notes.push(`runtime.txt says ${JSON.stringify(first)}, which is not of the form "python-3.12.4"; it is ignored`);
    }
  }
  return { sources, notes };
}

/**
 * Picks the Python version: the first source wins (callers order them explicit property,
 * .python-version, runtime.txt, then the manifest's requires-python). A range picks the supported
 * minor closest to the library default (3.11), preferring the newer on a tie.
 */
export function choosePythonVersion(sources: PythonVersionSource[], fallback: string): PythonVersionChoice {
  const notes: string[] = [];
  let chosen: { version: string; origin: string } | undefined;
  for (const s of sources) {
    if (s.exact) {
      chosen = { version: s.value, origin: s.origin };
      break;
    }
    const minor = pickMinor(s.value);
    if (minor === undefined) {
      notes.push(`${s.origin} requires Python ${JSON.stringify(s.value)}, which no supported version (3.${KNOWN_MINORS[0]}–3.${KNOWN_MINORS[KNOWN_MINORS.length - 1]}) satisfies or which cannot be read; it is ignored`);
      continue;
    }
    chosen = { version: `3.${minor}`, origin: s.origin };
    break;
  }
  if (!chosen) {
    return { version: fallback, origin: 'default', conflicts: [], notes };
  }
  const conflicts: string[] = [];
  for (const s of sources) {
    if (s.origin === chosen.origin) {
      continue;
    }
    const agrees = s.exact ? sameVersion(s.value, chosen.version) : satisfiesAnyPatch(chosen.version, s.value) !== false;
    if (!agrees) {
      conflicts.push(`${s.origin} says ${s.exact ? s.value : JSON.stringify(s.value)}`);
    }
  }
  return { ...chosen, conflicts, notes };
}

function sameVersion(a: string, b: string): boolean {
  const pa = a.split('.');
  const pb = b.split('.');
  return pa[1] === pb[1] && (pa.length < 3 || pb.length < 3 || pa[2] === pb[2]);
}

function pickMinor(spec: string): number | undefined {
  const ok = KNOWN_MINORS.filter(m => satisfiesAnyPatch(`3.${m}`, spec) === true);
  if (ok.length === 0) {
    return undefined;
  }
  return [...ok].sort((a, b) => Math.abs(a - DEFAULT_PYTHON_MINOR) - Math.abs(b - DEFAULT_PYTHON_MINOR) || b - a)[0];
}

type V = number[];

function parseV(s: string): V | undefined {
  if (!/^\d+(\.\d+)*$/.test(s)) {
    return undefined;
  }
  return s.split('.').map(Number);
}

function cmp(a: V, b: V): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/**
 * Whether some patch release of `version` (a "3.x" or "3.x.y") satisfies a PEP 440 or poetry
 * specifier; undefined when the specifier cannot be read.
 */
export function satisfiesAnyPatch(version: string, spec: string): boolean | undefined {
  const base = parseV(version)!;
  const clauses = spec.split(/\s*,\s*|\s+and\s+/).map(c => c.trim()).filter(c => c.length > 0);
  const parsed: Array<(v: V) => boolean> = [];
  const patches = new Set<number>([0, 99]);
  for (const clause of clauses) {
    const m = /^(~=|===|==|!=|<=|>=|<|>|\^|~)?\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(clause);
    if (!m) {
      return undefined;
    }
    const op = m[1] ?? '==';
    const target = parseV(m[2])!;
    const wildcard = m[3] !== undefined;
    if (target.length >= 3) {
      patches.add(target[2]);
      patches.add(target[2] + 1);
      patches.add(Math.max(0, target[2] - 1));
    }
    const prefix = (v: V) => target.every((t, i) => (v[i] ?? 0) === t);
    switch (op) {
      case '==':
      case '===':
        parsed.push(v => (wildcard || target.length < 3 ? prefix(v) : cmp(v, target) === 0));
        break;
      case '!=':
        parsed.push(v => !(wildcard ? prefix(v) : cmp(v, target) === 0));
        break;
      case '>=': parsed.push(v => cmp(v, target) >= 0); break;
      case '>': parsed.push(v => cmp(v, target) > 0); break;
      case '<=': parsed.push(v => cmp(v, target) <= 0); break;
      case '<': parsed.push(v => cmp(v, target) < 0); break;
      case '~=': {
        // ~=3.10 means >=3.10,==3.*; ~=3.10.2 means >=3.10.2,==3.10.*
        const upper = target.slice(0, Math.max(1, target.length - 1));
        parsed.push(v => cmp(v, target) >= 0 && upper.every((t, i) => v[i] === t));
        break;
      }
      case '^': {
        // poetry: ^3.10 means >=3.10,<4
        const upper = [target[0] + 1];
        parsed.push(v => cmp(v, target) >= 0 && cmp(v, upper) < 0);
        break;
      }
      case '~': {
        // poetry: ~3.10 means >=3.10,<3.11
        const upper = target.length >= 2 ? [target[0], target[1] + 1] : [target[0] + 1];
        parsed.push(v => cmp(v, target) >= 0 && cmp(v, upper) < 0);
        break;
      }
    }
  }
  const candidates: V[] = base.length >= 3 ? [base] : [...patches].map(p => [base[0], base[1], p]);
  return candidates.some(v => parsed.every(f => f(v)));
}
