/**
 * A health check in Docker's terms, ready for a container or a service: what a `HealthCheck`
 * renders, handed to the runners. Durations are in milliseconds.
 *
 * @internal
 */
export interface RenderedHealthCheck {
  readonly test: string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly startPeriodMs: number;
  /** Only where given: an engine before API 1.44 refuses a container that has one. */
  readonly startIntervalMs?: number;
  readonly retries: number;
}
