/**
 * Which manifest a `Dependencies` value names, and how to read it: what the public value object
 * hands to the manifest readers.
 *
 * @internal
 */
export interface DependenciesSpec {
  readonly kind: 'requirements' | 'pyproject' | 'poetry' | 'uv' | 'pipfile' | 'none';
  readonly file: string;
  readonly groups?: string[];
  readonly extras?: string[];
}
