import { normalizeDistribution } from '../requirements';
import { parsePep508, ResolvedManifest } from './locked';
import { list, parseToml, readManifest, str, table } from './toml';
import { LocatedError } from '../../core/validation';

/**
 * Reads PEP 621 `[project]` dependencies (plus the requested optional-dependency extras) from
 * pyproject.toml. They are ranges, not pins: pip resolves them at build, as `pip install .` would.
 * The project itself is not built or installed; its code is served from the source directory.
 */
export function translatePyproject(sourceDir: string, rel: string, extras: string[]): ResolvedManifest {
  const doc = parseToml(readManifest(sourceDir, rel, 'create pyproject.toml, or choose another Dependencies source'), rel);
  const project = table(doc.project);
  if (list(project.dynamic).map(String).includes('dependencies')) {
    throw new LocatedError(rel, 'declares its dependencies as dynamic, so they are not in the file',
      'use Dependencies.requirementsFile() with the file your build backend reads them from');
  }
  if (!('project' in doc) || (project.dependencies !== undefined && !Array.isArray(project.dependencies))) {
    const poetry = table(table(doc.tool).poetry);
    if ('dependencies' in poetry) {
      throw new LocatedError(rel, 'declares its dependencies under [tool.poetry], which only poetry can resolve',
        'run `poetry lock` and commit poetry.lock (it is then used automatically), or use Dependencies.poetryLock()');
    }
    throw new LocatedError(rel, 'has no [project] table with a dependencies list (PEP 621)', 'add `dependencies = [...]` under [project], or choose another Dependencies source');
  }
  const optional = table(project['optional-dependencies']);
  const byNormalized = new Map(Object.keys(optional).map(k => [normalizeDistribution(k), k]));
  const lines: string[] = [];
  const addLines = (values: unknown[], where: string) => {
    for (const raw of values) {
      const line = String(raw).trim();
      if (/[\r\n]/.test(line) || line.startsWith('-')) {
        throw new LocatedError(rel, `has ${JSON.stringify(line)} in ${where}, which is not a PEP 508 requirement`, 'write one requirement per entry, such as "flask>=3"');
      }
      lines.push(line);
    }
  };
  // A project without dependencies may leave the key out (PEP 621).
  addLines(list(project.dependencies), '[project] dependencies');
  for (const extra of extras) {
    const key = byNormalized.get(normalizeDistribution(extra));
    if (key === undefined) {
      throw new LocatedError(rel, `has no optional-dependencies extra "${extra}" (it has: ${Object.keys(optional).join(', ') || 'none'})`, 'name an extra defined under [project.optional-dependencies]');
    }
    addLines(list(optional[key]), `[project.optional-dependencies] ${key}`);
  }
  const distributions = new Set<string>();
  for (const line of lines) {
    const edge = parsePep508(line);
    if (edge) {
      distributions.add(normalizeDistribution(edge.name));
    }
  }
  const python = str(project['requires-python']);
  return {
    files: [rel],
    installedFiles: [],
    lines,
    distributions,
    hashed: false,
    requiresPython: python !== undefined ? { value: python, file: rel } : undefined,
    notes: [],
    declareIn: `${rel} ([project] dependencies)`,
  };
}
