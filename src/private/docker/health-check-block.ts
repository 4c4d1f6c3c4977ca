import { RenderedHealthCheck } from '../core/rendered-health-check';

/**
 * A rendered health check as the provider's `healthcheck` block takes it, for a container and a
 * service alike. Each resource reads durations back in its own form (`goDuration` for a
 * container, `goShortDuration` for a service), so the block is written in that form, or every plan
 * would show an in-place update. `docker_service` has no `start_interval` (3.6.2 and 4.x), so a
 * service's block leaves it out.
 *
 * @internal
 */
export function healthCheckBlock(check: RenderedHealthCheck, duration: (milliseconds: number) => string, withStartInterval: boolean) {
  return {
    test: check.test,
    interval: duration(check.intervalMs),
    timeout: duration(check.timeoutMs),
    startPeriod: duration(check.startPeriodMs),
    startInterval: withStartInterval && check.startIntervalMs !== undefined ? duration(check.startIntervalMs) : undefined,
    retries: check.retries,
  };
}
