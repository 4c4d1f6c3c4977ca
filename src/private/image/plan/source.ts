import * as fs from 'fs';
import * as path from 'path';
import { PlannedDependencies } from './dependencies';
import { PlannedGunicorn } from './gunicorn';
import { ValidatedOptions } from './options';
import { DecidedInterface, decideInterface, entryCandidate, statedInterface } from './server';
import { AppInterface } from '../../../app-interface';
import { DjangoOptions } from '../../../django-options';
import { WsgiImageProps } from '../../../wsgi-image-props';
import { ContextFile } from '../../core/context-file';
import { PYTHON_IDENTIFIER, PYTHON_MODULE, WSGI_ENTRYPOINT } from '../../core/patterns';
import { fail, LocatedError, requireSingleLine, requireStringMap, Site } from '../../core/validation';
import { detectCallables, findUndeclaredImports, topLevelModules } from '../../python/app-analysis';
import { DjangoProject, isDjangoEntryModule, readDjangoSettings, settingsModuleOf } from '../../python/django';
import { CallableCandidate, findCallables, moduleLevelNames } from '../../python/reader';
import { byCodePoint, ContentCache, findInvalidPattern, readDockerignore, selectContextFiles } from '../build-context';

/** Reads a context file's text (through the plan's content cache). */
type SourceReader = (absolutePath: string) => string;

/** A local package staged into the image's lib directory. */
export interface LocalPackage {
  readonly name: string;
  /** Files relative to the lib directory (`<name>/...` or `<name>.py`). */
  readonly files: ContextFile[];
}

/** What the plan read from a Django project, and the build's collectstatic step. */
export interface PlannedDjango {
  readonly project: DjangoProject;
  readonly collectStatic?: { readonly settingsModule: string; readonly environment: { readonly [name: string]: string } };
  readonly collectStaticRequired: boolean;
}

/** Stage 4's output: the app as read from its source. */
export interface AnalysedSource {
  /** The source directory, absolute. */
  readonly source: string;
  /** The app's files, sorted, requirement files included even when ignored for the code copy. */
  readonly files: readonly ContextFile[];
  /** The directory module names start from, relative to the source ('' for the source itself). */
  readonly importRoot: string;
  readonly localPackages: readonly LocalPackage[];
  /** `module:callable`, as given, from the Procfile or detected. */
  readonly entrypoint: string;
  readonly django?: PlannedDjango;
  /** WSGI or ASGI, and what said so. */
  readonly appInterface: DecidedInterface;
  /** Every file's bytes, read once: the scan, the fingerprint and staging share them. */
  readonly contents: ContentCache;
}

/** The source directory, absolute; an error when it is not a directory. */
export function resolveSource(site: Site, source: string): string {
  requireSingleLine(site, 'source', source);
  const abs = path.resolve(source);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    fail(site, 'source', source, `is not a directory (looked for ${abs})`, 'point `source` at the directory holding your app, e.g. path.join(__dirname, "app")');
  }
  return abs;
}

/**
 * Stage 4: selects the build context's files, then reads the app: its import root, local
 * packages, entrypoint (checked against the module), Django settings and undeclared imports.
 */
