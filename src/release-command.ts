import { ReleaseTarget } from './private/core/release-target';
import { fail, Locatable, requireSingleLine } from './private/core/validation';

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

  /**
   * The command for an image, checked against it: the Procfile's line resolved, Django's migrate
   * only for a Django project. Errors name `site` and `releaseCommand`.
   *
   * @internal
   */
  public _bind(site: Locatable, runtime: ReleaseTarget): { argv: string[]; environment: { [name: string]: string } } {
    let argv = [...this.argv];
    if (this.procfile) {
      if (runtime.procfileRelease === undefined) {
        fail(site, 'releaseCommand', 'ReleaseCommand.fromProcfile()', `needs a release: line in the Procfile of ${runtime.imagePath}, which has none`,
          'add a release: line to the Procfile, or use ReleaseCommand.exec([...])');
      }
      argv = [...runtime.procfileRelease];
    }
    if (argv.length === 0) {
      fail(site, 'releaseCommand', argv, 'is empty', 'give the program and its arguments, e.g. ReleaseCommand.exec(["python3", "manage.py", "migrate"])');
    }
    argv.forEach((a, i) => requireSingleLine(site, `releaseCommand[${i}]`, a));
    if (this.django && runtime.django === undefined) {
      fail(site, 'releaseCommand', argv.join(' '), `runs Django's migrate, but ${runtime.imagePath} is not a Django project (its entrypoint is ${runtime.entrypoint})`,
        'use ReleaseCommand.exec() with the command your app needs');
    }
    // migrate needs the settings module; the app container gets it from the image's ENV or the
    // user, the release container from here unless the user sets it.
    const environment: { [name: string]: string } = this.django && runtime.django ? { DJANGO_SETTINGS_MODULE: runtime.django.settingsModule } : {};
    return { argv, environment };
  }
}
