import * as fs from 'fs';
import * as path from 'path';
import { image } from '@cdktf/provider-docker';
import { Annotations, TerraformStack } from 'cdktf';
// cdktf's own hook for writing files at synth (TerraformAsset uses it); not re-exported at the top.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { BuildSecret } from './build-secret';
import { Dependencies } from './dependencies';
import { DjangoOptions } from './django-options';
import { Duration } from './duration';
import { GunicornSettings, WorkerClass } from './gunicorn';
import { detectCallables, findUndeclaredImports, topLevelModules } from './private/app-analysis';
import { byCodePoint, ContentCache, ContextError, ContextFile, findInvalidPattern, fingerprint, GeneratedFile, readDockerignore, selectContextFiles, writeContext } from './private/build-context';
import { DjangoProject, isDjangoWsgiModule, readDjangoSettings, renderCollectStatic, settingsModuleOf } from './private/django';
import { APP_UID, COLLECTSTATIC_SCRIPT, CONTEXT_GENERATED_DIR, CONTEXT_LIB_DIR, CONTEXT_SOURCE_DIR, IMAGE_APP_DIR, IMAGE_LIB_DIR, renderDockerfile } from './private/dockerfile';
import { fail, requireDuration, requireEnvName, requireInteger, requireLiteral, requireSingleLine } from './private/errors';
import { renderGunicornConfig } from './private/gunicorn-config';
import { ManifestError, ResolvedManifest } from './private/manifests/locked';
import { detectManifest, resolveManifest } from './private/manifests/resolve';
import { pathSlug } from './private/names';
import { gunicornArguments, mapGunicornArguments, parseProcfile, ProcfileError, ProcfileGunicorn } from './private/procfile';
import { findCallables, moduleLevelNames, moduleStatements } from './private/python-source';
import { choosePythonVersion, PythonVersionSource, readVersionFiles } from './private/python-version';
import { warnIfSecretLooking } from './private/secrets';

/** Build options of a {@link WsgiImage}; everything but the app's location and callable. */
export interface WsgiImageOptions {
  /**
   * The TCP port gunicorn binds inside the container. Containers publish this port, so the two can
   * never disagree.
   *
   * @default 8000
   */
  readonly port?: number;

  /**
   * The Python version of the default base image (`python:<version>-slim`).
   * Cannot be combined with `baseImage`. Wins over the version files; a file that disagrees gets
   * a warning.
   *
   * @default - from `.python-version`, else `runtime.txt`, else the dependency manifest's
   * `requires-python` (the supported version closest to 3.11), else '3.11'
   */
  readonly pythonVersion?: string;

  /**
   * The image to build on: any reference, optionally pinned by digest
   * (`python:3.12-slim@sha256:...`). It needs a shell, `python3` with pip on the PATH, and, for
   * `aptPackages`, apt (the official `python` images and Debian with python3-pip qualify).
   *
   * @default - `python:<pythonVersion>-slim`
   */
  readonly baseImage?: string;

  /**
   * Where the app's dependencies are declared: a requirements file, pyproject.toml, or a lock file
   * (poetry.lock, uv.lock, Pipfile.lock) translated into pinned requirements at synth.
   *
   * @default - detected in `source`: poetry.lock, uv.lock, Pipfile.lock, requirements.txt, then
   * pyproject.toml with PEP 621 dependencies; an error when none is there
   */
  readonly dependencies?: Dependencies;

  /**
   * The directory, relative to `source`, that module names in `entrypoint` start from. It goes on
   * PYTHONPATH.
   *
   * @default - 'src' for a src layout (a `src/` directory with Python code that is not itself a
   * package), else the source directory itself
   */
  readonly importRoot?: string;

  /**
   * Local Python packages outside `source` that the app imports, such as a sibling library in a
   * monorepo: paths (relative to `source`, or absolute) of package directories or single-module
   * `.py` files. Each is copied into the image and importable by its directory or file name. Their
   * third-party dependencies belong in the app's dependencies.
   *
   * @default - none
   */
  readonly localPackages?: string[];

  /**
   * Read the `web:` line of a `Procfile` at the root of `source` (Heroku's, Render's, Dokku's
   * convention): its gunicorn app spec is the entrypoint and its flags (`--workers`, `--timeout`,
   * `--bind`, …) the gunicorn settings, unless the construct's own props say otherwise. A flag that
   * cannot be mapped, or a `web:` line that runs something other than gunicorn, fails the synth.
   *
   * @default true
   */
  readonly procfile?: boolean;

  /**
   * Load the project's own gunicorn config (`gunicorn.conf.py` at the root of `source`, or the file
   * a Procfile's `--config` names), as gunicorn itself would: its settings and hooks stand wherever
   * the construct states nothing. The construct's explicit settings win (a differing literal value
   * warns), and the image keeps the app, bind address, worker temp dir, error log and stop hook.
   *
   * @default true
   */
  readonly projectGunicornConfig?: boolean;

  /**
   * Django settings; only for Django projects (detected from the entrypoint module).
   *
   * @default - read from the project: settings module from wsgi.py, collectstatic when STATIC_ROOT is set
   */
  readonly django?: DjangoOptions;

  /**
   * Top-level import names the dependency check accepts without a declared distribution (for
   * modules a base image provides, or that a distribution installs under an unexpected name).
   *
   * @default - none
   */
  readonly allowUndeclaredImports?: string[];

  /**
   * The requirement added when the requirements files do not name gunicorn.
   *
   * @default 'gunicorn>=20.1,<27'
   */
  readonly gunicornRequirement?: string;

  /**
   * gunicorn's settings.
   *
   * @default - the defaults of each setting in {@link GunicornSettings}
   */
  readonly gunicorn?: GunicornSettings;

  /**
   * Build arguments, declared with `ARG` before dependencies are installed (so `PIP_INDEX_URL` and
   * friends reach pip). Values are part of the image fingerprint. Never put secrets here: build
   * arguments are visible in the image history.
   *
   * @default - no build arguments
   */
  readonly buildArgs?: { [name: string]: string };

  /**
   * Build-time secrets (for example a private package index URL with a token), by the environment
   * variable name pip sees during the dependency install, such as `PIP_EXTRA_INDEX_URL`.
   * They reach that one step through BuildKit secret mounts and appear in no layer, image config,
   * history or Terraform file. Setting this makes the Dockerfile BuildKit-only.
   *
   * @default - none; the Dockerfile builds with the classic builder
   */
  readonly buildSecrets?: { [variable: string]: BuildSecret };

  /**
   * Debian packages to install with apt before the Python dependencies (for example `libpq5`).
   *
   * @default - none
   */
  readonly aptPackages?: string[];