export function analyseSource(
  site: Site, source: string, props: WsgiImageProps, options: ValidatedOptions, gunicorn: PlannedGunicorn, dependencies: PlannedDependencies,
): AnalysedSource {
  const manifest = dependencies.manifest;
  const dockerignore = readDockerignore(source);
  const badIgnoreLine = findInvalidPattern(dockerignore);
  if (badIgnoreLine !== undefined) {
    fail(site, 'source', props.source, `has a .dockerignore line that is not a valid pattern: ${JSON.stringify(badIgnoreLine)}`, 'fix or remove that line (brackets and parentheses must be balanced)');
  }
  const badExclude = findInvalidPattern([...options.exclude]);
  if (badExclude !== undefined) {
    fail(site, `exclude[${options.exclude.indexOf(badExclude)}]`, badExclude, 'is not a valid .dockerignore pattern', 'balance brackets and parentheses, or escape them with "\\"');
  }
  const files = selectFiles(site, source, [...dockerignore, ...options.exclude], 'source', props.source);
  // Requirement files are installed even when .dockerignore leaves them out of the code copy.
  const selected = new Set(files.map(f => f.relativePath));
  for (const rel of manifest.installedFiles) {
    if (!selected.has(rel)) {
      files.push({ relativePath: rel, absolutePath: path.join(source, rel), executable: false });
    }
  }
  files.sort((a, b) => byCodePoint(a.relativePath, b.relativePath));

  const procfile = gunicorn.procfile.gunicorn;
  const importRoot = resolveImportRoot(site, source, files, props.importRoot ?? procfile?.importRoot);
  const contents = new ContentCache();
  const read = (absolutePath: string) => contents.read(absolutePath).toString('utf-8');
  const appModules = topLevelModules(files, importRoot);
  const localPackages = resolveLocalPackages(site, source, props.localPackages ?? [], options.exclude, appModules);
  if (props.entrypoint === undefined && procfile?.entrypoint !== undefined) {
    site.info(`entrypoint from the Procfile: ${procfile.entrypoint} (web: line ${gunicorn.procfile.webLine})`);
  }
  const stated = statedInterface(props, gunicorn);
  const entrypoint = resolveEntrypoint(site, props.entrypoint ?? procfile?.entrypoint, files, importRoot, source, read, stated);
  const entryModule = WSGI_ENTRYPOINT.exec(entrypoint)![1];
  const entryFile = requireModuleFile(site, entrypoint, entryModule, files, importRoot, source);
  requireCallable(site, entrypoint, entryModule, entryFile, read);
  const entry = entryCandidate(entrypoint, entryModule, entryFile.relativePath, read(entryFile.absolutePath));
  const djangoAsgi = entry?.idiom === 'get_wsgi_application()' ? djangoAsgiSibling(entryModule, files, importRoot, read) : undefined;
  const appInterface = decideInterface(site, stated, entrypoint, entry, djangoAsgi?.entrypoint);
  const django = resolveDjango(site, props.django, entryFile, files, importRoot, read);

  const localModules = new Set([...appModules, ...topLevelModules(files, ''), ...localPackages.map(p => p.name)]);
  const scanned = [...files, ...localPackages.flatMap(p => p.files)];
  // An ASGI app gets uvicorn with its worker, so its `import uvicorn` (for local runs) is provided.
  const added = appInterface.appInterface === AppInterface.ASGI ? ['uvicorn-worker'] : [];
  const undeclared = findUndeclaredImports(scanned, localModules, manifest.distributions, new Set(options.allowUndeclaredImports), read, added);
  const manifestName = manifest.files[0] ?? 'Dependencies.none()';
  for (const u of undeclared) {
    site.warn(
      `the app imports "${u.module}" (${u.where}), but no dependency in ${manifestName} provides it; it most likely needs the distribution "${u.distribution}". `
      + `Add it to ${manifest.declareIn}, or list "${u.module}" in allowUndeclaredImports if the image provides it.`);
  }
  if (gunicorn.projectConfig !== undefined && !files.some(f => f.relativePath === gunicorn.projectConfig!.relativePath)) {
    fail(site, 'projectGunicornConfig', gunicorn.projectConfig.relativePath, 'is the project\'s gunicorn config, but .dockerignore or `exclude` leaves it out of the image',
      'keep the file in the build context, or set `projectGunicornConfig: false` to ignore it');
  }
  return { source, files, importRoot, localPackages, entrypoint, appInterface, contents, ...(django ? { django } : {}) };
}

function selectFiles(site: Site, dir: string, patterns: readonly string[], property: string, value: string): ContextFile[] {
  try {
    return selectContextFiles(dir, [...patterns]);
  } catch (e) {
    if (e instanceof LocatedError) {
      fail(site, property, value, `holds ${e.subject}, which ${e.problem}`, e.fix);
    }
    throw e;
  }
}

