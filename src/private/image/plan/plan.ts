import * as crypto from 'crypto';
import { planDependencies } from './dependencies';
import { planGunicorn } from './gunicorn';
import { PlannedSecret, validateOptions } from './options';
import { renderContext, RenderedContext } from './render';
import { planServer } from './server';
import { analyseSource, resolveSource } from './source';
import { WsgiImageProps } from '../../../wsgi-image-props';
import { Site } from '../../core/validation';
import { ProviderLine } from '../../docker/provider-line';
import { WsgiRuntime } from '../../docker/runtime';
import { ContentCache, fingerprint } from '../build-context';
import { APP_UID } from '../dockerfile';

/**
 * Everything a WsgiImage needs to define its resource and stage its context, computed without the
 * construct tree: immutable data, with the notes on the Site it ran with.
 */
export interface ImagePlan {
  /** SHA-256 (hex) over the context and every build option that reaches Docker. */
  readonly fingerprint: string;
  readonly context: RenderedContext;
  /** The bytes of every copied file, read once. */
  readonly contents: ContentCache;
  readonly buildArgs: { readonly [name: string]: string };
  readonly secrets: readonly PlannedSecret[];
  readonly platform?: string;
  /** The repository as given; undefined for the default, which depends on the construct path. */
  readonly repository?: string;
  /** The tag: as given, else {@link defaultImageTag}. */
  readonly tag: string;
  /** Whether the tag is the default one, which changes with the image. */
  readonly tagFollowsImage: boolean;
  /** The Python version of the default base image; undefined with `baseImage`. */
  readonly pythonVersion?: string;
  /** What containers and services of this image must agree with. */
  readonly runtime: Omit<WsgiRuntime, 'imagePath'>;
}

/**
 * The tag an image gets when none is given: 16 hex characters that change with the fingerprint and
 * with the provider line. The provider writes the build differently on each line, so an upgrade
 * replaces the image; with the same name, the old image's removal after that replacement (by name)
 * would take the new image's tag with it. On 3.6.2 it is the fingerprint's start, as it always was.
 */
export function defaultImageTag(fingerprintHex: string, line: ProviderLine): string {
  if (line === ProviderLine.V3_6_2) return fingerprintHex.slice(0, 16);
  return crypto.createHash('sha256').update(`${fingerprintHex}\nkreuzwerker/docker ${line}`).digest('hex').slice(0, 16);
}

/**
 * Plans an image in stages, each a function of the ones before: validate the standalone
 * props, settle gunicorn (props, Procfile, project config), resolve the dependencies and base
 * image, analyse the source (WSGI or ASGI), choose the worker, render the context; then
 * fingerprint it. Reads the source directory;
 * writes nothing.
 */
export function planImage(site: Site, props: WsgiImageProps, line: ProviderLine): ImagePlan {
  const source = resolveSource(site, props.source);
  const options = validateOptions(site, props);
  const gunicorn = planGunicorn(site, source, props);
  const dependencies = planDependencies(site, source, props.dependencies, options);
  const app = analyseSource(site, source, props, options, gunicorn, dependencies);
  const server = planServer(site, gunicorn, dependencies, app.appInterface, app.entrypoint);
  const context = renderContext(options, gunicorn, dependencies, app, server, props.django?.settingsModule);
  // Secrets enter the options only when used, so images without them keep their fingerprint.
  const fingerprinted = {
    buildArgs: options.buildArgs,
    platform: options.platform ?? null,
    ...(options.secrets.length > 0 ? { secrets: options.secrets } : {}),
  };
  const digest = fingerprint(fingerprinted, context.generated, context.contextFiles, '', app.contents);
  return {
    fingerprint: digest,
    context,
    contents: app.contents,
    buildArgs: options.buildArgs,
    secrets: options.secrets,
    platform: options.platform,
    repository: options.repository,
    tag: options.tag ?? defaultImageTag(digest, line),
    tagFollowsImage: options.tag === undefined,
    pythonVersion: dependencies.pythonVersion,
    runtime: {
      port: gunicorn.port,
      baseImage: dependencies.baseImage,
      user: `${APP_UID}:${APP_UID}`,
      gracefulTimeoutSeconds: gunicorn.settings.gracefulTimeoutSeconds,
      entrypoint: app.entrypoint,
      appInterface: server.appInterface,
      environment: options.environment,
      django: app.django?.project,
      procfileRelease: gunicorn.procfile.release,
    },
  };
}