  /**
   * Environment variables baked into the image with `ENV`. Not for secrets: use the container's
   * `environment` for anything sensitive.
   *
   * @default - none besides the library's own (`PYTHONUNBUFFERED=1` and pip settings)
   */
  readonly environment?: { [name: string]: string };

  /**
   * Extra `.dockerignore`-style patterns, applied after the source's own `.dockerignore`.
   *
   * @default - only the source's `.dockerignore` and the built-in excludes
   */
  readonly exclude?: string[];

  /**
   * Directories created in the image and owned by the app's user, the only places it may write
   * besides `/tmp`. Mount a named volume on one to keep state: a new volume takes the directory's
   * owner, so the non-root app can write to it.
   *
   * @default - none
   */
  readonly writablePaths?: string[];

  /**
   * The platform to build for, such as `linux/amd64` or `linux/arm64`.
   *
   * @default - the Docker daemon's platform
   */
  readonly platform?: string;

  /**
   * The image repository name.
   *
   * @default - `cdktf-wsgi/<construct path>`, lowercased
   */
  readonly imageName?: string;

  /**
   * The image tag.
   *
   * @default - the first 16 characters of the fingerprint, so every change is a new tag
   */
  readonly imageTag?: string;

  /**
   * Keep the image in the local Docker image store when the resource is destroyed or replaced.
   *
   * @default false
   */
  readonly keepLocally?: boolean;
}

/** Properties of a {@link WsgiImage}. */
export interface WsgiImageProps extends WsgiImageOptions {
  /** The directory holding the app, its requirements file and its `.dockerignore`. */
  readonly source: string;

