import { IConstruct } from 'constructs';

/**
 * A lowercase, dash-joined form of a construct's path below the app (`stack-web`), usable in image
 * and container names. Stable: it changes only when construct IDs change.
 */
export function pathSlug(scope: IConstruct): string {
  return scope.node.scopes.slice(1)
    .map(s => s.node.id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(part => part.length > 0)
    .join('-');
}
