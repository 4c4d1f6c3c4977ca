import { normalizeDistribution } from '../requirements';
import { LockedPackage, LockEdge, packagesByName, renderLocked, ResolvedManifest, walkLock } from './locked';
import { Doc, list, parseToml, readManifest, str, table } from './toml';
import { LocatedError } from '../../core/validation';

/**
 * Translates `uv.lock` into pinned requirements: the project's own dependencies (the package whose
 * source is the lock's directory), the requested extras and dependency groups, and everything they
 * reach, with the environment markers of the edges that reach them. Dev groups stay out unless asked.
 */
export function translateUvLock(sourceDir: string, lockRel: string, groups: string[], extras: string[]): ResolvedManifest {
  const lock = parseToml(readManifest(sourceDir, lockRel, 'run `uv lock` in the source directory'), lockRel);
  const packages: LockedPackage[] = [];
  const raws = new Map<LockedPackage, Doc>();
  for (const raw of list(lock.package)) {
    const pkg = uvPackage(table(raw), lockRel);
    packages.push(pkg);
    raws.set(pkg, table(raw));
  }
  const roots = packages.filter(p => p.localPath === '.');
  if (roots.length !== 1) {
    throw new LocatedError(lockRel, roots.length === 0 ? 'has no package for the project in its own directory (source "." )' : 'has several packages in its own directory',
      'point the dependencies at the uv.lock of the app\'s own project, and run `uv lock` there');
  }
  const root = roots[0];
  const rootRaw = raws.get(root)!;
  const devGroups = table(rootRaw['dev-dependencies']);
  requireSelected(lockRel, { groups: Object.keys(devGroups), extras: [...root.extras.keys()] }, groups, extras);
  const start: LockEdge[] = [
    ...root.dependencies,
    ...extras.flatMap(x => root.extras.get(normalizeDistribution(x)) ?? []),
    ...groups.flatMap(g => edges(devGroups[g])),
  ];
  const byName = packagesByName(packages);
  const reached = walkLock(start, edge => {
    const candidates = byName.get(normalizeDistribution(edge.name)) ?? [];
    return candidates.find(c => edge.version === undefined || c.version === edge.version) ?? (candidates.length === 1 ? candidates[0] : undefined);
  }, lockRel);
  reached.delete(root);
  const rendered = renderLocked(reached, lockRel, '`uv lock`');
  const python = str(lock['requires-python']);
  return {
    files: [lockRel],
    installedFiles: [],
    lines: rendered.lines,
    distributions: rendered.distributions,
    hashed: rendered.hashed,
    requiresPython: python !== undefined ? { value: python, file: lockRel } : undefined,
    notes: rendered.notes,
    declareIn: 'pyproject.toml, then run `uv lock`',
  };
}

/** Fails on a group or extra the project does not define, naming those it does. */
function requireSelected(lockRel: string, defined: { groups: string[]; extras: string[] }, groups: string[], extras: string[]): void {
  for (const group of groups) {
    if (!defined.groups.includes(group)) {
      throw new LocatedError(lockRel, `has no dependency group "${group}" (it has: ${defined.groups.join(', ') || 'none'})`, 'name a group the project defines');
    }
  }
  for (const extra of extras) {
    if (!defined.extras.includes(normalizeDistribution(extra))) {
      throw new LocatedError(lockRel, `has no extra "${extra}" for the project (it has: ${defined.extras.join(', ') || 'none'})`, 'name an extra the project defines');
    }
  }
}

/** One `[[package]]` of the lock. */
function uvPackage(p: Doc, lockRel: string): LockedPackage {
  const name = str(p.name);
  if (!name) {
    throw new LocatedError(lockRel, 'has a [[package]] without a name', 'regenerate it with `uv lock`');
  }
  const source = table(p.source);
  const local = str(source.editable) ?? str(source.virtual) ?? str(source.directory) ?? str(source.path);
  let directReference: string | undefined;
  if (str(source.git)) {
    // uv records the commit after '#'; pip wants it after '@'.
    const [url, commit] = str(source.git)!.split('#');
    directReference = `git+${url.replace(/\?.*$/, '')}@${commit ?? ''}`.replace(/@$/, '');
  } else if (str(source.url)) {
    directReference = str(source.url);
  }
  const hashes = [str(table(p.sdist).hash), ...list(p.wheels).map(w => str(table(w).hash))].filter((h): h is string => h !== undefined);
  return {
    name,
    version: str(p.version) ?? '',
    dependencies: edges(p.dependencies),
    extras: new Map(Object.entries(table(p['optional-dependencies'])).map(([x, deps]) => [normalizeDistribution(x), edges(deps)])),
    hashes,
    directReference,
    localPath: local,
  };
}

function edges(value: unknown): LockEdge[] {
  return list(value).map(raw => {
    const d = table(raw);
    return {
      name: String(d.name),
      marker: str(d.marker),
      extras: list(d.extra).map(String),
      version: str(d.version),
    };
  });
}
