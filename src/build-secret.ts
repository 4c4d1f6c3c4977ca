/**
 * Where a build-time secret comes from when the image is built. The value never enters the
 * Terraform configuration, an image layer, the image config or its history: BuildKit mounts it
 * for the dependency install step only. A secret that is missing or empty when the image builds
 * fails that step with `build secret <NAME> is missing or empty`.
 */
export abstract class BuildSecret {
  /**
   * The value of an environment variable of the process that runs the build (`terraform apply`).
   * @param variable the environment variable's name, e.g. `PRIVATE_INDEX_URL`
   */
  public static fromEnvironment(variable: string): BuildSecret {
    return new EnvBuildSecret(variable);
  }

  /**
   * The contents of a file on the machine that runs the build.
   * @param path the file's path, absolute or relative to Terraform's working directory
   */
  public static fromFile(path: string): BuildSecret {
    return new FileBuildSecret(path);
  }

  /** @internal */
  public abstract _source(): { env?: string; src?: string };
}

class EnvBuildSecret extends BuildSecret {
  constructor(private readonly variable: string) {
    super();
  }

  public _source() {
    return { env: this.variable };
  }
}

class FileBuildSecret extends BuildSecret {
  constructor(private readonly path: string) {
    super();
  }

  public _source() {
    return { src: this.path };
  }
}
