import { WsgiImageProps } from '../../../wsgi-image-props';
import { APT_PACKAGE, ABSOLUTE_DIRECTORY, GUNICORN_REQUIREMENT, IMAGE_REFERENCE, IMAGE_REPOSITORY, IMAGE_TAG, PLATFORM, PYTHON_VERSION } from '../../core/patterns';
import { warnIfSecretLooking } from '../../core/secrets';
import { fail, requireEnvName, requireLabels, requireLiteral, requireSingleLine, requireSingleLines, requireStringMap, Site } from '../../core/validation';

/** Where a build secret's value comes from: an environment variable or a file at build time. */
type BuildSecretSource = { readonly env?: string; readonly src?: string };

/** A build secret, validated: the id pip sees and where its value comes from. */
export type PlannedSecret = { readonly id: string } & BuildSecretSource;

/**
 * The props that need nothing but themselves to be checked, checked: stage 1 of the image plan.
 * Maps come back sorted, so nothing downstream depends on key order.
 */
export interface ValidatedOptions {
  readonly buildArgs: { readonly [name: string]: string };
  readonly environment: { readonly [name: string]: string };
  readonly labels: { readonly [key: string]: string };
  readonly secrets: readonly PlannedSecret[];
  readonly aptPackages: readonly string[];
  readonly exclude: readonly string[];
  readonly writablePaths: readonly string[];
  readonly allowUndeclaredImports: readonly string[];
  readonly platform?: string;
  readonly gunicornRequirement: string;
  readonly baseImage?: string;
  readonly pythonVersion?: string;
  readonly repository?: string;
  readonly tag?: string;
}

/** Checks an optional string prop: one line, of the shape `pattern` says. */
function requireShape(site: Site, property: string, value: string | undefined, pattern: RegExp, problem: string, fix: string): void {
  if (value === undefined) {
    return;
  }
  requireSingleLine(site, property, value);
  if (!pattern.test(value)) {
    fail(site, property, value, problem, fix);
  }
}

/** Stage 1: validates the props that stand alone (no files read). */
export function validateOptions(site: Site, props: WsgiImageProps): ValidatedOptions {
  const buildArgs = requireStringMap(site, 'buildArgs', props.buildArgs ?? {}, false);
  const environment = requireStringMap(site, 'environment', props.environment ?? {}, true);
  warnIfSecretLooking(site, 'environment', environment, 'is baked into the image, where `docker inspect` and `docker history` show it',
    'pass it at runtime through WsgiContainer `environment` from a sensitive TerraformVariable');
  warnIfSecretLooking(site, 'buildArgs', buildArgs, 'is a build argument, which `docker history` shows',
    'pass it with `buildSecrets` instead');
  const secrets = validateSecrets(site, props.buildSecrets ?? {});
  const aptPackages = requireSingleLines(site, 'aptPackages', props.aptPackages ?? [], (pkg, property) => {
    if (!APT_PACKAGE.test(pkg)) {
      fail(site, property, pkg, 'is not a Debian package name (lowercase letters, digits, "+", "-", ".", optionally "=version")', 'use the package name as `apt-get install` takes it, e.g. "libpq5"');
    }
  });
  const exclude = requireSingleLines(site, 'exclude', props.exclude ?? []);
  const writablePaths = requireSingleLines(site, 'writablePaths', props.writablePaths ?? [], (p, property) => {
    if (!ABSOLUTE_DIRECTORY.test(p) || p.split('/').includes('..')) {
      fail(site, property, p, 'is not an absolute directory path of letters, digits, ".", "_", "-" and "/"', 'use a path such as "/data"');
    }
  });
  requireShape(site, 'platform', props.platform, PLATFORM, 'is not an OS/architecture pair', 'use a platform such as "linux/amd64" or "linux/arm64"');
  if (props.baseImage !== undefined && props.pythonVersion !== undefined) {
    fail(site, 'pythonVersion', props.pythonVersion, `cannot be combined with 'baseImage' ("${props.baseImage}"): the base image decides the Python version`, 'remove one of the two');
  }
  requireShape(site, 'baseImage', props.baseImage, IMAGE_REFERENCE, 'is not a valid image reference',
    'use a reference such as "python:3.12-slim" or "registry.example.com/python:3.12-slim@sha256:<64 hex digits>"');
  requireShape(site, 'pythonVersion', props.pythonVersion, PYTHON_VERSION, 'is not a Python 3 version', 'use a version such as "3.12" or "3.11.9"');
  const gunicornRequirement = props.gunicornRequirement ?? 'gunicorn>=20.1,<27';
  requireShape(site, 'gunicornRequirement', gunicornRequirement, GUNICORN_REQUIREMENT, 'is not a requirement for gunicorn', 'use a pip requirement such as "gunicorn==23.0.0"');
  const allowUndeclaredImports = requireSingleLines(site, 'allowUndeclaredImports', props.allowUndeclaredImports ?? []);
  requireShape(site, 'repository', props.repository, IMAGE_REPOSITORY, 'is not a valid image repository name (lowercase path components, optional registry host)',
    'use a name such as "myteam/myapp" without a tag; set the tag with `imageTag`');
  requireShape(site, 'imageTag', props.imageTag, IMAGE_TAG, 'is not a valid image tag (letters, digits, "_", ".", "-", at most 128, not starting with "." or "-")',
    'use a tag such as "v1.2.3"');
  const labels = requireLabels(site, props.labels ?? {});
  return {
    buildArgs,
    environment,
    labels,
    secrets,
    aptPackages,
    exclude,
    writablePaths,
    allowUndeclaredImports,
    gunicornRequirement,
    platform: props.platform,
    baseImage: props.baseImage,
    pythonVersion: props.pythonVersion,
    repository: props.repository,
    tag: props.imageTag,
  };
}

function validateSecrets(site: Site, secrets: { [variable: string]: { _source(): BuildSecretSource } }): PlannedSecret[] {
  requireLiteral(site, 'buildSecrets', secrets);
  return Object.keys(secrets).sort().map(id => {
    requireEnvName(site, 'buildSecrets key', id);
    const source = secrets[id]._source();
    const [kind, value] = source.env !== undefined ? ['env', source.env] : ['src', source.src!];
    requireSingleLine(site, `buildSecrets.${id}`, value);
    if (kind === 'env') {
      requireEnvName(site, `buildSecrets.${id}`, value);
    } else if (value.length === 0) {
      fail(site, `buildSecrets.${id}`, value, 'is an empty file path', 'give the path of the file holding the secret');
    }
    return { id, ...source };
  });
}
