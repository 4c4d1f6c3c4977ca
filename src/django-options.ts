/** Django-specific build settings of a {@link WsgiImage}; used when the app is a Django project. */
export interface DjangoOptions {
  /**
   * The settings module, such as `mysite.settings.production`. When set, the image also sets
   * `DJANGO_SETTINGS_MODULE` to it.
   *
   * @default - the module the project's wsgi.py (or manage.py) names with `DJANGO_SETTINGS_MODULE`
   */
  readonly settingsModule?: string;

  /**
   * Run `collectstatic` while building the image, so the static files are in the image (served
   * by WhiteNoise or read by a proxy).
   *
   * @default - true when the settings define `STATIC_ROOT`
   */
  readonly collectStatic?: boolean;

  /**
   * Environment variables for the `collectstatic` step only, for settings that read more than
   * `SECRET_KEY` from the environment at import. Variables that SECRET_KEY is read from get a
   * placeholder automatically. Visible in the image history: never real secrets.
   *
   * @default - only the SECRET_KEY placeholders
   */
  readonly buildEnvironment?: { [name: string]: string };
}
