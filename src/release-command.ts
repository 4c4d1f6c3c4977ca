/**
 * A one-off command a {@link WsgiContainer} runs from its image before the app container starts,
 * whenever the image changes (the "release phase"): database migrations, cache warm-up. It runs in
 * its own container with the app's environment, volumes, networks and hardening; when it exits
 * with a non-zero status the deploy fails with its output, before the app container is created.
 */
export class ReleaseCommand {
  /**
   * Runs `argv` (exec form, no shell) in the image's working directory `/app`.
   *
   * @param argv the program and its arguments, e.g. `["python3", "-m", "flask", "db", "upgrade"]`
   */
  public static exec(argv: string[]): ReleaseCommand {
    return new ReleaseCommand([...argv], false);
  }

  /**
   * Django's `migrate --noinput --no-color`, with `DJANGO_SETTINGS_MODULE` set to the image's
   * settings module. Only for images of Django projects.
   */
  public static djangoMigrate(): ReleaseCommand {
    // --no-color: the release container has a terminal, and its output is kept as text.
    return new ReleaseCommand(['python3', '-m', 'django', 'migrate', '--noinput', '--no-color'], true);
  }

  /**
   * The `release:` line of the image's Procfile (Heroku's release phase), split as a shell would
   * and run without a shell. Only for images whose source has a Procfile with a release: line.
   */
  public static fromProcfile(): ReleaseCommand {
    return new ReleaseCommand([], false, true);
  }

  private constructor(private readonly argv: string[], private readonly django: boolean, private readonly procfile = false) {}

  /** @internal */
  public _render(): { argv: string[]; django: boolean; procfile: boolean } {
    return { argv: [...this.argv], django: this.django, procfile: this.procfile };
  }
}