function resolveImportRoot(site: Site, source: string, files: ContextFile[], importRoot: string | undefined): string {
  if (importRoot === undefined) {
    const srcLayout = files.some(f => f.relativePath.startsWith('src/') && f.relativePath.endsWith('.py'))
      && !files.some(f => f.relativePath === 'src/__init__.py');
    return srcLayout ? 'src' : '';
  }
  requireSingleLine(site, 'importRoot', importRoot);
  const normalized = path.posix.normalize(importRoot.split(path.sep).join('/')).replace(/\/+$/, '');
  if (path.isAbsolute(importRoot) || normalized.startsWith('..') || !fs.existsSync(path.join(source, normalized)) || !fs.statSync(path.join(source, normalized)).isDirectory()) {
    fail(site, 'importRoot', importRoot, `is not a directory inside the source (${source})`, 'give a relative path such as "src", or "." for the source directory itself');
  }
  if (normalized !== '.' && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(normalized)) {
    fail(site, 'importRoot', importRoot, 'has characters other than letters, digits, ".", "_", "-" and "/"', 'rename the directory or choose another import root');
  }
  return normalized === '.' ? '' : normalized;
}

function resolveLocalPackages(site: Site, source: string, paths: string[], exclude: readonly string[], appModules: Set<string>): LocalPackage[] {
  const seen = new Map<string, string>();
  return paths.map((p, i) => {
    const property = `localPackages[${i}]`;
    requireSingleLine(site, property, p);
    const abs = path.resolve(source, p);
    const stat = fs.existsSync(abs) ? fs.statSync(abs) : undefined;
    const isModule = stat?.isFile() && abs.endsWith('.py');
    if (!stat || (!stat.isDirectory() && !isModule)) {
      fail(site, property, p, `is neither a package directory nor a .py module (looked for ${abs})`, 'give the path of the package directory, relative to `source`, e.g. "../../libs/common"');
    }
    const name = path.basename(abs, isModule ? '.py' : undefined);
    if (!PYTHON_IDENTIFIER.test(name)) {
      fail(site, property, p, `is named "${name}", which Python cannot import`, 'point at the package directory itself (a valid Python identifier)');
    }
    if (seen.has(name)) {
      fail(site, property, p, `would be imported as "${name}", like ${seen.get(name)}`, 'give every local package a distinct name');
    }
    if (appModules.has(name)) {
      fail(site, property, p, `would be imported as "${name}", but the app has a module of that name, which would shadow it`, 'rename one of them');
    }
    seen.set(name, p);
    const files: ContextFile[] = isModule
      ? [{ relativePath: `${name}.py`, absolutePath: abs, executable: false }]
      : selectFiles(site, abs, exclude, property, p).map(f => ({ ...f, relativePath: `${name}/${f.relativePath}` }));
    return { name, files };
  });
}

