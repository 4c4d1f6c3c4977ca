import * as fs from 'fs';
import * as path from 'path';
import { image } from '@cdktf/provider-docker';
import { Annotations, TerraformStack } from 'cdktf';
// cdktf's own hook for writing files at synth (TerraformAsset uses it); not re-exported at the top.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { BuildSecret } from './build-secret';
import { Duration } from './duration';
import { GunicornSettings, WorkerClass } from './gunicorn';
import { byCodePoint, ContextError, findInvalidPattern, fingerprint, GeneratedFile, readDockerignore, selectContextFiles, writeContext } from './private/build-context';
import { APP_UID, CONTEXT_GENERATED_DIR, CONTEXT_SOURCE_DIR, IMAGE_APP_DIR, renderDockerfile } from './private/dockerfile';
import { fail, requireEnvName, requireInteger, requireLiteral, requireSingleLine } from './private/errors';
import { renderGunicornConfig } from './private/gunicorn-config';
import { pathSlug } from './private/names';
import { readRequirements, RequirementsError } from './private/requirements';
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
   * Cannot be combined with `baseImage`.
   *
   * @default '3.11'
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
   * The pip requirements file, relative to `source`. Files it includes with `-r` or `-c` are
   * found and installed with it.
   *
   * @default 'requirements.txt'
   */
  readonly requirements?: string;

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
   * application factory as `module:factory()`.
   */
  readonly entrypoint: string;
}

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

  constructor(scope: Construct, id: string, props: WsgiImageProps) {
    super(scope, id);
    const source = this.resolveSource(props.source);
    const entrypoint = this.validateEntrypoint(props.entrypoint);
    this.port = props.port ?? 8000;
    requireInteger(this, 'port', this.port, 1, 65535, 'use the port your app should listen on, e.g. 8000');

    const baseImage = this.resolveBaseImage(props);
    const gunicorn = this.resolveGunicorn(props.gunicorn ?? {});
    this.gracefulTimeout = Duration.seconds(gunicorn.gracefulTimeoutSeconds);
    const buildArgs = this.validateMap('buildArgs', props.buildArgs ?? {}, false);
    const environment = this.validateMap('environment', props.environment ?? {}, true);
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

    // The files: requirements first (they decide the dependency layer), then the whole context.
    const requirementsFile = props.requirements ?? 'requirements.txt';
    requireSingleLine(this, 'requirements', requirementsFile);
    if (path.isAbsolute(requirementsFile)) {
      fail(this, 'requirements', requirementsFile, 'is an absolute path', 'give the path relative to `source`, e.g. "requirements/prod.txt"');
    }
    let requirements;
    try {
      requirements = readRequirements(source, requirementsFile);
    } catch (e) {
      if (e instanceof RequirementsError) {
        fail(this, 'requirements', requirementsFile, `names a requirements file that ${e.file === requirementsFile ? '' : `pulls in ${e.file}, which `}${e.problem} (looked in ${source})`, e.fix);
      }
      throw e;
    }
    for (const file of requirements.files) {
      requireSingleLine(this, 'requirements', file);
    }
    const gunicornRequirement = props.gunicornRequirement ?? 'gunicorn>=20.1,<27';
    requireSingleLine(this, 'gunicornRequirement', gunicornRequirement);
    if (!/^gunicorn(\[[A-Za-z0-9_,-]+\])?\s*([<>=!~][^#]*)?$/i.test(gunicornRequirement)) {
      fail(this, 'gunicornRequirement', gunicornRequirement, 'is not a requirement for gunicorn', 'use a pip requirement such as "gunicorn==23.0.0"');
    }
    const addsGunicorn = !requirements.distributions.has('gunicorn');
    if (addsGunicorn) {
      Annotations.of(this).addWarning(
        `gunicorn is not in ${requirements.files.join(', ')}; the image adds "${gunicornRequirement}". ` +
        'Add gunicorn to your requirements to choose its version yourself.');
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
    let files;
    try {
      files = selectContextFiles(source, patterns);
    } catch (e) {
      if (e instanceof ContextError) {
        fail(this, 'source', props.source, `holds ${e.relativePath}, which ${e.problem}`, e.fix);
      }
      throw e;
    }
    // Requirement files are installed even when .dockerignore leaves them out of the code copy.
    const selected = new Set(files.map(f => f.relativePath));
    for (const rel of requirements.files) {
      if (!selected.has(rel)) {
        files.push({ relativePath: rel, absolutePath: path.join(source, rel), executable: false });
      }
    }
    files.sort((a, b) => byCodePoint(a.relativePath, b.relativePath));
    this.requireModuleFile(entrypoint.module, files.map(f => f.relativePath), props.entrypoint, source);

    this.dockerfile = renderDockerfile({
      baseImage,
      buildArgNames: Object.keys(buildArgs),
      environment,
      aptPackages,
      requirementFiles: requirements.files,
      port: this.port,
      writablePaths,
      secretNames: secrets.map(x => x.id),
    });
    this.gunicornConfig = renderGunicornConfig({ ...gunicorn, entrypoint: props.entrypoint, port: this.port, appDir: IMAGE_APP_DIR });
    const generatedRequirements = [
      '# Generated by cdktf-wsgi: the app\'s requirements, plus gunicorn when they lack it.',
      `-r ${IMAGE_APP_DIR}/${requirements.files[0]}`,
      ...(addsGunicorn ? [gunicornRequirement] : []),
      '',
    ].join('\n');
    const generated: GeneratedFile[] = [
      { relativePath: 'Dockerfile', content: this.dockerfile },
      { relativePath: `${CONTEXT_GENERATED_DIR}/gunicorn.conf.py`, content: this.gunicornConfig },
      { relativePath: `${CONTEXT_GENERATED_DIR}/requirements.txt`, content: generatedRequirements },
    ];
    // Secrets enter the options only when used, so images without them keep their fingerprint.
    const options = { buildArgs, platform: props.platform ?? null, ...(secrets.length > 0 ? { secrets } : {}) };
    this.fingerprint = fingerprint(options, generated, files, `${CONTEXT_SOURCE_DIR}/`);

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
        fs.rmSync(path.join(stackDir, assetFolder), { recursive: true, force: true });
        writeContext(path.join(stackDir, this.contextPath), generated, files, `${CONTEXT_SOURCE_DIR}/`);
      },
    });
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

  private validateEntrypoint(entrypoint: string): { module: string } {
    requireSingleLine(this, 'entrypoint', entrypoint);
    const match = ENTRYPOINT.exec(entrypoint);
    if (!match) {
      fail(this, 'entrypoint', entrypoint, 'is not "module:callable"', 'name the module and the WSGI callable, e.g. "manager:app", "mysite.wsgi:application" or "app:create_app()"');
    }
    return { module: match[1] };
  }

  private requireModuleFile(module: string, files: string[], entrypoint: string, source: string): void {
    const base = module.split('.').join('/');
    const candidates = [`${base}.py`, `${base}/__init__.py`];
    if (!candidates.some(c => files.includes(c))) {
      fail(this, 'entrypoint', entrypoint, `names module ${module}, but neither ${candidates.join(' nor ')} is in the build context (source ${source})`,
        'check the module name, and that .dockerignore or `exclude` does not leave the file out');
    }
  }

  private resolveBaseImage(props: WsgiImageOptions): string {
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
    const version = props.pythonVersion ?? '3.11';
    requireSingleLine(this, 'pythonVersion', version);
    if (!PYTHON_VERSION.test(version)) {
      fail(this, 'pythonVersion', version, 'is not a Python 3 version', 'use a version such as "3.12" or "3.11.9"');
    }
    return `python:${version}-slim`;
  }

  private resolveGunicorn(settings: GunicornSettings) {
    const seconds = (name: string, value: Duration | undefined, fallback: number, min: number) => {
      if (value === undefined) {
        return fallback;
      }
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
      accessLog: settings.accessLog ?? true,
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
