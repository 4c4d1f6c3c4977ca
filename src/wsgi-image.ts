import * as fs from 'fs';
import * as path from 'path';
import { image, registryImage } from '@cdktf/provider-docker';
import { Lazy, TerraformProvider, TerraformStack } from 'cdktf';
// cdktf's own hook for writing files at synth (TerraformAsset uses it); not re-exported at the top.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { AppInterface } from './app-interface';
import { Duration } from './duration';
import { pathSlug } from './private/core/names';
import { fail, Locatable, Site } from './private/core/validation';
import { requireDockerProvider, useDockerProvider } from './private/docker/docker-provider';
import { BINDINGS_PROVIDER_VERSION, CONSTRAINT_PATH, dockerConstraintOf, lineOfConstraint, ProviderLine, providerLineOf, providerLineSoFar } from './private/docker/provider-line';
import { WsgiRuntime } from './private/docker/runtime';
import { writeContext } from './private/image/build-context';
import { planImage } from './private/image/plan/plan';
import { WsgiImageProps } from './wsgi-image-props';

/**
 * A Docker image that serves a Python WSGI app with gunicorn.
 *
 * Defines a `docker_image` built from a generated Dockerfile and gunicorn config and a build
 * context staged into `cdktf.out` with only the files the app needs. A fingerprint of that
 * context and every build option names the staged directory and goes into `triggers`, so any
 * relevant change replaces the image in the plan, and nothing else does.
 *
 * The work happens in a pure image plan (`src/private/image/plan/`); this construct runs it, reports
 * its notes as annotations, defines the resource and registers the staging.
 */
export class WsgiImage extends Construct {
  /** The port gunicorn binds inside the container. */
  public readonly port: number;

  /** gunicorn's graceful timeout; containers derive their stop timeout from it. */
  public readonly gracefulTimeout: Duration;

  /** SHA-256 (hex) over the staged context and every build option. */
  public readonly fingerprint: string;

  /** The image reference, `repository:tag`. */
  public readonly imageName: string;

  /** @internal whether the tag is the default, which changes with the image (a service needs that) */
  public readonly _tagFollowsImage: boolean;

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

  /** The WSGI callable or ASGI app gunicorn serves, as given or as detected. */
  public readonly entrypoint: string;

  /** Whether the app is served as a WSGI or an ASGI app, as given or as detected. */
  public readonly appInterface: AppInterface;

  /** The Python version of the base image; undefined when `baseImage` is set. */
  public readonly pythonVersion?: string;

  /**
   * The underlying `docker_image` resource, for settings this construct does not model (an escape
   * hatch, like `node.defaultChild`). Changes made here bypass the fingerprint.
   */
  public readonly resource: image.Image;

  /** The docker provider the image's resources use; undefined for the stack's default one. */
  public readonly provider?: TerraformProvider;

  private readonly runtime: WsgiRuntime;
  private pushed?: { resource: registryImage.RegistryImage; keepRemotely: boolean };

  constructor(scope: Construct, id: string, props: WsgiImageProps) {
    super(scope, id);
    const site = Site.of(this);
    requireDockerProvider(this, 'provider', props.provider);
    this.provider = props.provider;
    // The default tag depends on the provider line, so it is read now, while the tree is built, and
    // checked again at synth (below), where an unsupported pin is reported too.
    const builtFor = providerLineSoFar(this) ?? lineOfConstraint(BINDINGS_PROVIDER_VERSION)!;
    const plan = planImage(site, props, builtFor);
    site.emitTo(this);

    this.runtime = { ...plan.runtime, imagePath: this.node.path };
    this.port = plan.runtime.port;
    this.gracefulTimeout = Duration.seconds(plan.runtime.gracefulTimeoutSeconds);
    this.user = plan.runtime.user;
    this.entrypoint = plan.runtime.entrypoint;
    this.appInterface = plan.runtime.appInterface;
    this.pythonVersion = plan.pythonVersion;
    this.fingerprint = plan.fingerprint;
    this.dockerfile = plan.context.dockerfile;
    this.gunicornConfig = plan.context.gunicornConfig;

    const stack = TerraformStack.of(this);
    const assetFolder = path.posix.join('assets', stack.getLogicalId(this.node));
    this.contextPath = path.posix.join(assetFolder, this.fingerprint);
    this.imageName = `${plan.repository ?? `cdktf-wsgi/${pathSlug(this) || 'app'}`}:${plan.tag}`;

    const hasBuildArgs = Object.keys(plan.buildArgs).length > 0;
    this._tagFollowsImage = plan.tagFollowsImage;
    this.resource = new image.Image(this, 'Resource', {
      name: plan.tagFollowsImage ? Lazy.stringValue({ produce: () => this.nameFor(builtFor) }) : this.imageName,
      buildAttribute: {
        context: this.contextPath,
        // Provider 3.6.2 resolves a relative dockerfile against Terraform's working directory (the
        // stack directory), like the context; 4.x resolves it against the context (#853).
        dockerfile: Lazy.stringValue({
          produce: () => providerLineOf(this) === ProviderLine.V3_6_2 ? `${this.contextPath}/Dockerfile` : 'Dockerfile',
        }),
        buildArgs: hasBuildArgs ? { ...plan.buildArgs } : undefined,
        secrets: plan.secrets.length > 0 ? plan.secrets.map(s => ({ ...s })) : undefined,
        platform: plan.platform,
      },
      triggers: { fingerprint: this.fingerprint },
      keepLocally: props.keepLocally ?? false,
    });
    this.imageId = this.resource.imageId;
    useDockerProvider(this, this.provider);

    addCustomSynthesis(this, {
      onSynthesize: session => {
        const stackDir = path.join(session.manifest.outdir, session.manifest.forStack(stack).synthesizedStackPath, '..');
        // Earlier contexts of this image go; checked first, since a missing path costs a thrown error.
        if (fs.existsSync(path.join(stackDir, assetFolder))) {
          fs.rmSync(path.join(stackDir, assetFolder), { recursive: true, force: true });
        }
        writeContext(path.join(stackDir, this.contextPath), plan.context.generated, plan.context.contextFiles, '', plan.contents);
      },
    });
  }