function resolveEntrypoint(
  site: Site, entrypoint: string | undefined, files: ContextFile[], importRoot: string, source: string, read: SourceReader,
  stated: DecidedInterface | undefined,
): string {
  if (entrypoint !== undefined) {
    requireSingleLine(site, 'entrypoint', entrypoint);
    if (!WSGI_ENTRYPOINT.test(entrypoint)) {
      // A file path where a module is meant: suggest the module.
      const asPath = /^((?:[A-Za-z_][A-Za-z0-9_]*\/)*[A-Za-z_][A-Za-z0-9_]*)\.py:([A-Za-z_][A-Za-z0-9_]*(?:\(\))?)$/.exec(entrypoint);
      fail(site, 'entrypoint', entrypoint, 'is not "module:callable"', asPath
        ? `drop ".py" and use dots for directories: "${asPath[1].split('/').join('.')}:${asPath[2]}"`
        : 'name the module and the WSGI callable or ASGI app, e.g. "manager:app", "mysite.wsgi:application", "main:app" or "app:create_app()"');
    }
    return entrypoint;
  }
  const wanted = stated?.appInterface === AppInterface.ASGI ? 'asgi' : stated?.appInterface === AppInterface.WSGI ? 'wsgi' : undefined;
  const all = detectCallables(files, importRoot, read);
  let candidates = wanted === undefined ? all : all.filter(c => c.kind === wanted);
  // Every Django project has a wsgi.py and an asgi.py: unless told, it is served through wsgi.py.
  const shadowed = wanted === undefined ? candidates.filter(c => c.idiom === 'get_asgi_application()'
    && candidates.some(w => w.idiom === 'get_wsgi_application()' && packageOf(w) === packageOf(c))) : [];
  candidates = candidates.filter(c => !shadowed.includes(c));
  const where = importRoot === '' ? source : `${source}/${importRoot}`;
  const wsgiIdioms = 'Django\'s wsgi.py, Flask(...), falcon.App(), bottle.default_app() or Bottle(), config.make_wsgi_app()';
  const asgiIdioms = 'FastAPI(), Starlette(), Quart(...), Litestar(), Django\'s asgi.py';
  const kindName = wanted === 'asgi' ? 'ASGI app' : wanted === 'wsgi' ? 'WSGI callable' : 'WSGI callable or ASGI app';
  if (candidates.length === 0) {
    const looked = wanted === 'asgi' ? asgiIdioms : wanted === 'wsgi' ? wsgiIdioms : `${wsgiIdioms}, ${asgiIdioms}`;
    const others = wanted !== undefined && all.length > 0 ? `; found ${all.map(c => `${c.entrypoint} (${c.idiom}, ${c.kind.toUpperCase()})`).join(', ')}, but ${stated!.reason}` : '';
    fail(site, 'entrypoint', undefined, `was not given, and no ${kindName} was found in ${where} (looked for ${looked} and factories building one)${others}`,
      'set `entrypoint` to "module:callable", e.g. "manager:app"');
  }
  if (candidates.length > 1) {
    fail(site, 'entrypoint', undefined, `was not given, and ${candidates.length} apps were found: ${candidates.map(c => `${c.entrypoint} (${c.idiom} in ${c.file})`).join(', ')}`,
      `set \`entrypoint\` to the one to serve, e.g. "${candidates[0].entrypoint}"`);
  }
  const found = candidates[0];
  site.info(`entrypoint detected: ${found.entrypoint} (${found.idiom} in ${found.file})`);
  const asgi = shadowed.find(c => packageOf(c) === packageOf(found));
  if (asgi !== undefined) {
    site.info(`the Django project has ${found.file} and ${asgi.file}: it is served through WSGI (${found.entrypoint}). `
      + `Set appInterface: AppInterface.ASGI to serve ${asgi.entrypoint} with the uvicorn worker instead.`);
  }
  return found.entrypoint;
}

/** The package a candidate's module lives in (its module name without the last part). */
function packageOf(c: CallableCandidate): string {
  const module = c.entrypoint.split(':')[0];
  return module.includes('.') ? module.slice(0, module.lastIndexOf('.')) : '';
}

/** A Django wsgi module's sibling asgi.py, when that defines the project's ASGI app. */
function djangoAsgiSibling(wsgiModule: string, files: ContextFile[], importRoot: string, read: SourceReader): CallableCandidate | undefined {
  const pkg = wsgiModule.includes('.') ? wsgiModule.slice(0, wsgiModule.lastIndexOf('.')) : '';
  const module = pkg === '' ? 'asgi' : `${pkg}.asgi`;
  const rel = `${importRoot === '' ? '' : `${importRoot}/`}${module.split('.').join('/')}.py`;
  const file = files.find(f => f.relativePath === rel);
  return file && findCallables(read(file.absolutePath), module, rel).find(c => c.idiom === 'get_asgi_application()');
}

