import { normalizeDistribution } from '../requirements';
import { LockedPackage, LockEdge, packagesByName, parsePep508, renderLocked, ResolvedManifest, walkLock } from './locked';
import { Doc, list, parseToml, readManifest, str, table } from './toml';
import { LocatedError } from '../../core/validation';

/**
 * Translates `poetry.lock` (lock-version 1.1 with `category`, 2.0 with only the graph, 2.1 with
 * per-package `groups` and `markers`) into pinned requirements of the main group plus the
 * requested groups. The pyproject.toml beside the lock says which packages are direct
 * dependencies of which group; 2.1 locks say it themselves.
 */
export function translatePoetryLock(sourceDir: string, lockRel: string, groups: string[]): ResolvedManifest {
  const dir = lockRel.includes('/') ? lockRel.slice(0, lockRel.lastIndexOf('/') + 1) : '';
  const pyprojectRel = `${dir}pyproject.toml`;
  const lock = parseToml(readManifest(sourceDir, lockRel, 'run `poetry lock` in the source directory'), lockRel);
  const pyproject = parseToml(readManifest(sourceDir, pyprojectRel, `keep pyproject.toml next to ${lockRel}`), pyprojectRel);
  const wanted = new Set(['main', ...groups]);

  const legacyFiles = table(table(lock.metadata).files);
  const packages: LockedPackage[] = [];
  const perPackage = new Map<LockedPackage, Doc>();
  for (const raw of list(lock.package)) {
    const pkg = poetryPackage(table(raw), lockRel, legacyFiles);
    packages.push(pkg);
    perPackage.set(pkg, table(raw));
  }
  const byName = packagesByName(packages);

  let reached: Map<LockedPackage, { reach: true | Set<string> }>;
  const hasGroups = packages.some(p => Array.isArray(perPackage.get(p)!.groups));
  const hasCategory = packages.some(p => typeof perPackage.get(p)!.category === 'string');
  if (hasGroups || hasCategory) {
    reached = reachedByLockGroups(packages, perPackage, wanted, hasGroups);
  } else {
    const roots = rootEdges(pyproject, wanted);
    const find = (edge: LockEdge) => {
      const candidates = byName.get(normalizeDistribution(edge.name)) ?? [];
      return candidates.find(c => edge.version === undefined || c.version === edge.version) ?? candidates[0];
    };
    reached = walkLock(roots, find, lockRel);
  }
  const rendered = renderLocked(reached, lockRel, '`poetry lock`');
  const python = str(table(table(table(pyproject.tool).poetry).dependencies).python) ?? str(table(pyproject.project)['requires-python']);
  return {
    files: [lockRel, pyprojectRel],
    installedFiles: [],
    lines: rendered.lines,
    distributions: rendered.distributions,
    hashed: rendered.hashed,
    requiresPython: python !== undefined ? { value: python, file: pyprojectRel } : undefined,
    notes: rendered.notes,
    declareIn: `${pyprojectRel}, then run \`poetry lock\``,
  };
}

/** One `[[package]]` of the lock; a 1.1 lock keeps its files' hashes in `[metadata.files]`. */
function poetryPackage(p: Doc, lockRel: string, legacyFiles: Doc): LockedPackage {
  const name = str(p.name);
  const version = str(p.version);
  if (!name || !version) {
    throw new LocatedError(lockRel, 'has a [[package]] without a name or version', 'regenerate it with `poetry lock`');
  }
  const files = list(p.files).length > 0 ? list(p.files) : list(legacyFiles[name] ?? legacyFiles[normalizeDistribution(name)]);
  const source = table(p.source);
  const sourceType = str(source.type);
  let directReference: string | undefined;
  let localPath: string | undefined;
  if (sourceType === 'git') {
    directReference = `git+${str(source.url)}@${str(source.resolved_reference) ?? str(source.reference)}`;
  } else if (sourceType === 'url') {
    directReference = str(source.url);
  } else if (sourceType === 'directory' || sourceType === 'file') {
    localPath = str(source.url);
  }
  return {
    name,
    version,
    dependencies: dependencyEdges(table(p.dependencies)),
    extras: new Map(Object.entries(table(p.extras)).map(([extra, deps]) => [
      normalizeDistribution(extra),
      list(deps).map(d => extraEdge(String(d))).filter((e): e is LockEdge => e !== undefined),
    ])),
    hashes: files.map(f => str(table(f).hash)).filter((h): h is string => h !== undefined),
    directReference,
    localPath,
  };
}