  /**
   * The image name, once the stack's provider line is known to be the one the default tag was made
   * for: a pin set after the image was created would otherwise leave the tag of the other line.
   */
  private nameFor(builtFor: ProviderLine): string {
    const line = providerLineOf(this);
    if (line !== builtFor) {
      const stack = TerraformStack.of(this);
      fail(this, 'imageTag', undefined,
        `defaults to a tag made for kreuzwerker/docker ${builtFor}, but the stack ${stack.node.path} pins ${dockerConstraintOf(stack)} (set after this image was created)`,
        `set the stack's docker provider (new DockerProvider(...), or stack.addOverride("${CONSTRAINT_PATH}", ...)) before creating its images`);
    }
    return this.imageName;
  }

  /** The `docker_registry_image` pushing this image, once a service asked for it. */
  public get registryResource(): registryImage.RegistryImage | undefined {
    return this.pushed?.resource;
  }

  /**
   * Pushes the image to the registry its repository names, once for every service that runs it.
   * Errors name `site`, the construct that asked.
   *
   * @internal
   */
  public _push(site: Locatable, keepRemotely: boolean): registryImage.RegistryImage {
    if (this.pushed) {
      if (this.pushed.keepRemotely !== keepRemotely) {
        fail(site, 'keepPushedImages', keepRemotely, `differs from another service's setting for ${this.node.path}, which is pushed once`, 'give every service of one image the same keepPushedImages');
      }
      return this.pushed.resource;
    }
    // A registry host before the first slash: a dot or a port, or localhost (Docker's own rule).
    if (!/^(?:[^/]*[.:][^/]*|localhost)\//.test(this.imageName)) {
      fail(site, 'pushToRegistry', true, `needs the image's repository to name a registry, but ${this.node.path} is ${this.imageName.split(':')[0]}`,
        'set `repository` on the WsgiImage to the registry\'s name for it, e.g. "registry.example.com:5000/team/app"');
    }
    const resource = new registryImage.RegistryImage(this, 'Registry', {
      name: this.resource.name,
      keepRemotely,
      triggers: { fingerprint: this.fingerprint },
    });
    useDockerProvider(resource, this.provider);
    this.pushed = { resource, keepRemotely };
    return resource;
  }

  /**
   * Rolls the image out for a runner whose old containers outlive the new image's creation (a
   * START_FIRST container, a service's rolling update): the new image is created before the old
   * one is removed, and the old one is removed by force, which untags it while a container still
   * uses it. After a deploy that failed half-way (its old containers and image left deposed in the
   * state), Terraform may remove the old image while the old container is still being removed;
   * unforced, Docker refuses and the retry fails (docs/reliability.md).
   *
   * @internal
   */
  public _replaceBeforeRemoving(): void {
    this.resource.lifecycle = { ...(this.resource.lifecycle ?? {}), createBeforeDestroy: true };
    this._removeByForce();
  }

  /**
   * Removes the image by force, which untags it while a container still uses it: a runner whose
   * interrupted deploy may leave a container outside the state until its destroy guard removes it,
   * which `cdktf destroy` stops after the image is gone.
   *
   * @internal
   */
  public _removeByForce(): void {
    this.resource.forceRemove = true;
  }

  /**
   * The image's contract with whatever runs it (port, user, stop timing, baked environment, Django
   * facts). WsgiContainer and the benchmarks render from it.
   *
   * @internal
   */
  public _runtime(): WsgiRuntime {
    return this.runtime;
  }
}