/** What the Django settings read at synth would do in production that the user should hear of. */
function warnAboutDjangoSettings(
  site: Site, project: DjangoProject, seen: { settingsFile: string; chain: string; collect: boolean; collectStaticStated: boolean },
): void {
  if (!seen.collectStaticStated && project.staticRoot === 'unknown') {
    const why = project.staticRootUnknown!;
    site.warn(`cannot tell from ${why.file} whether STATIC_ROOT is set (${why.reason}); the build asks Django and collects static files only if it is. `
      + 'Set django.collectStatic: true to require them, or false to skip the step.');
  }
  if (project.debug.kind === 'literal' && project.debug.on) {
    site.warn(`${project.debugFile ?? seen.settingsFile} sets DEBUG = True, so every container of this image runs with DEBUG on (tracebacks and settings shown to visitors). `
      + 'Read DEBUG from the environment, e.g. DEBUG = os.environ.get("DJANGO_DEBUG") == "1".');
  }
  if (seen.collect && project.staticRoot === 'set' && !project.usesWhitenoise) {
    site.warn(`static files are collected into STATIC_ROOT, but ${seen.chain} has no WhiteNoise middleware, so the app does not serve them. `
      + 'Add "whitenoise.middleware.WhiteNoiseMiddleware" after SecurityMiddleware, or serve STATIC_ROOT from a proxy.');
  }
}

function resolveDjango(
  site: Site, options: DjangoOptions | undefined, entryFile: ContextFile, files: ContextFile[], importRoot: string, read: SourceReader,
): PlannedDjango | undefined {
  const text = read(entryFile.absolutePath);
  if (!isDjangoEntryModule(text) && options === undefined) {
    return undefined;
  }
  if (options?.settingsModule !== undefined) {
    requireSingleLine(site, 'django.settingsModule', options.settingsModule);
    if (!PYTHON_MODULE.test(options.settingsModule)) {
      fail(site, 'django.settingsModule', options.settingsModule, 'is not a dotted module name', 'use a module such as "mysite.settings"');
    }
  }
  const manage = files.find(f => f.relativePath === 'manage.py' || f.relativePath === `${importRoot}/manage.py`);
  const settingsModule = options?.settingsModule ?? settingsModuleOf(text) ?? (manage && settingsModuleOf(read(manage.absolutePath)));
  if (settingsModule === undefined) {
    fail(site, 'django.settingsModule', undefined, `is not set, and neither ${entryFile.relativePath} nor manage.py names DJANGO_SETTINGS_MODULE`, 'set `django.settingsModule`, e.g. "mysite.settings"');
  }
  const base = `${importRoot === '' ? '' : `${importRoot}/`}${settingsModule.split('.').join('/')}`;
  const settingsFile = files.find(f => f.relativePath === `${base}.py` || f.relativePath === `${base}/__init__.py`);
  if (!settingsFile) {
    fail(site, 'django.settingsModule', settingsModule, `names a module that is not in the build context (looked for ${base}.py)`, 'check the settings module name, and that .dockerignore does not leave it out');
  }
  // The settings module's file, and the files of the modules it star-imports (split settings).
  const locate = (module: string) => {
    const path_ = `${importRoot === '' ? '' : `${importRoot}/`}${module.split('.').join('/')}`;
    const found = files.find(f => f.relativePath === `${path_}.py` || f.relativePath === `${path_}/__init__.py`);
    return found && { relativePath: found.relativePath, text: read(found.absolutePath) };
  };
  const project = readDjangoSettings(settingsModule, settingsFile.relativePath, read(settingsFile.absolutePath), locate);
  const chain = project.settingsFiles.length > 1
    ? `${settingsFile.relativePath} (with ${project.settingsFiles.slice(1).join(', ')}, which it star-imports)`
    : settingsFile.relativePath;
  const manageModule = manage && options?.settingsModule === undefined && settingsModuleOf(text) !== undefined
    ? settingsModuleOf(read(manage.absolutePath))
    : undefined;
  if (manageModule !== undefined && manageModule !== settingsModule) {
    site.info(`${entryFile.relativePath} names ${settingsModule} and manage.py names ${manageModule}: the image builds, migrates and serves with ${settingsModule}, `
      + 'the module the app runs with. Set `django.settingsModule` to choose another.');
  }
  if (options?.collectStatic === true && project.staticRoot === 'unset') {
    fail(site, 'django.collectStatic', true, `needs STATIC_ROOT, which ${chain} does not set`, 'set STATIC_ROOT in the settings, or leave collectStatic unset');
  }
  // Unset: collectStatic decides. Otherwise the build step runs whenever STATIC_ROOT may be set,
  // and asks Django whether it is: reading the files only decides what to say at synth.
  const collect = options?.collectStatic ?? project.staticRoot !== 'unset';
  const collectStaticStated = options?.collectStatic !== undefined;
  warnAboutDjangoSettings(site, project, { settingsFile: settingsFile.relativePath, chain, collect, collectStaticStated });
  const buildEnvironment = requireStringMap(site, 'django.buildEnvironment', options?.buildEnvironment ?? {}, true);
  const placeholders = Object.fromEntries(project.secretKeyVariables.map(v => [v.name, 'cdktf-wsgi-collectstatic-placeholder-not-a-secret']));
  return {
    project,
    collectStatic: collect ? { settingsModule, environment: { ...placeholders, ...buildEnvironment } } : undefined,
    collectStaticRequired: options?.collectStatic === true,
  };
}


