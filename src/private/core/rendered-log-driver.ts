/**
 * A logging driver in Docker's terms, ready for a container or a service: what a `LogDriver`
 * renders, handed to the runners.
 *
 * @internal
 */
export interface RenderedLogDriver {
  readonly driver: string;
  /** The driver's options, sorted by name. */
  readonly options: { [name: string]: string };
}

/** The options as a runner's resource takes them: none at all rather than an empty map. @internal */
export function logOptionsOf(logging: RenderedLogDriver): { [name: string]: string } | undefined {
  return Object.keys(logging.options).length > 0 ? logging.options : undefined;
}
