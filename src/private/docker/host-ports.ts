import { IConstruct } from 'constructs';

/** One host address, port and protocol a container listens on. */
export interface HostBinding {
  readonly hostPort: number;
  readonly hostIp: string;
  readonly protocol: string;
}

/** Anything in an app that takes host ports: the check compares each with all the others. */
export interface HostPortHolder extends IConstruct {
  /** @internal */
  _published(): HostBinding[];
}

const REGISTRY_SYMBOL = Symbol.for('cdktf-wsgi.hostPortHolders');

/**
 * The host-port holders of an app, kept on its root (under a global symbol, so copies of the
 * library share it): the check compares each with the others without walking the whole tree once
 * per container or service.
 */
export function hostPortHolders(root: IConstruct): HostPortHolder[] {
  const holder = root as unknown as { [REGISTRY_SYMBOL]?: HostPortHolder[] };
  if (holder[REGISTRY_SYMBOL] === undefined) {
    Object.defineProperty(holder, REGISTRY_SYMBOL, { value: [], enumerable: false });
  }
  return holder[REGISTRY_SYMBOL]!;
}

/** Two listeners clash on the same port and protocol when the addresses match or one is a wildcard. */
export function bindingsOverlap(a: HostBinding, b: HostBinding): boolean {
  if (a.hostPort !== b.hostPort || a.protocol !== b.protocol) {
    return false;
  }
  const wildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';
  return a.hostIp === b.hostIp || wildcard(a.hostIp) || wildcard(b.hostIp);
}

/** The errors for `self`'s bindings that another holder of the same app also takes. */
export function findHostPortConflicts(self: HostPortHolder): string[] {
  const errors: string[] = [];
  for (const other of hostPortHolders(self.node.root)) {
    if (other === self) {
      continue;
    }
    for (const a of self._published()) {
      for (const b of other._published()) {
        if (bindingsOverlap(a, b)) {
          errors.push(`${self.node.path}: 'publish' "${a.hostIp}:${a.hostPort}/${a.protocol}" is also published by ${other.node.path} ` +
            `("${b.hostIp}:${b.hostPort}/${b.protocol}"), so one of the two would fail to start. Fix: give each container and service its own host port`);
        }
      }
    }
  }
  return errors;
}