  /**
   * The WSGI callable as `module:callable` (`manager:app`, `mysite.wsgi:application`), or an
   * application factory as `module:factory()`, with the module relative to `importRoot`.
   *
   * @default - detected by scanning the source for Django's wsgi.py, `Flask(...)`, `falcon.App()`,
   * `bottle.default_app()` / `Bottle()`, Pyramid's `config.make_wsgi_app()` and factories building
   * one; exactly one must be found
   */
  readonly entrypoint?: string;
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const EXACT_VERSION = /^3\.\d{1,2}(\.\d{1,3})?$/;
const ENTRYPOINT = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)(\(\))?$/;
const PYTHON_VERSION = /^3\.\d{1,2}(\.\d{1,3})?$/;
// Docker's reference grammar: [registry[:port]/]path[:tag][@digest].
const IMAGE_REFERENCE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const REPOSITORY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+:~-]+)?$/;
const WRITABLE_PATH = /^\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const PLATFORM = /^[a-z0-9_]+\/[a-z0-9_]+(?:\/[a-z0-9_]+)?$/;
const FORWARDED_IP = /^(?:\*|[0-9A-Fa-f:.]+(?:\/\d{1,3})?)$/;
const WORKER_CLASS = /^[A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * A Docker image that serves a Python WSGI app with gunicorn.
 *
 * Defines a `docker_image` built from a generated Dockerfile and gunicorn config and a build
 * context staged into `cdktf.out` with only the files the app needs. A fingerprint of that
 * context and every build option names the staged directory and goes into `triggers`, so any
 * relevant change replaces the image in the plan, and nothing else does.
 */
export class WsgiImage extends Construct {
  /** The port gunicorn binds inside the container. */
  public readonly port: number;

  /** gunicorn's graceful timeout; containers derive their stop timeout from it. */
  public readonly gracefulTimeout: Duration;

  /** SHA-256 (hex) over the staged context and every build option. */
  public readonly fingerprint: string;

  /** The image reference, `name:tag`. */
  public readonly imageName: string;

  /** The built image's ID (`sha256:...`), a Terraform attribute: use it as a container's image. */
  public readonly imageId: string;

  /** The staged build context, relative to the stack's Terraform working directory. */
  public readonly contextPath: string;

  /** The generated Dockerfile's text. */
  public readonly dockerfile: string;

  /** The generated `gunicorn.conf.py`'s text. */
  public readonly gunicornConfig: string;

  /** The numeric `uid:gid` the image runs as. */
  public readonly user: string;

  /** The WSGI callable gunicorn serves, as given or as detected. */
  public readonly entrypoint: string;

  /** The Python version of the base image; undefined when `baseImage` is set. */
  public readonly pythonVersion?: string;

  /** @internal The environment baked into the image, for the container's checks. */
  public readonly _environment: { [name: string]: string };

  /** @internal What the construct read from a Django project, for the container's checks. */
  public readonly _django?: DjangoProject;

  /**
   * The Procfile's release: command, for ReleaseCommand.fromProcfile().
   * @internal
   */
  public _procfileRelease?: string[];

  private _procfileWebLine?: number;

  constructor(scope: Construct, id: string, props: WsgiImageProps) {
    super(scope, id);
    const source = this.resolveSource(props.source);
    const procfile = this.readProcfile(source, props);
    this.port = props.port ?? procfile?.port ?? 8000;
    requireInteger(this, 'port', this.port, 1, 65535, 'use the port your app should listen on, e.g. 8000');

    const stated = this.mergeProcfileSettings(procfile, props.gunicorn ?? {});
    const projectConfig = this.readProjectGunicornConfig(source, props, procfile, stated);
    const gunicorn = this.resolveGunicorn(projectConfig?.settings ?? stated);
    this.gracefulTimeout = Duration.seconds(gunicorn.gracefulTimeoutSeconds);
    const buildArgs = this.validateMap('buildArgs', props.buildArgs ?? {}, false);
    const environment = this.validateMap('environment', props.environment ?? {}, true);
    this._environment = environment;
    warnIfSecretLooking(this, 'environment', environment, 'is baked into the image, where `docker inspect` and `docker history` show it',
      'pass it at runtime through WsgiContainer `environment` from a sensitive TerraformVariable');
    warnIfSecretLooking(this, 'buildArgs', buildArgs, 'is a build argument, which `docker history` shows',
      'pass it with `buildSecrets` instead');
    const secrets = this.validateSecrets(props.buildSecrets ?? {});
    const aptPackages = (props.aptPackages ?? []).map((pkg, i) => {
      requireSingleLine(this, `aptPackages[${i}]`, pkg);
      if (!APT_PACKAGE.test(pkg)) {
        fail(this, `aptPackages[${i}]`, pkg, 'is not a Debian package name (lowercase letters, digits, "+", "-", ".", optionally "=version")', 'use the package name as `apt-get install` takes it, e.g. "libpq5"');
      }
      return pkg;
    });
    const exclude = (props.exclude ?? []).map((pattern, i) => {
      requireSingleLine(this, `exclude[${i}]`, pattern);
      return pattern;
    });
    const writablePaths = (props.writablePaths ?? []).map((p, i) => {
      requireSingleLine(this, `writablePaths[${i}]`, p);
      if (!WRITABLE_PATH.test(p) || p.split('/').includes('..')) {
        fail(this, `writablePaths[${i}]`, p, 'is not an absolute directory path of letters, digits, ".", "_", "-" and "/"', 'use a path such as "/data"');
      }
      return p;
    });
    if (props.platform !== undefined) {
      requireSingleLine(this, 'platform', props.platform);
      if (!PLATFORM.test(props.platform)) {
        fail(this, 'platform', props.platform, 'is not an OS/architecture pair', 'use a platform such as "linux/amd64" or "linux/arm64"');
      }
    }

    // The dependencies decide the dependency layer and, through requires-python, the base image.
    const manifest = this.resolveDependencies(source, props.dependencies);
    const baseImage = this.resolveBaseImage(props, source, manifest);
    const gunicornRequirement = props.gunicornRequirement ?? 'gunicorn>=20.1,<27';
    requireSingleLine(this, 'gunicornRequirement', gunicornRequirement);
    if (!/^gunicorn(\[[A-Za-z0-9_,-]+\])?\s*([<>=!~][^#]*)?$/i.test(gunicornRequirement)) {
      fail(this, 'gunicornRequirement', gunicornRequirement, 'is not a requirement for gunicorn', 'use a pip requirement such as "gunicorn==23.0.0"');
    }
    const manifestName = manifest.files[0] ?? 'Dependencies.none()';
    const addsGunicorn = !manifest.distributions.has('gunicorn');
    if (addsGunicorn) {
      Annotations.of(this).addWarning(
        `gunicorn is not in ${manifest.files.length > 0 ? manifest.files.join(', ') : 'the dependencies'}; the image adds "${gunicornRequirement}"`
        + `${manifest.hashed ? ' in a separate pip run without hash checking' : ''}. `
        + 'Add gunicorn to your dependencies to choose its version yourself.');
    }

    const dockerignore = readDockerignore(source);
    const badIgnoreLine = findInvalidPattern(dockerignore);
    if (badIgnoreLine !== undefined) {
      fail(this, 'source', props.source, `has a .dockerignore line that is not a valid pattern: ${JSON.stringify(badIgnoreLine)}`, 'fix or remove that line (brackets and parentheses must be balanced)');
    }
    const badExclude = findInvalidPattern(exclude);
    if (badExclude !== undefined) {
      fail(this, `exclude[${exclude.indexOf(badExclude)}]`, badExclude, 'is not a valid .dockerignore pattern', 'balance brackets and parentheses, or escape them with "\\"');
    }
    const patterns = [...dockerignore, ...exclude];
    const files = this.selectFiles(source, patterns, 'source', props.source);
    // Requirement files are installed even when .dockerignore leaves them out of the code copy.
    const selected = new Set(files.map(f => f.relativePath));
    for (const rel of manifest.installedFiles) {
      if (!selected.has(rel)) {
        files.push({ relativePath: rel, absolutePath: path.join(source, rel), executable: false });
      }
    }
    files.sort((a, b) => byCodePoint(a.relativePath, b.relativePath));

    const importRoot = this.resolveImportRoot(source, files, props.importRoot ?? procfile?.importRoot);
    // Every file is read once: the scan below, the fingerprint and staging share these bytes.
    const contents = new ContentCache();
    const read = (absolutePath: string) => contents.read(absolutePath).toString('utf-8');
    const appModules = topLevelModules(files, importRoot);
    const localPackages = this.resolveLocalPackages(source, props.localPackages ?? [], exclude, appModules);
    if (props.entrypoint === undefined && procfile?.entrypoint !== undefined) {
      Annotations.of(this).addInfo(`entrypoint from the Procfile: ${procfile.entrypoint} (web: line ${this._procfileWebLine})`);
    }
    this.entrypoint = this.resolveEntrypoint(props.entrypoint ?? procfile?.entrypoint, files, importRoot, source, read);

    const entryModule = ENTRYPOINT.exec(this.entrypoint)![1];
    const entryFile = this.requireModuleFile(entryModule, files, importRoot, source);
    this.requireCallable(entryModule, entryFile, read);
    const django = this.resolveDjango(props.django, entryFile, files, importRoot, read);
    this._django = django?.project;

    const localModules = new Set([...appModules, ...topLevelModules(files, ''), ...localPackages.map(p => p.name)]);
    const allowed = (props.allowUndeclaredImports ?? []).map((name, i) => {
      requireSingleLine(this, `allowUndeclaredImports[${i}]`, name);
      return name;
    });
    const scanned = [...files, ...localPackages.flatMap(p => p.files)];
    const undeclared = findUndeclaredImports(scanned, localModules, manifest.distributions, new Set(allowed), read);
    for (const u of undeclared) {
      Annotations.of(this).addWarning(
        `the app imports "${u.module}" (${u.where}), but no dependency in ${manifestName} provides it; it most likely needs the distribution "${u.distribution}". `
        + `Add it to ${manifest.declareIn}, or list "${u.module}" in allowUndeclaredImports if the image provides it.`);
    }

    const pythonPath = [
      ...(importRoot === '' ? [] : [`${IMAGE_APP_DIR}/${importRoot}`]),
      ...(localPackages.length > 0 ? [IMAGE_LIB_DIR] : []),
    ];
    this.dockerfile = renderDockerfile({
      baseImage,
      buildArgNames: Object.keys(buildArgs),
      environment,
      aptPackages,
      requirementFiles: manifest.installedFiles,
      port: this.port,
      writablePaths,
      secretNames: secrets.map(x => x.id),
      pythonPath,
      localPackages: localPackages.length > 0,
      gunicornSeparately: addsGunicorn && manifest.hashed,
      djangoSettingsModule: props.django?.settingsModule,
      collectStatic: django?.collectStatic,
    });
    if (projectConfig !== undefined && !files.some(f => f.relativePath === projectConfig.relativePath)) {
      fail(this, 'projectGunicornConfig', projectConfig.relativePath, 'is the project\'s gunicorn config, but .dockerignore or `exclude` leaves it out of the image',
        'keep the file in the build context, or set `projectGunicornConfig: false` to ignore it');
    }
    this.gunicornConfig = renderGunicornConfig({
      ...gunicorn,
      entrypoint: this.entrypoint,
      port: this.port,
      appDir: IMAGE_APP_DIR,
      ...(projectConfig ? { projectConfig: `${IMAGE_APP_DIR}/${projectConfig.relativePath}`, explicit: projectConfig.explicit } : {}),
    });
    const generated: GeneratedFile[] = [
      { relativePath: 'Dockerfile', content: this.dockerfile },
      { relativePath: `${CONTEXT_GENERATED_DIR}/gunicorn.conf.py`, content: this.gunicornConfig },
      { relativePath: `${CONTEXT_GENERATED_DIR}/requirements.txt`, content: renderRequirements(manifest, addsGunicorn && !manifest.hashed ? gunicornRequirement : undefined) },
    ];
    for (const note of manifest.notes) {
      Annotations.of(this).addWarning(note);
    }
    if (addsGunicorn && manifest.hashed) {
      generated.push({ relativePath: `${CONTEXT_GENERATED_DIR}/gunicorn-requirements.txt`, content: `${gunicornRequirement}\n` });
    }
    if (django?.collectStatic) {
      generated.push({ relativePath: `${CONTEXT_GENERATED_DIR}/${COLLECTSTATIC_SCRIPT}`, content: renderCollectStatic(django.collectStaticRequired) });
    }
    const contextFiles: ContextFile[] = [
      ...files.map(f => ({ ...f, relativePath: `${CONTEXT_SOURCE_DIR}/${f.relativePath}` })),
      ...localPackages.flatMap(p => p.files.map(f => ({ ...f, relativePath: `${CONTEXT_LIB_DIR}/${f.relativePath}` }))),
    ];
    // Secrets enter the options only when used, so images without them keep their fingerprint.
    const options = { buildArgs, platform: props.platform ?? null, ...(secrets.length > 0 ? { secrets } : {}) };
    this.fingerprint = fingerprint(options, generated, contextFiles, '', contents);

    const stack = TerraformStack.of(this);
    const assetFolder = path.posix.join('assets', stack.getLogicalId(this.node));
    this.contextPath = path.posix.join(assetFolder, this.fingerprint);
    this.imageName = `${this.resolveRepository(props.imageName)}:${this.resolveTag(props.imageTag)}`;
    this.user = `${APP_UID}:${APP_UID}`;

    const resource = new image.Image(this, 'Resource', {
      name: this.imageName,
      buildAttribute: {
        context: this.contextPath,
        // Provider 3.6.2 resolves a relative dockerfile against Terraform's working directory (the
        // stack directory), like the context: this path works there and lies inside the context.
        dockerfile: `${this.contextPath}/Dockerfile`,
        buildArgs: Object.keys(buildArgs).length > 0 ? buildArgs : undefined,
        secrets: secrets.length > 0 ? secrets : undefined,
        platform: props.platform,
      },
      triggers: { fingerprint: this.fingerprint },
      keepLocally: props.keepLocally ?? false,
    });
    this.imageId = resource.imageId;

    addCustomSynthesis(this, {
      onSynthesize: session => {
        const stackDir = path.join(session.manifest.outdir, session.manifest.forStack(stack).synthesizedStackPath, '..');
        // Earlier contexts of this image go; checked first, since a missing path costs a thrown error.
        if (fs.existsSync(path.join(stackDir, assetFolder))) {
          fs.rmSync(path.join(stackDir, assetFolder), { recursive: true, force: true });
        }
        writeContext(path.join(stackDir, this.contextPath), generated, contextFiles, '', contents);
      },
    });
  }

  private selectFiles(dir: string, patterns: string[], property: string, value: string): ContextFile[] {
    try {
      return selectContextFiles(dir, patterns);
    } catch (e) {
      if (e instanceof ContextError) {
        fail(this, property, value, `holds ${e.relativePath}, which ${e.problem}`, e.fix);
      }
      throw e;
    }
  }

  private resolveDependencies(source: string, dependencies: Dependencies | undefined): ResolvedManifest {
    let spec = dependencies?._spec();
    if (spec === undefined) {
      const detected = detectManifest(source);
      if (detected === undefined) {
        const looked = 'looked for poetry.lock, uv.lock, Pipfile.lock, requirements.txt and pyproject.toml with [project] dependencies';
        const candidates = requirementsCandidates(source);
        if (candidates.length > 0) {
          // The cookiecutter convention (requirements/base.txt, local.txt, production.txt): suggest the production one.
          const preferred = candidates.find(c => /prod/i.test(path.basename(c))) ?? candidates.find(c => /^(base|common|main)\.txt$/i.test(path.basename(c))) ?? candidates[0];
          fail(this, 'dependencies', undefined, `found no dependency manifest in ${source} (${looked}), but it has ${candidates.join(', ')}`,
            `point \`dependencies\` at the file the app runs with, e.g. Dependencies.requirementsFile("${preferred}")`);
        }
        fail(this, 'dependencies', undefined, `found no dependency manifest in ${source} (${looked})`,
          'add a requirements.txt, point `dependencies` at your manifest, or use Dependencies.none() for an app without third-party dependencies');
      }
      spec = detected.spec;
      if (detected.ignored.length > 0) {
        Annotations.of(this).addWarning(`the source has ${[spec.file, ...detected.ignored].join(' and ')}; the image installs from ${spec.file}. `
          + 'Set `dependencies` to choose another, or remove the stale file.');
      }
    }
    const label = spec.kind === 'none' ? 'Dependencies.none()' : spec.file;
    if (spec.kind !== 'none') {
      requireSingleLine(this, 'dependencies', spec.file);
      if (path.isAbsolute(spec.file)) {
        fail(this, 'dependencies', spec.file, 'is an absolute path', 'give the path relative to `source`, e.g. "requirements/prod.txt"');
      }
      if (spec.kind !== 'requirements' && path.posix.normalize(spec.file.split(path.sep).join('/')).startsWith('../')) {
        fail(this, 'dependencies', spec.file, 'lies outside the source directory', 'move the file into the source directory');
      }
    }
    for (const [i, name] of [...(spec.groups ?? []), ...(spec.extras ?? [])].entries()) {
      requireSingleLine(this, `dependencies group/extra ${i}`, name);
    }
    let manifest: ResolvedManifest;
    try {
      manifest = resolveManifest(source, spec);
    } catch (e) {
      if (e instanceof ManifestError) {
        const problem = e.file === spec.file ? `names a file that ${e.problem}` : `pulls in ${e.file}, which ${e.problem}`;
        fail(this, 'dependencies', label, `${problem} (looked in ${source})`, e.fix);
      }
      throw e;
    }
    for (const file of [...manifest.files, ...manifest.lines]) {
      requireSingleLine(this, 'dependencies', file.replace(/ \\\n {4}--hash=/g, ' --hash='));
    }
    return manifest;
  }

  private resolveImportRoot(source: string, files: ContextFile[], importRoot: string | undefined): string {
    if (importRoot === undefined) {
      const srcLayout = files.some(f => f.relativePath.startsWith('src/') && f.relativePath.endsWith('.py'))
        && !files.some(f => f.relativePath === 'src/__init__.py');
      return srcLayout ? 'src' : '';
    }
    requireSingleLine(this, 'importRoot', importRoot);
    const normalized = path.posix.normalize(importRoot.split(path.sep).join('/')).replace(/\/+$/, '');
    if (path.isAbsolute(importRoot) || normalized.startsWith('..') || !fs.existsSync(path.join(source, normalized)) || !fs.statSync(path.join(source, normalized)).isDirectory()) {
      fail(this, 'importRoot', importRoot, `is not a directory inside the source (${source})`, 'give a relative path such as "src", or "." for the source directory itself');
    }
    if (normalized !== '.' && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(normalized)) {
      fail(this, 'importRoot', importRoot, 'has characters other than letters, digits, ".", "_", "-" and "/"', 'rename the directory or choose another import root');
    }
    return normalized === '.' ? '' : normalized;
  }

  private resolveLocalPackages(source: string, paths: string[], exclude: string[], appModules: Set<string>): LocalPackage[] {
    const seen = new Map<string, string>();
    return paths.map((p, i) => {
      const property = `localPackages[${i}]`;
      requireSingleLine(this, property, p);
      const abs = path.resolve(source, p);
      const stat = fs.existsSync(abs) ? fs.statSync(abs) : undefined;
      const isModule = stat?.isFile() && abs.endsWith('.py');
      if (!stat || (!stat.isDirectory() && !isModule)) {
        fail(this, property, p, `is neither a package directory nor a .py module (looked for ${abs})`, 'give the path of the package directory, relative to `source`, e.g. "../../libs/common"');
      }
      const name = path.basename(abs, isModule ? '.py' : undefined);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        fail(this, property, p, `is named "${name}", which Python cannot import`, 'point at the package directory itself (a valid Python identifier)');
      }
      if (seen.has(name)) {
        fail(this, property, p, `would be imported as "${name}", like ${seen.get(name)}`, 'give every local package a distinct name');
      }
      if (appModules.has(name)) {
        fail(this, property, p, `would be imported as "${name}", but the app has a module of that name, which would shadow it`, 'rename one of them');
      }
      seen.set(name, p);
      const files: ContextFile[] = isModule
        ? [{ relativePath: `${name}.py`, absolutePath: abs, executable: false }]
        : this.selectFiles(abs, exclude, property, p).map(f => ({ ...f, relativePath: `${name}/${f.relativePath}` }));
      return { name, files };
    });
  }

  private resolveEntrypoint(entrypoint: string | undefined, files: ContextFile[], importRoot: string, source: string, read: SourceReader): string {
    if (entrypoint !== undefined) {
      requireSingleLine(this, 'entrypoint', entrypoint);
      if (!ENTRYPOINT.test(entrypoint)) {
        // A file path where a module is meant: suggest the module.
        const asPath = /^((?:[A-Za-z_][A-Za-z0-9_]*\/)*[A-Za-z_][A-Za-z0-9_]*)\.py:([A-Za-z_][A-Za-z0-9_]*(?:\(\))?)$/.exec(entrypoint);
        fail(this, 'entrypoint', entrypoint, 'is not "module:callable"', asPath
          ? `drop ".py" and use dots for directories: "${asPath[1].split('/').join('.')}:${asPath[2]}"`
          : 'name the module and the WSGI callable, e.g. "manager:app", "mysite.wsgi:application" or "app:create_app()"');
      }
      return entrypoint;
    }
    const candidates = detectCallables(files, importRoot, read);
    const where = importRoot === '' ? source : `${source}/${importRoot}`;
    if (candidates.length === 0) {
      fail(this, 'entrypoint', undefined, `was not given, and no WSGI callable was found in ${where} (looked for Django's wsgi.py, Flask(...), falcon.App(), bottle.default_app() or Bottle(), config.make_wsgi_app() and factories building one)`,
        'set `entrypoint` to "module:callable", e.g. "manager:app"');
    }
    if (candidates.length > 1) {
      fail(this, 'entrypoint', undefined, `was not given, and ${candidates.length} WSGI callables were found: ${candidates.map(c => `${c.entrypoint} (${c.idiom} in ${c.file})`).join(', ')}`,
        `set \`entrypoint\` to the one to serve, e.g. "${candidates[0].entrypoint}"`);
    }
    const found = candidates[0];
    Annotations.of(this).addInfo(`entrypoint detected: ${found.entrypoint} (${found.idiom} in ${found.file})`);
    return found.entrypoint;
  }

  private resolveDjango(options: DjangoOptions | undefined, entryFile: ContextFile, files: ContextFile[], importRoot: string, read: SourceReader) {
    const text = read(entryFile.absolutePath);
    if (!isDjangoWsgiModule(text) && options === undefined) {
      return undefined;
    }
    if (options?.settingsModule !== undefined) {
      requireSingleLine(this, 'django.settingsModule', options.settingsModule);
      if (!MODULE.test(options.settingsModule)) {
        fail(this, 'django.settingsModule', options.settingsModule, 'is not a dotted module name', 'use a module such as "mysite.settings"');
      }
    }
    const manage = files.find(f => f.relativePath === 'manage.py' || f.relativePath === `${importRoot}/manage.py`);
    const settingsModule = options?.settingsModule ?? settingsModuleOf(text) ?? (manage && settingsModuleOf(read(manage.absolutePath)));
    if (settingsModule === undefined) {
      fail(this, 'django.settingsModule', undefined, `is not set, and neither ${entryFile.relativePath} nor manage.py names DJANGO_SETTINGS_MODULE`, 'set `django.settingsModule`, e.g. "mysite.settings"');
    }
    const base = `${importRoot === '' ? '' : `${importRoot}/`}${settingsModule.split('.').join('/')}`;
    const settingsFile = files.find(f => f.relativePath === `${base}.py` || f.relativePath === `${base}/__init__.py`);
    if (!settingsFile) {
      fail(this, 'django.settingsModule', settingsModule, `names a module that is not in the build context (looked for ${base}.py)`, 'check the settings module name, and that .dockerignore does not leave it out');
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
      Annotations.of(this).addInfo(`${entryFile.relativePath} names ${settingsModule} and manage.py names ${manageModule}: the image builds, migrates and serves with ${settingsModule}, `
        + 'the module the app runs with. Set `django.settingsModule` to choose another.');
    }
    if (options?.collectStatic === true && project.staticRoot === 'unset') {
      fail(this, 'django.collectStatic', true, `needs STATIC_ROOT, which ${chain} does not set`, 'set STATIC_ROOT in the settings, or leave collectStatic unset');
    }
    // Unset: collectStatic decides. Otherwise the build step runs whenever STATIC_ROOT may be set,
    // and asks Django whether it is: reading the files only decides what to say at synth.
    const collect = options?.collectStatic ?? project.staticRoot !== 'unset';
    if (options?.collectStatic === undefined && project.staticRoot === 'unknown') {
      const why = project.staticRootUnknown!;
      Annotations.of(this).addWarning(`cannot tell from ${why.file} whether STATIC_ROOT is set (${why.reason}); the build asks Django and collects static files only if it is. `
        + 'Set django.collectStatic: true to require them, or false to skip the step.');
    }
    if (project.debug.kind === 'literal' && project.debug.on) {
      Annotations.of(this).addWarning(`${project.debugFile ?? settingsFile.relativePath} sets DEBUG = True, so every container of this image runs with DEBUG on (tracebacks and settings shown to visitors). `
        + 'Read DEBUG from the environment, e.g. DEBUG = os.environ.get("DJANGO_DEBUG") == "1".');
    }
    if (collect && project.staticRoot === 'set' && !project.usesWhitenoise) {
      Annotations.of(this).addWarning(`static files are collected into STATIC_ROOT, but ${chain} has no WhiteNoise middleware, so the app does not serve them. `
        + 'Add "whitenoise.middleware.WhiteNoiseMiddleware" after SecurityMiddleware, or serve STATIC_ROOT from a proxy.');
    }
    const buildEnvironment = this.validateMap('django.buildEnvironment', options?.buildEnvironment ?? {}, true);
    const placeholders = Object.fromEntries(project.secretKeyVariables.map(v => [v.name, 'cdktf-wsgi-collectstatic-placeholder-not-a-secret']));
    return {
      project,
      collectStatic: collect ? { settingsModule, environment: { ...placeholders, ...buildEnvironment } } : undefined,
      collectStaticRequired: options?.collectStatic === true,
    };
  }

  private validateSecrets(secrets: { [variable: string]: BuildSecret }) {
    requireLiteral(this, 'buildSecrets', secrets);
    return Object.keys(secrets).sort().map(id => {
      requireEnvName(this, 'buildSecrets key', id);
      const source = secrets[id]._source();
      const [kind, value] = source.env !== undefined ? ['env', source.env] : ['src', source.src!];
      requireSingleLine(this, `buildSecrets.${id}`, value);
      if (kind === 'env') {
        requireEnvName(this, `buildSecrets.${id}`, value);
      } else if (value.length === 0) {
        fail(this, `buildSecrets.${id}`, value, 'is an empty file path', 'give the path of the file holding the secret');
      }
      return { id, ...source };
    });
  }

  private resolveSource(source: string): string {
    requireSingleLine(this, 'source', source);
    const abs = path.resolve(source);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      fail(this, 'source', source, `is not a directory (looked for ${abs})`, 'point `source` at the directory holding your app, e.g. path.join(__dirname, "app")');
    }
    return abs;
  }

  /**
   * The entrypoint's callable must be bound at module level; a misspelling would otherwise only
   * show at deploy, as a container that never becomes healthy. A module that may bind names unseen
   * (`import *`, `globals()`) only warns.
   */
  private requireCallable(module: string, file: ContextFile, read: SourceReader): void {
    const callable = ENTRYPOINT.exec(this.entrypoint)![2];
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
      Annotations.of(this).addWarning(`'entrypoint' "${this.entrypoint}" ${problem}; the module may bind it in a way that cannot be read (import *, globals()), so this is not an error. If gunicorn fails to load the app: ${fix}.`);
      return;
    }
    fail(this, 'entrypoint', this.entrypoint, problem, fix);
  }

  private requireModuleFile(module: string, files: ContextFile[], importRoot: string, source: string): ContextFile {
    const base = `${importRoot === '' ? '' : `${importRoot}/`}${module.split('.').join('/')}`;
    const candidates = [`${base}.py`, `${base}/__init__.py`];
    const found = files.find(f => candidates.includes(f.relativePath));
    if (!found) {
      const callable = this.entrypoint.slice(this.entrypoint.indexOf(':'));
      fail(this, 'entrypoint', this.entrypoint, `names module ${module}, but neither ${candidates.join(' nor ')} is in the build context (source ${source})`,
        module.endsWith('.py')
          // "service.py:app" reads as module "py" in package "service": the file name was meant.
          ? `drop ".py": "${module.slice(0, -3)}${callable}"`
          : 'check the module name and `importRoot`, and that .dockerignore or `exclude` does not leave the file out');
    }
    return found;
  }

  private resolveBaseImage(props: WsgiImageOptions, source: string, manifest: ResolvedManifest): string {
    if (props.baseImage !== undefined && props.pythonVersion !== undefined) {
      fail(this, 'pythonVersion', props.pythonVersion, `cannot be combined with 'baseImage' ("${props.baseImage}"): the base image decides the Python version`, 'remove one of the two');
    }
    if (props.baseImage !== undefined) {
      requireSingleLine(this, 'baseImage', props.baseImage);
      if (!IMAGE_REFERENCE.test(props.baseImage)) {
        fail(this, 'baseImage', props.baseImage, 'is not a valid image reference', 'use a reference such as "python:3.12-slim" or "registry.example.com/python:3.12-slim@sha256:<64 hex digits>"');
      }
      return props.baseImage;
    }
    if (props.pythonVersion !== undefined) {
      requireSingleLine(this, 'pythonVersion', props.pythonVersion);
      if (!PYTHON_VERSION.test(props.pythonVersion)) {
        fail(this, 'pythonVersion', props.pythonVersion, 'is not a Python 3 version', 'use a version such as "3.12" or "3.11.9"');
      }
    }
    const files = readVersionFiles(source);
    const sources: PythonVersionSource[] = [
      ...(props.pythonVersion !== undefined ? [{ origin: 'pythonVersion', value: props.pythonVersion, exact: true }] : []),
      ...files.sources,
      ...(manifest.requiresPython ? [{ origin: `${manifest.requiresPython.file} (requires-python)`, value: manifest.requiresPython.value, exact: EXACT_VERSION.test(manifest.requiresPython.value) }] : []),
    ];
    const choice = choosePythonVersion(sources, '3.11');
    for (const note of [...files.notes, ...choice.notes]) {
      Annotations.of(this).addWarning(note);
    }
    if (choice.conflicts.length > 0) {
      Annotations.of(this).addWarning(`Python ${choice.version} comes from ${choice.origin}, but ${choice.conflicts.join(' and ')}; the image uses ${choice.version}. `
        + 'Make the sources agree, or set `pythonVersion` to decide.');
    }
    (this as { pythonVersion?: string }).pythonVersion = choice.version;
    return `python:${choice.version}-slim`;
  }

  /**
   * The project's own gunicorn config: which file, the settings stated explicitly (gunicorn names),
   * and the settings to resolve (a literal graceful_timeout in the file decides the stop timeout).
   */
  private readProjectGunicornConfig(source: string, props: WsgiImageProps, procfile: ProcfileGunicorn | undefined, stated: GunicornSettings) {
    const relativePath = procfile?.configFile ?? 'gunicorn.conf.py';
    const file = path.join(source, relativePath);
    if (!fs.existsSync(file)) {
      return undefined;
    }
    if (props.projectGunicornConfig === false) {
      Annotations.of(this).addInfo(`${relativePath} is ignored (projectGunicornConfig: false): the image runs gunicorn with the generated config alone`);
      return undefined;
    }
    const literals = new Map<string, string>();
    const assigned = new Set<string>();
    for (const st of moduleStatements(fs.readFileSync(file, 'utf-8'))) {
      const m = /^([a-z_][a-z0-9_]*)\s*=(?!=)\s*([\s\S]*)$/.exec(st.source);
      if (m && /^[a-z_][a-z0-9_]*\s*=(?!=)/.test(st.code)) {
        assigned.add(m[1]);
        const value = m[2].trim();
        if (/^-?\d+$/.test(value) || /^(True|False|None)$/.test(value) || /^("[^"\\]*"|'[^'\\]*')$/.test(value)) {
          literals.set(m[1], value.replace(/^'(.*)'$/, '"$1"'));
        }
      }
    }
    const NAMES: { [key: string]: string } = {
      workers: 'workers',
      threads: 'threads',
      workerClass: 'worker_class',
      timeout: 'timeout',
      gracefulTimeout: 'graceful_timeout',
      keepAlive: 'keepalive',
      maxRequests: 'max_requests',
      maxRequestsJitter: 'max_requests_jitter',
      forwardedAllowIps: 'forwarded_allow_ips',
      accessLog: 'accesslog',
      preload: 'preload_app',
    };
    const show = (v: unknown) => (v instanceof WorkerClass ? JSON.stringify(v.name) : v instanceof Duration ? String(v.toSeconds())
      : Array.isArray(v) ? JSON.stringify(v.join(',')) : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
    const explicit: string[] = [];
    for (const [key, value] of Object.entries(stated)) {
      if (value === undefined || NAMES[key] === undefined) continue;
      explicit.push(NAMES[key]);
      const theirs = literals.get(NAMES[key]);
      const ours = key === 'accessLog' ? (value ? '"-"' : 'None') : show(value);
      if (theirs !== undefined && theirs !== ours) {
        Annotations.of(this).addWarning(`${relativePath} sets ${NAMES[key]} = ${theirs}, and the construct states ${ours}: the construct's value is used`);
      }
    }
    const settings: GunicornSettings = { ...stated };
    if (stated.gracefulTimeout === undefined && assigned.has('graceful_timeout')) {
      const literal = literals.get('graceful_timeout');
      if (literal !== undefined && /^\d+$/.test(literal)) {
        // The container's stop timeout follows the graceful timeout the app really runs with.
        (settings as { gracefulTimeout?: Duration }).gracefulTimeout = Duration.seconds(Number(literal));
      } else {
        Annotations.of(this).addWarning(`${relativePath} sets graceful_timeout to a value that cannot be read at synth; the container's stop timeout assumes 30 s. `
          + 'Set gunicorn.gracefulTimeout to state it.');
      }
    }
    Annotations.of(this).addInfo(`gunicorn loads ${relativePath} first: its settings and hooks stand where the construct states nothing`
      + `${explicit.length > 0 ? ` (stated by the construct: ${explicit.join(', ')})` : ''}`);
    return { relativePath, explicit, settings };
  }

  /** The Procfile's gunicorn command, mapped; undefined without a Procfile or with `procfile: false`. */
  private readProcfile(source: string, props: WsgiImageProps): ProcfileGunicorn | undefined {
    const file = path.join(source, 'Procfile');
    if (props.procfile === false || !fs.existsSync(file)) {
      return undefined;
    }
    const fix = 'change the web: line, or set `procfile: false` and configure the construct instead';
    let procfile;
    try {
      procfile = parseProcfile(fs.readFileSync(file, 'utf-8'));
    } catch (e) {
      if (e instanceof ProcfileError) fail(this, 'procfile', e.value, e.problem, e.fix);
      throw e;
    }
    if (procfile.release !== undefined) {
      this._procfileRelease = procfile.release.argv;
      Annotations.of(this).addInfo(`the Procfile has a release: line (${procfile.release.command}); a WsgiContainer runs it before the app only with releaseCommand: ReleaseCommand.fromProcfile()`);
    }
    const web = procfile.web;
    if (web === undefined) {
      return undefined;
    }
    this._procfileWebLine = web.line;
    const args = gunicornArguments(web.argv);
    if (args === undefined) {
      const program = web.argv[0] ?? '';
      const what = /^uvicorn|^hypercorn|^daphne/.test(program)
        ? `runs ${program}, an ASGI server; cdktf-wsgi serves WSGI apps with gunicorn`
        : `runs ${program}, not gunicorn, which is how cdktf-wsgi serves WSGI apps`;
      fail(this, 'procfile', `web: ${web.command}`, what, 'run the app as `gunicorn module:callable` in the web: line, or set `procfile: false` and give `entrypoint`');
    }
    try {
      const mapped = mapGunicornArguments(args);
      if (mapped.configFile !== undefined && !fs.existsSync(path.join(source, mapped.configFile))) {
        fail(this, 'procfile', `--config ${mapped.configFile}`, 'names a gunicorn config that is not in the source directory', 'give the path of the project\'s config relative to `source`, or remove --config');
      }
      if (mapped.stated.length > 0) {
        Annotations.of(this).addInfo(`from the Procfile (web: line ${web.line}): ${mapped.stated.join(', ')}${mapped.bindsPortVariable ? `; --bind ...:$PORT binds the image's port ${props.port ?? mapped.port ?? 8000}` : ''}`);
      }
      return mapped;
    } catch (e) {
      if (e instanceof ProcfileError) fail(this, 'procfile', e.value, e.problem, e.fix === '' ? fix : e.fix);
      throw e;
    }
  }

  /** The gunicorn settings: the construct's own, and the Procfile's where the construct says nothing. */
  private mergeProcfileSettings(procfile: ProcfileGunicorn | undefined, explicit: GunicornSettings): GunicornSettings {
    if (procfile === undefined) {
      return explicit;
    }
    const fromProcfile: GunicornSettings = {
      workers: procfile.workers,
      threads: procfile.threads,
      workerClass: procfile.workerClass === undefined ? undefined : WorkerClass.custom(procfile.workerClass),
      timeout: procfile.timeoutSeconds === undefined ? undefined : Duration.seconds(procfile.timeoutSeconds),
      gracefulTimeout: procfile.gracefulTimeoutSeconds === undefined ? undefined : Duration.seconds(procfile.gracefulTimeoutSeconds),
      keepAlive: procfile.keepAliveSeconds === undefined ? undefined : Duration.seconds(procfile.keepAliveSeconds),
      maxRequests: procfile.maxRequests,
      maxRequestsJitter: procfile.maxRequestsJitter,
      forwardedAllowIps: procfile.forwardedAllowIps,
      accessLog: procfile.accessLog,
      preload: procfile.preload,
    };
    const merged: { [key: string]: unknown } = { ...fromProcfile };
    for (const [key, value] of Object.entries(explicit)) {
      if (value === undefined) continue;
      const stated = (fromProcfile as { [key: string]: unknown })[key];
      const show = (v: unknown) => (v instanceof WorkerClass ? v.name : Array.isArray(v) ? v.join(',') : String(v));
      if (stated !== undefined && show(stated) !== show(value)) {
        Annotations.of(this).addWarning(`the Procfile sets ${key} to ${show(stated)}, and gunicorn.${key} to ${show(value)}: the construct's value is used`);
      }
      merged[key] = value;
    }
    return merged as GunicornSettings;
  }

  private resolveGunicorn(settings: GunicornSettings) {
    const seconds = (name: string, value: Duration | undefined, fallback: number, min: number) => {
      if (value === undefined) {
        return fallback;
      }
      requireDuration(this, `gunicorn.${name}`, value);
      const s = value.toSeconds();
      if (!Number.isInteger(s) || s < min) {
        fail(this, `gunicorn.${name}`, value.toString(), `must be a whole number of seconds, at least ${min}`, `use Duration.seconds(n) with n >= ${min}`);
      }
      return s;
    };
    if (settings.workers !== undefined) {
      requireInteger(this, 'gunicorn.workers', settings.workers, 1, 1024, 'use a positive worker count, or leave it unset to size from the CPUs');
    }
    const workerClass = (settings.workerClass ?? WorkerClass.GTHREAD).name;
    const threads = settings.threads ?? (workerClass === WorkerClass.GTHREAD.name ? 4 : 1);
    requireInteger(this, 'gunicorn.threads', threads, 1, 1024, 'use a positive thread count');
    if (threads > 1 && workerClass !== WorkerClass.GTHREAD.name) {
      // gunicorn would silently turn sync into gthread, and other worker classes ignore threads.
      fail(this, 'gunicorn.threads', threads, `needs the gthread worker class, but workerClass is "${workerClass}"`,
        'use WorkerClass.GTHREAD, or leave threads unset');
    }
    requireSingleLine(this, 'gunicorn.workerClass', workerClass);
    if (!WORKER_CLASS.test(workerClass)) {
      fail(this, 'gunicorn.workerClass', workerClass, 'is not a worker class name or dotted path', 'use a WorkerClass constant, or WorkerClass.custom("package.module.ClassName")');
    }
    const maxRequests = settings.maxRequests ?? 0;
    requireInteger(this, 'gunicorn.maxRequests', maxRequests, 0, 2 ** 31 - 1, 'use 0 (never restart) or a positive request count');
    const maxRequestsJitter = settings.maxRequestsJitter ?? 0;
    requireInteger(this, 'gunicorn.maxRequestsJitter', maxRequestsJitter, 0, 2 ** 31 - 1, 'use 0 or a positive request count');
    const forwardedAllowIps = settings.forwardedAllowIps?.map((ip, i) => {
      requireSingleLine(this, `gunicorn.forwardedAllowIps[${i}]`, ip);
      if (!FORWARDED_IP.test(ip)) {
        fail(this, `gunicorn.forwardedAllowIps[${i}]`, ip, 'is not an IP address, a CIDR or "*"', 'use addresses such as "10.0.0.0/8" or "127.0.0.1"');
      }
      return ip;
    });
    return {
      workers: settings.workers,
      threads,
      workerClass,
      timeoutSeconds: seconds('timeout', settings.timeout, 30, 0),
      gracefulTimeoutSeconds: seconds('gracefulTimeout', settings.gracefulTimeout, 30, 0),
      keepAliveSeconds: seconds('keepAlive', settings.keepAlive, 5, 0),
      maxRequests,
      maxRequestsJitter,
      forwardedAllowIps,
      accessLog: settings.accessLog ?? false,
      preload: settings.preload ?? false,
    };
  }

  /** Validates names and values of a string map; sorted so the output never depends on key order. */
  private validateMap(property: string, map: { [name: string]: string }, inDockerfile: boolean): { [name: string]: string } {
    requireLiteral(this, property, map);
    const result: { [name: string]: string } = {};
    for (const name of Object.keys(map).sort()) {
      requireEnvName(this, `${property} key`, name);
      const value = map[name];
      if (typeof value !== 'string') {
        fail(this, `${property}.${name}`, value, 'is not a string', 'pass every value as a string');
      }
      if (inDockerfile) {
        requireSingleLine(this, `${property}.${name}`, value);
      } else {
        requireLiteral(this, `${property}.${name}`, value);
        if (value.includes('\0')) {
          fail(this, `${property}.${name}`, value, 'contains a NUL character', 'remove it');
        }
      }
      result[name] = value;
    }
    return result;
  }

  private resolveRepository(name: string | undefined): string {
    if (name === undefined) {
      return `cdktf-wsgi/${pathSlug(this) || 'app'}`;
    }
    requireSingleLine(this, 'imageName', name);
    if (!REPOSITORY.test(name)) {
      fail(this, 'imageName', name, 'is not a valid image repository name (lowercase path components, optional registry host)', 'use a name such as "myteam/myapp" without a tag; set the tag with `imageTag`');
    }
    return name;
  }

  private resolveTag(tag: string | undefined): string {
    if (tag === undefined) {
      return this.fingerprint.slice(0, 16);
    }
    requireSingleLine(this, 'imageTag', tag);
    if (!TAG.test(tag)) {
      fail(this, 'imageTag', tag, 'is not a valid image tag (letters, digits, "_", ".", "-", at most 128, not starting with "." or "-")', 'use a tag such as "v1.2.3"');
    }
    return tag;
  }
}

/** Reads a context file's text (through the construct's content cache). */
type SourceReader = (absolutePath: string) => string;

/** A local package staged into the image's lib directory. */
interface LocalPackage {
  readonly name: string;
  /** Files relative to the lib directory (`<name>/...` or `<name>.py`). */
  readonly files: ContextFile[];
}

/**
 * The generated requirements file: the requirements file the user wrote (by reference, so its
 * includes resolve), or the pins translated from a lock, plus gunicorn when it is missing.
 */
function renderRequirements(manifest: ResolvedManifest, gunicorn: string | undefined): string {
  const lines = ['# Generated by cdktf-wsgi: the app\'s requirements, plus gunicorn when they lack it.'];
  if (manifest.installedFiles.length > 0) {
    lines.push(`-r ${IMAGE_APP_DIR}/${manifest.installedFiles[0]}`);
  } else if (manifest.files.length > 0) {
    lines.push(`# Translated from ${manifest.files[0]}.`, ...manifest.lines);
  }
  if (gunicorn !== undefined) {
    lines.push(gunicorn);
  }
  return lines.join('\n') + '\n';
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
