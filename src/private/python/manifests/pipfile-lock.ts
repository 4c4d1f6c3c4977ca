import { normalizeDistribution } from '../requirements';
import { LockedPackage, renderLocked, ResolvedManifest } from './locked';
import { Doc, readManifest, str, table } from './toml';
import { LocatedError } from '../../core/validation';

/**
 * Translates `Pipfile.lock` (JSON) into pinned requirements. pipenv already flattens the graph
 * into its `default` section, with markers and hashes; `develop` never reaches the image.
 */
export function translatePipfileLock(sourceDir: string, lockRel: string): ResolvedManifest {
  const text = readManifest(sourceDir, lockRel, 'run `pipenv lock` in the source directory');
  let doc: Doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LocatedError(lockRel, `is not valid JSON (${(e as Error).message})`, 'regenerate it with `pipenv lock`');
  }
  const reached = new Map<LockedPackage, { reach: true | Set<string> }>();
  for (const [name, raw] of Object.entries(table(doc.default))) {
    const entry = table(raw);
    const extras = Array.isArray(entry.extras) ? `[${entry.extras.map(String).join(',')}]` : '';
    let directReference: string | undefined;
    let localPath: string | undefined;
    const git = str(entry.git);
    if (git) {
      directReference = `git+${git.replace(/^git\+/, '')}${str(entry.ref) ? `@${str(entry.ref)}` : ''}`;
    } else if (str(entry.file)) {
      directReference = str(entry.file);
    } else if (str(entry.path)) {
      localPath = str(entry.path);
    }
    const version = str(entry.version)?.replace(/^==/, '');
    if (!version && !directReference && !localPath) {
      throw new LocatedError(lockRel, `locks ${name} without a version or source`, 'regenerate it with `pipenv lock`');
    }
    const marker = str(entry.markers);
    reached.set({
      name: `${name}${extras}`,
      version: version ?? '',
      dependencies: [],
      extras: new Map(),
      hashes: Array.isArray(entry.hashes) ? entry.hashes.map(String) : [],
      directReference,
      localPath,
    }, { reach: marker ? new Set([marker]) : true });
  }
  const rendered = renderLocked(reached, lockRel, '`pipenv lock`');
  const requires = table(table(doc._meta).requires);
  const python = str(requires.python_full_version) ?? str(requires.python_version);
  return {
    files: [lockRel],
    installedFiles: [],
    lines: rendered.lines,
    // Extras are part of the rendered name; the distribution is the bare name.
    distributions: new Set([...rendered.distributions].map(d => normalizeDistribution(d.replace(/\[.*$/, '')))),
    hashed: rendered.hashed,
    requiresPython: python !== undefined ? { value: python, file: lockRel } : undefined,
    notes: rendered.notes,
    declareIn: 'the Pipfile, then run `pipenv lock`',
  };
}
