import { LocatedError } from '../../core/validation';
import { normalizeDistribution } from '../requirements';

/**
 * What a dependency manifest turns into: the requirement lines pip installs, and what the rest of
 * the construct needs to know about them.
 */
export interface ResolvedManifest {
  /** Files read, relative to the source directory, `/`-separated, in read order. */
  readonly files: string[];
  /**
   * Requirement files the image installs as they are (pip requirements files only); they are copied
   * into the dependency layer.
   */
  readonly installedFiles: string[];
  /** Requirement lines generated at synth (lock files and pyproject.toml). */
  readonly lines: string[];
  /** Normalized (PEP 503) names of every distribution that will be installed or is named. */
  readonly distributions: Set<string>;
  /**
   * Exact versions the manifest pins (`name==version`, a lock's versions), by normalized name;
   * filled in by resolveManifest.
   */
  readonly pins?: ReadonlyMap<string, string>;
  /** Whether pip runs in hash-checking mode (every requirement carries `--hash`). */
  readonly hashed: boolean;
  /** The Python versions the manifest allows (a PEP 440 specifier, or a bare version). */
  readonly requiresPython?: { readonly value: string; readonly file: string };
  /** Things worth a synth warning, already phrased. */
  readonly notes: string[];
  /** Where a missing dependency should be declared, phrased for a warning, e.g. "pyproject.toml, then run `uv lock`". */
  readonly declareIn: string;
}


/** One dependency edge in a lock file's graph. */
export interface LockEdge {
  readonly name: string;
  /** PEP 508 environment marker on this edge. */
  readonly marker?: string;
  /** Extras requested of the target. */
  readonly extras: string[];
  /** Disambiguates when the lock holds several versions of one name (uv forks). */
  readonly version?: string;
}

/** One locked distribution. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly dependencies: LockEdge[];
  readonly extras: Map<string, LockEdge[]>;
  /** `sha256:<hex>` values of every file of this version the lock knows. */
  readonly hashes: string[];
  /** How pip gets it: `==` pin (undefined) or a direct reference (`git+https://...`). */
  readonly directReference?: string;
  /** Set for packages that live in a local directory: they cannot be pinned or hashed. */
  readonly localPath?: string;
}

/**
 * Which environments need a package: `true` for every environment, otherwise the disjunction of
 * the markers on the paths that reach it.
 */
type Reach = true | Set<string>;

