import { TerraformProvider } from 'cdktf';
import { AppInterface } from './app-interface';
import { BuildSecret } from './build-secret';
import { Dependencies } from './dependencies';
import { DjangoOptions } from './django-options';
import { GunicornSettings } from './gunicorn';

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
   * Whether the app is a WSGI or an ASGI app. Needed only where detection cannot tell, or to serve
   * a Django project's `asgi.py` rather than its `wsgi.py`.
   *
   * @default - detected: ASGI for an ASGI app (FastAPI(), Starlette(), Quart(), Litestar(),
   * Django's get_asgi_application(), a factory building one, a Procfile running uvicorn or
   * hypercorn, or the uvicorn worker class), otherwise WSGI. A Django project with both modules is
   * served through wsgi.py, and the synth says so.
   */
  readonly appInterface?: AppInterface;

  /**
   * Read the `web:` line of a `Procfile` at the root of `source` (Heroku's, Render's, Dokku's
   * convention): its app spec is the entrypoint and its flags (`--workers`, `--timeout`, `--bind`,
   * …) the gunicorn settings, unless the construct's own props say otherwise. A `web:` line may run
   * gunicorn, or uvicorn or hypercorn for an ASGI app, which the image then serves with gunicorn
   * and the uvicorn worker. A flag that cannot be mapped, or a `web:` line that runs another
   * program, fails the synth.
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
   * The image repository, without a tag: `myteam/myapp`, or `registry.example.com:5000/myapp` for an
   * image to push. (Called `imageName` in earlier releases.)
   *
   * @default - `cdktf-wsgi/<construct path>`, lowercased
   */
  readonly repository?: string;

  /**
   * The image tag. A `WsgiService` needs the default, since it rolls out by a tag that changes.
   *
   * @default - 16 hex characters that change with the fingerprint and with the provider line: the
   * fingerprint's first 16 with kreuzwerker/docker 3.6.2, a digest of the fingerprint and the line
   * with 4.x (so an upgrade does not reuse the old image's name)
   */
  readonly imageTag?: string;

  /**
   * Labels set on the image (`LABEL` in the Dockerfile), for finding and cleaning up images by label.
   * Part of the fingerprint.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Keep the image in the local Docker image store when the resource is destroyed or replaced.
   *
   * @default false
   */
  readonly keepLocally?: boolean;

  /**
   * The docker provider whose engine builds and keeps this image, such as a `DockerProvider` with
   * an `alias` and another `host`. Every docker resource this construct creates uses it, the
   * registry push included, and so do the containers and services that run the image unless they
   * name a provider of their own. It must be a docker provider of the image's stack.
   *
   * @default - the stack's default docker provider (the one without an alias)
   */
  readonly provider?: TerraformProvider;
}

/** Properties of a {@link WsgiImage}. */
export interface WsgiImageProps extends WsgiImageOptions {
  /** The directory holding the app, its requirements file and its `.dockerignore`. */
  readonly source: string;

  /**
   * The WSGI callable or ASGI app as `module:callable` (`manager:app`, `mysite.wsgi:application`,
   * `main:app`), or an application factory as `module:factory()`, with the module relative to
   * `importRoot`.
   *
   * @default - detected by scanning the source for Django's wsgi.py, `Flask(...)`, `falcon.App()`,
   * `bottle.default_app()` / `Bottle()`, Pyramid's `config.make_wsgi_app()`, `FastAPI()`,
   * `Starlette()`, `Quart(...)`, `Litestar()`, Django's asgi.py, and factories building one;
   * exactly one must be found (a Django project's wsgi.py wins over its asgi.py)
   */
  readonly entrypoint?: string;
}