/**
 * The entrypoint's callable must be bound at module level; a misspelling would otherwise only
 * show at deploy, as a container that never becomes healthy. A module that may bind names unseen
 * (`import *`, `globals()`) only warns.
 */
function requireCallable(site: Site, entrypoint: string, module: string, file: ContextFile, read: SourceReader): void {
  const callable = WSGI_ENTRYPOINT.exec(entrypoint)![2];
  const text = read(file.absolutePath);
  const { names, hidden } = moduleLevelNames(text);
  if (names.has(callable)) {
    return;
  }
  const found = findCallables(text, module, file.relativePath);
  const listed = found.length > 0
    ? `WSGI callables found there: ${found.map(c => `${c.entrypoint} (${c.idiom})`).join(', ')}`
    : `no WSGI callable found there; names it binds: ${[...names].sort().slice(0, 12).join(', ') || 'none'}`;
  const problem = `names ${callable}, which ${file.relativePath} does not define, assign or import at module level (${listed})`;
  const fix = found.length > 0 ? `use "${found[0].entrypoint}"` : 'name the WSGI callable the module defines, e.g. "module:app"';
  if (hidden) {
    site.warn(`'entrypoint' "${entrypoint}" ${problem}; the module may bind it in a way that cannot be read (import *, globals()), so this is not an error. If gunicorn fails to load the app: ${fix}.`);
    return;
  }
  fail(site, 'entrypoint', entrypoint, problem, fix);
}

function requireModuleFile(site: Site, entrypoint: string, module: string, files: ContextFile[], importRoot: string, source: string): ContextFile {
  const base = `${importRoot === '' ? '' : `${importRoot}/`}${module.split('.').join('/')}`;
  const candidates = [`${base}.py`, `${base}/__init__.py`];
  const found = files.find(f => candidates.includes(f.relativePath));
  if (!found) {
    const callable = entrypoint.slice(entrypoint.indexOf(':'));
    fail(site, 'entrypoint', entrypoint, `names module ${module}, but neither ${candidates.join(' nor ')} is in the build context (source ${source})`,
      module.endsWith('.py')
        // "service.py:app" reads as module "py" in package "service": the file name was meant.
        ? `drop ".py": "${module.slice(0, -3)}${callable}"`
        : 'check the module name and `importRoot`, and that .dockerignore or `exclude` does not leave the file out');
  }
  return found;
}