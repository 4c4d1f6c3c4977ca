import { DependenciesSpec } from './private/core/dependencies-spec';

/** Options of {@link Dependencies.poetryLock}. */
export interface PoetryLockOptions {
  /**
   * The lock file, relative to `source`; pyproject.toml must sit next to it.
   *
   * @default 'poetry.lock'
   */
  readonly file?: string;

  /**
   * Dependency groups to install besides `main`. Dev groups stay out of the image unless named here.
   *
   * @default - only the main group
   */
  readonly groups?: string[];
}

/** Options of {@link Dependencies.uvLock}. */
export interface UvLockOptions {
  /**
   * The lock file, relative to `source`.
   *
   * @default 'uv.lock'
   */
  readonly file?: string;

  /**
   * Dependency groups (`[dependency-groups]` / `tool.uv.dev-dependencies`) to install. The `dev`
   * group stays out of the image unless named here.
   *
   * @default - no groups
   */
  readonly groups?: string[];

  /**
   * Extras of the project (`[project.optional-dependencies]`) to install.
   *
   * @default - no extras
   */
  readonly extras?: string[];
}

/** Options of {@link Dependencies.pyproject}. */
export interface PyprojectOptions {
  /**
   * The pyproject.toml, relative to `source`.
   *
   * @default 'pyproject.toml'
   */
  readonly file?: string;

  /**
   * Extras of `[project.optional-dependencies]` to install with the dependencies.
   *
   * @default - no extras
   */
  readonly extras?: string[];
}

/**
 * Where a {@link WsgiImage} finds the app's Python dependencies. Lock files are translated at
 * synth into one pinned requirements file (hashes kept when the lock has them for every package),
 * so the image needs neither poetry, uv nor pipenv.
 *
 * When `dependencies` is not set, the source directory is searched, in this order, for
 * `poetry.lock`, `uv.lock`, `Pipfile.lock`, `requirements.txt` and a `pyproject.toml` with PEP 621
 * dependencies; a lock wins because it is exact.
 */
export class Dependencies {
  /**
   * A pip requirements file. `-r` and `-c` includes, environment markers, `--hash` lines and
   * options are passed to pip unchanged; included files are copied into the dependency layer.
   *
   * @param file the file, relative to `source`; default 'requirements.txt'
   */
  public static requirementsFile(file?: string): Dependencies {
    return new Dependencies({ kind: 'requirements', file: file ?? 'requirements.txt' });
  }

  /** PEP 621 `[project] dependencies` of a pyproject.toml, resolved by pip at build time. */
  public static pyproject(options: PyprojectOptions = {}): Dependencies {
    return new Dependencies({ kind: 'pyproject', file: options.file ?? 'pyproject.toml', extras: options.extras ?? [] });
  }

  /** A `poetry.lock`, pinned exactly. */
  public static poetryLock(options: PoetryLockOptions = {}): Dependencies {
    return new Dependencies({ kind: 'poetry', file: options.file ?? 'poetry.lock', groups: options.groups ?? [] });
  }

  /** A `uv.lock`, pinned exactly. */
  public static uvLock(options: UvLockOptions = {}): Dependencies {
    return new Dependencies({ kind: 'uv', file: options.file ?? 'uv.lock', groups: options.groups ?? [], extras: options.extras ?? [] });
  }

  /**
   * A `Pipfile.lock`, pinned exactly; only its `default` section is installed.
   *
   * @param file the file, relative to `source`; default 'Pipfile.lock'
   */
  public static pipfileLock(file?: string): Dependencies {
    return new Dependencies({ kind: 'pipfile', file: file ?? 'Pipfile.lock' });
  }

  /** No third-party dependencies besides gunicorn (an app on the standard library alone). */
  public static none(): Dependencies {
    return new Dependencies({ kind: 'none', file: '' });
  }

  private constructor(private readonly spec: DependenciesSpec) {}

  /** @internal */
  public _spec(): DependenciesSpec {
    return this.spec;
  }
}