/**
 * The packages of the wanted groups, where the lock says itself which group each package belongs
 * to (`groups` in 2.1, with the markers per group; `category` in 1.1).
 */
function reachedByLockGroups(
  packages: LockedPackage[], perPackage: Map<LockedPackage, Doc>, wanted: Set<string>, hasGroups: boolean,
): Map<LockedPackage, { reach: true | Set<string> }> {
  const reached = new Map<LockedPackage, { reach: true | Set<string> }>();
  for (const p of packages) {
    const raw = perPackage.get(p)!;
    const pkgGroups = hasGroups ? list(raw.groups).map(String) : [String(raw.category ?? 'main')];
    const selected = pkgGroups.filter(g => wanted.has(g));
    if (selected.length === 0) {
      continue;
    }
    const markers = raw.markers;
    let reach: true | Set<string> = true;
    if (typeof markers === 'string') {
      reach = new Set([markers]);
    } else if (markers !== undefined) {
      const byGroup = table(markers);
      const perGroup = selected.map(g => str(byGroup[g]));
      reach = perGroup.some(m => m === undefined) ? true : new Set(perGroup as string[]);
    }
    reached.set(p, { reach });
  }
  return reached;
}

/** `[package.dependencies]` / `[tool.poetry.dependencies]`: name = "constraint" | { ... } | [ { ... }, ... ]. */
function dependencyEdges(deps: Doc, includeOptional = false): LockEdge[] {
  const edges: LockEdge[] = [];
  for (const [name, spec] of Object.entries(deps)) {
    if (normalizeDistribution(name) === 'python') {
      continue;
    }
    // Multiple-constraint dependencies are a list of alternatives selected by markers.
    const alternatives = Array.isArray(spec) ? spec : [spec];
    for (const alt of alternatives) {
      const t = typeof alt === 'string' ? {} : table(alt);
      if (t.optional === true && !includeOptional) {
        continue;
      }
      edges.push({
        name,
        marker: str(t.markers) ?? pythonMarker(str(t.python)),
        extras: list(t.extras).map(String),
      });
    }
  }
  return edges;
}

/** poetry's `python = ">=3.8"` on a dependency; only the simple comparison forms become markers. */
function pythonMarker(constraint: string | undefined): string | undefined {
  if (!constraint) {
    return undefined;
  }
  const parts = constraint.split(',').map(s => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const m = /^(>=|<=|>|<|==|!=)\s*([0-9.]+)$/.exec(p);
    if (!m) {
      return undefined;
    }
    out.push(`python_version ${m[1]} "${m[2]}"`);
  }
  return out.join(' and ');
}

/** Entries of `[package.extras]`: "name (>=1.0)" or "name[extra] (>=1.0) ; marker". */
function extraEdge(entry: string): LockEdge | undefined {
  return parsePep508(entry.replace(/\s*\([^)]*\)/, ''));
}

/** The direct dependencies of the wanted groups, from pyproject.toml (poetry 1.x or PEP 621 style). */
function rootEdges(pyproject: Doc, wanted: Set<string>): LockEdge[] {
  const poetry = table(table(pyproject.tool).poetry);
  const project = table(pyproject.project);
  const roots: LockEdge[] = [];
  if (wanted.has('main')) {
    roots.push(...dependencyEdges(table(poetry.dependencies), true).filter(e => {
      // An optional main dependency is installed only through a project extra, which is never selected here.
      const spec = table(poetry.dependencies)[e.name];
      return !(typeof spec === 'object' && spec !== null && !Array.isArray(spec) && (spec as Doc).optional === true);
    }));
    for (const req of list(project.dependencies)) {
      const edge = parsePep508(String(req));
      if (edge) {
        roots.push(edge);
      }
    }
  }
  for (const [group, body] of Object.entries(table(poetry.group))) {
    if (group !== 'main' && wanted.has(group)) {
      roots.push(...dependencyEdges(table(table(body).dependencies)));
    }
  }
  if (wanted.has('dev')) {
    roots.push(...dependencyEdges(table(poetry['dev-dependencies'])));
  }
  return roots;
}
