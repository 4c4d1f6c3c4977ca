/**
 * What a release command is checked against: the facts of the image it runs in. The image's
 * runtime contract (`private/docker/runtime.ts`) has them all.
 *
 * @internal
 */
export interface ReleaseTarget {
  /** The image construct's path, for messages. */
  readonly imagePath: string;
  /** The app the image serves, `module:callable`, for messages. */
  readonly entrypoint: string;
  /** The Procfile's `release:` line, split, if it has one. */
  readonly procfileRelease?: string[];
  /** The Django project the image holds, if it is one. */
  readonly django?: { readonly settingsModule: string };
}
