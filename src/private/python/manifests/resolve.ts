import * as fs from 'fs';
import * as path from 'path';
import { DependenciesSpec } from '../../core/dependencies-spec';
import { exactPin, readRequirements } from '../requirements';
import { ResolvedManifest } from './locked';
import { translatePipfileLock } from './pipfile-lock';
import { translatePoetryLock } from './poetry-lock';
import { translatePyproject } from './pyproject';
import { table, parseToml } from './toml';
import { translateUvLock } from './uv-lock';

/** A spec chosen by looking at the source directory, and what else was there. */
export interface DetectedManifest {
  readonly spec: DependenciesSpec;
  /** Other manifests present but not used (the caller warns about them). */
  readonly ignored: string[];
}

/** Detection order: exact locks first, then requirements.txt, then PEP 621 ranges. */
export function detectManifest(sourceDir: string): DetectedManifest | undefined {
  const has = (f: string) => fs.existsSync(path.join(sourceDir, f));
  const found: DependenciesSpec[] = [];
  if (has('poetry.lock')) {
    found.push({ kind: 'poetry', file: 'poetry.lock', groups: [] });
  }
  if (has('uv.lock')) {
    found.push({ kind: 'uv', file: 'uv.lock', groups: [], extras: [] });
  }
  if (has('Pipfile.lock')) {
    found.push({ kind: 'pipfile', file: 'Pipfile.lock' });
  }
  if (has('requirements.txt')) {
    found.push({ kind: 'requirements', file: 'requirements.txt' });
  }
  if (has('pyproject.toml') && found.length === 0) {
    try {
      const doc = parseToml(fs.readFileSync(path.join(sourceDir, 'pyproject.toml'), 'utf-8'), 'pyproject.toml');
      if ('project' in doc && Array.isArray(table(doc.project).dependencies)) {
        found.push({ kind: 'pyproject', file: 'pyproject.toml', extras: [] });
      }
    } catch {
      // An unreadable pyproject.toml surfaces when it is used explicitly; detection just skips it.
    }
  }
  if (found.length === 0) {
    return undefined;
  }
  return { spec: found[0], ignored: found.slice(1).map(f => f.file) };
}

/** Reads the chosen manifest, with the exact versions it pins. Paths are relative to the source; errors are LocatedError. */
export function resolveManifest(sourceDir: string, spec: DependenciesSpec): ResolvedManifest {
  const manifest = readManifest(sourceDir, spec);
  if (manifest.pins !== undefined) {
    return manifest;
  }
  const pins = new Map<string, string>();
  for (const line of manifest.lines) {
    const pin = exactPin(line);
    if (pin) {
      pins.set(pin[0], pin[1]);
    }
  }
  return { ...manifest, pins };
}

function readManifest(sourceDir: string, spec: DependenciesSpec): ResolvedManifest {
  const file = spec.file.split(path.sep).join('/');
  switch (spec.kind) {
    case 'none':
      return {
        files: [],
        installedFiles: [],
        lines: [],
        distributions: new Set(),
        hashed: false,
        notes: [],
        declareIn: 'a requirements file (Dependencies.none() declares none)',
      };
    case 'requirements': {
      const tree = readRequirements(sourceDir, file);
      return {
        files: tree.files,
        installedFiles: tree.files,
        lines: [],
        distributions: tree.distributions,
        pins: tree.pins,
        hashed: tree.hashed,
        notes: [],
        declareIn: file,
      };
    }
    case 'pyproject':
      return translatePyproject(sourceDir, file, spec.extras ?? []);
    case 'poetry':
      return translatePoetryLock(sourceDir, file, spec.groups ?? []);
    case 'uv':
      return translateUvLock(sourceDir, file, spec.groups ?? [], spec.extras ?? []);
    case 'pipfile':
      return translatePipfileLock(sourceDir, file);
  }
}
