import { Duration } from '../../duration';

/** A health check in Docker's terms, ready for the container resource. */
export interface RenderedHealthCheck {
  readonly test: string[];
  readonly interval: Duration;
  readonly timeout: Duration;
  readonly startPeriod: Duration;
  readonly retries: number;
}