/** The packages of a lock by normalized name: a name may be locked at several versions. */
export function packagesByName(packages: LockedPackage[]): Map<string, LockedPackage[]> {
  const byName = new Map<string, LockedPackage[]>();
  for (const p of packages) {
    const key = normalizeDistribution(p.name);
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  return byName;
}

/** The packages reachable from the roots, each with the environment markers under which pip needs it. */
export function walkLock(
  roots: LockEdge[], find: (edge: LockEdge) => LockedPackage | undefined, lockFile: string,
): Map<LockedPackage, { reach: Reach; extras: Set<string> }> {
  const reached = new Map<LockedPackage, { reach: Reach; extras: Set<string> }>();
  const queue: Array<{ edge: LockEdge; via: Reach }> = roots.map(edge => ({ edge, via: true }));
  // A marker explosion would only ever come from a pathological lock; beyond this the package is
  // simply needed everywhere, which pip may still satisfy.
  const MAX_DISJUNCTS = 32;
  while (queue.length > 0) {
    const { edge, via } = queue.shift()!;
    const pkg = find(edge);
    if (!pkg) {
      throw new LocatedError(lockFile, `requires ${edge.name}, which it does not lock`, 'regenerate the lock file with its tool, so that it is complete');
    }
    const reach = combine(via, edge.marker);
    const entry = reached.get(pkg);
    let changed = false;
    if (!entry) {
      reached.set(pkg, { reach, extras: new Set(edge.extras) });
      changed = true;
    } else {
      if (entry.reach !== true) {
        if (reach === true) {
          entry.reach = true;
          changed = true;
        } else {
          for (const m of reach) {
            if (!entry.reach.has(m)) {
              entry.reach.add(m);
              changed = true;
            }
          }
          if (entry.reach.size > MAX_DISJUNCTS) {
            entry.reach = true;
          }
        }
      }
      for (const x of edge.extras) {
        if (!entry.extras.has(x)) {
          entry.extras.add(x);
          changed = true;
        }
      }
    }
    if (changed) {
      const current = reached.get(pkg)!;
      const next = current.reach === true ? true : new Set(current.reach);
      for (const dep of pkg.dependencies) {
        queue.push({ edge: dep, via: next });
      }
      for (const extra of current.extras) {
        for (const dep of pkg.extras.get(normalizeDistribution(extra)) ?? []) {
          queue.push({ edge: dep, via: next });
        }
      }
    }
  }
  return reached;
}

function combine(via: Reach, marker: string | undefined): Reach {
  if (marker === undefined || marker.trim() === '') {
    return via === true ? true : new Set(via);
  }
  if (via === true) {
    return new Set([marker.trim()]);
  }
  return new Set([...via].map(m => `(${m}) and (${marker.trim()})`));
}

/**
 * Renders the reached packages as pinned requirement lines, sorted by name. Hashes are kept only
 * when every pinned package has them: pip's hash-checking mode is all or nothing.
 */
export function renderLocked(reached: Map<LockedPackage, { reach: Reach }>, lockFile: string, tool: string): {
  lines: string[]; distributions: Set<string>; hashed: boolean; notes: string[];
} {
  const notes: string[] = [];
  const entries = [...reached.entries()].sort(([a], [b]) => {
    const an = normalizeDistribution(a.name);
    const bn = normalizeDistribution(b.name);
    return an < bn ? -1 : an > bn ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
  });
  const local = entries.filter(([p]) => p.localPath !== undefined);
  for (const [p] of local) {
    notes.push(`${lockFile} lists ${p.name} from the local path ${p.localPath}, which cannot be installed from a pinned requirement; `
      + 'it is left out: make its code part of `source`, or add it with `localPackages`');
  }
  const installable = entries.filter(([p]) => p.localPath === undefined);
  const unhashed = installable.filter(([p]) => p.hashes.length === 0).map(([p]) => p.name);
  const hashed = installable.length > 0 && unhashed.length === 0;
  if (unhashed.length > 0 && unhashed.length < installable.length) {
    notes.push(`${lockFile} has no hashes for ${unhashed.join(', ')}, so pip installs every package without hash checking; `
      + `regenerate the lock with ${tool} to record them`);
  }
  const lines = installable.map(([p, { reach }]) => {
    const requirement = p.directReference !== undefined ? `${p.name} @ ${p.directReference}` : `${p.name}==${p.version}`;
    const disjuncts = reach === true ? [] : [...reach].sort();
    const marker = disjuncts.length === 0 ? '' : ` ; ${disjuncts.length === 1 ? disjuncts[0] : disjuncts.map(m => `(${m})`).join(' or ')}`;
    const hashes = hashed ? [...new Set(p.hashes)].sort().map(h => ` \\\n    --hash=${h}`).join('') : '';
    return `${requirement}${marker}${hashes}`;
  });
  return {
    lines,
    distributions: new Set(entries.map(([p]) => normalizeDistribution(p.name))),
    hashed,
    notes,
  };
}

/** Reads a PEP 508 requirement's name, extras and marker (enough to follow it through a lock). */
export function parsePep508(requirement: string): LockEdge | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?[^;]*(?:;\s*(.+))?$/.exec(requirement);
  if (!m) {
    return undefined;
  }
  return {
    name: m[1],
    extras: (m[2] ?? '').split(',').map(x => x.trim()).filter(x => x.length > 0),
    marker: m[3]?.trim(),
  };
}
