import { LogDriver } from '../../log-driver';
import { RenderedLogDriver } from '../core/rendered-log-driver';
import { fail, Locatable, requireInteger, requireLabels, requireLiteral, requireNetworks } from '../core/validation';

/** The options a container and a service share that need no knowledge of either (`WsgiRunnerOptions`). @internal */
export interface SharedRunnerOptions {
  readonly memoryMiB?: number;
  readonly cpus?: number;
  readonly tmpSizeMiB?: number;
  readonly networks?: string[];
  readonly labels?: { [key: string]: string };
  readonly logging?: LogDriver;
}

/** Those options, checked, with the defaults filled in. @internal */
export interface CheckedRunnerOptions {
  readonly memoryMiB?: number;
  readonly cpus?: number;
  readonly networks: string[];
  /** The user's labels, sorted, as the providers' label blocks take them. */
  readonly labels: Array<{ label: string; value: string }>;
  readonly logging: RenderedLogDriver;
}

/**
 * Checks what both runners share, in the order of `WsgiRunnerOptions`' docs, before any resource
 * exists; `reservedLabels` are the runner's own label keys.
 *
 * @internal
 */
export function checkRunnerOptions(site: Locatable, props: SharedRunnerOptions, reservedLabels: string[] = []): CheckedRunnerOptions {
  requireMemoryMiB(site, 'memoryMiB', props.memoryMiB);
  requireCpus(site, 'cpus', props.cpus);
  if (props.tmpSizeMiB !== undefined) {
    requireInteger(site, 'tmpSizeMiB', props.tmpSizeMiB, 1, 1024 * 1024, 'use a size in MiB such as 64');
  }
  const networks = props.networks ?? [];
  requireNetworks(site, networks);
  const labels = requireLabels(site, props.labels ?? {}, reservedLabels);
  return {
    memoryMiB: props.memoryMiB,
    cpus: props.cpus,
    networks,
    labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
    logging: (props.logging ?? LogDriver._default())._bind(site),
  };
}

/** A memory amount in MiB, from Docker's minimum; undefined means no limit. @internal */
export function requireMemoryMiB(site: Locatable, property: string, value: number | undefined): void {
  if (value !== undefined) {
    requireInteger(site, property, value, 6, 2 ** 31 - 1, 'use at least 6 MiB (Docker\'s minimum); a WSGI app usually needs 128 or more');
  }
}

/** A positive number of CPUs; undefined means no limit. @internal */
export function requireCpus(site: Locatable, property: string, value: number | undefined): void {
  if (value === undefined) return;
  requireLiteral(site, property, value);
  if (!(value > 0) || !Number.isFinite(value)) {
    fail(site, property, value, 'must be a positive number of CPUs', 'use a value such as 0.5 or 2');
  }
}
