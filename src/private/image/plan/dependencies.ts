import * as fs from 'fs';
import * as path from 'path';
import { ValidatedOptions } from './options';
import { Dependencies } from '../../../dependencies';
import { DEFAULT_PYTHON_VERSION } from '../../core/defaults';
import { PYTHON_VERSION } from '../../core/patterns';
import { fail, LocatedError, requireSingleLine, Site } from '../../core/validation';
import { ResolvedManifest } from '../../python/manifests/locked';
import { detectManifest, resolveManifest } from '../../python/manifests/resolve';
import { choosePythonVersion, PythonVersionSource, readVersionFiles } from '../../python/python-version';
import { byCodePoint } from '../build-context';

/** Stage 3's output: what gets installed, and on which base image. */
export interface PlannedDependencies {
  readonly manifest: ResolvedManifest;
  readonly baseImage: string;
  /** The Python version of the default base image; undefined with `baseImage`. */
  readonly pythonVersion?: string;
  /** gunicorn is missing from the manifest, so the image adds `options.gunicornRequirement`. */
  readonly addsGunicorn: boolean;
}

/**
 * Stage 3: the dependency manifest (given or detected, lock files translated) and the base image,
 * whose Python version the manifest's requires-python may decide.
 */
export function planDependencies(site: Site, source: string, dependencies: Dependencies | undefined, options: ValidatedOptions): PlannedDependencies {
  const manifest = resolveDependencies(site, source, dependencies);
  const base = resolveBaseImage(site, options, source, manifest);
  const addsGunicorn = !manifest.distributions.has('gunicorn');
  if (addsGunicorn) {
    site.warn(
      `gunicorn is not in ${manifest.files.length > 0 ? manifest.files.join(', ') : 'the dependencies'}; the image adds "${options.gunicornRequirement}"`
      + `${manifest.hashed ? ' in a separate pip run without hash checking' : ''}. `
      + 'Add gunicorn to your dependencies to choose its version yourself.');
  }
  for (const note of manifest.notes) {
    site.warn(note);
  }
  return { manifest, ...base, addsGunicorn };
}


function resolveDependencies(site: Site, source: string, dependencies: Dependencies | undefined): ResolvedManifest {
  let spec = dependencies?._spec();
  if (spec === undefined) {
    const detected = detectManifest(source);
    if (detected === undefined) {
      const looked = 'looked for poetry.lock, uv.lock, Pipfile.lock, requirements.txt and pyproject.toml with [project] dependencies';
      const candidates = requirementsCandidates(source);
      if (candidates.length > 0) {
        // The cookiecutter convention (requirements/base.txt, local.txt, production.txt): suggest the production one.
        const preferred = candidates.find(c => /prod/i.test(path.basename(c))) ?? candidates.find(c => /^(base|common|main)\.txt$/i.test(path.basename(c))) ?? candidates[0];
        fail(site, 'dependencies', undefined, `found no dependency manifest in ${source} (${looked}), but it has ${candidates.join(', ')}`,
          `point \`dependencies\` at the file the app runs with, e.g. Dependencies.requirementsFile("${preferred}")`);
      }
      fail(site, 'dependencies', undefined, `found no dependency manifest in ${source} (${looked})`,
        'add a requirements.txt, point `dependencies` at your manifest, or use Dependencies.none() for an app without third-party dependencies');
    }
    spec = detected.spec;
    if (detected.ignored.length > 0) {
      site.warn(`the source has ${[spec.file, ...detected.ignored].join(' and ')}; the image installs from ${spec.file}. `
        + 'Set `dependencies` to choose another, or remove the stale file.');
    }
  }
  const label = spec.kind === 'none' ? 'Dependencies.none()' : spec.file;
  if (spec.kind !== 'none') {
    requireSingleLine(site, 'dependencies', spec.file);
    if (path.isAbsolute(spec.file)) {
      fail(site, 'dependencies', spec.file, 'is an absolute path', 'give the path relative to `source`, e.g. "requirements/prod.txt"');
    }
    if (spec.kind !== 'requirements' && path.posix.normalize(spec.file.split(path.sep).join('/')).startsWith('../')) {
      fail(site, 'dependencies', spec.file, 'lies outside the source directory', 'move the file into the source directory');
    }
  }
  for (const [i, name] of [...(spec.groups ?? []), ...(spec.extras ?? [])].entries()) {
    requireSingleLine(site, `dependencies group/extra ${i}`, name);
  }
  let manifest: ResolvedManifest;
  try {
    manifest = resolveManifest(source, spec);
  } catch (e) {
    if (e instanceof LocatedError) {
      const problem = e.subject === spec.file ? `names a file that ${e.problem}` : `pulls in ${e.subject}, which ${e.problem}`;
      fail(site, 'dependencies', label, `${problem} (looked in ${source})`, e.fix);
    }
    throw e;
  }
  for (const file of [...manifest.files, ...manifest.lines]) {
    requireSingleLine(site, 'dependencies', file.replace(/ \\\n {4}--hash=/g, ' --hash='));
  }
  return manifest;
}

function resolveBaseImage(
  site: Site, options: ValidatedOptions, source: string, manifest: ResolvedManifest,
): { baseImage: string; pythonVersion?: string } {
  if (options.baseImage !== undefined) {
    return { baseImage: options.baseImage };
  }
  const files = readVersionFiles(source);
  const sources: PythonVersionSource[] = [
    ...(options.pythonVersion !== undefined ? [{ origin: 'pythonVersion', value: options.pythonVersion, exact: true }] : []),
    ...files.sources,
    ...(manifest.requiresPython ? [{ origin: `${manifest.requiresPython.file} (requires-python)`, value: manifest.requiresPython.value, exact: PYTHON_VERSION.test(manifest.requiresPython.value) }] : []),
  ];
  const choice = choosePythonVersion(sources, DEFAULT_PYTHON_VERSION);
  for (const note of [...files.notes, ...choice.notes]) {
    site.warn(note);
  }
  if (choice.conflicts.length > 0) {
    site.warn(`Python ${choice.version} comes from ${choice.origin}, but ${choice.conflicts.join(' and ')}; the image uses ${choice.version}. `
      + 'Make the sources agree, or set `pythonVersion` to decide.');
  }
  return { baseImage: `python:${choice.version}-slim`, pythonVersion: choice.version };
}
/**
 * Requirement files that detection does not pick but a user may mean: `requirements/*.txt` (the
 * cookiecutter-django layout) and `requirements-*.txt` / `requirements_*.txt` beside the source.
 */
function requirementsCandidates(source: string): string[] {
  const txt = (dir: string) => {
    try {
      return fs.readdirSync(path.join(source, dir), { withFileTypes: true })
        .filter(e => e.isFile() && e.name.endsWith('.txt'))
        .map(e => (dir === '' ? e.name : `${dir}/${e.name}`));
    } catch {
      return [];
    }
  };
  return [...txt('requirements'), ...txt('').filter(f => /^requirements[-_].+\.txt$/.test(f))].sort(byCodePoint);
}
