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
  readonly retries: number;
}
