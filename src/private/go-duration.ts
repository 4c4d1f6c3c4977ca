/**
 * A duration as provider 3.6.2 reads a service's durations back (Go's `time.Duration.String()`,
 * then "1m0s" shortened to "1m" and "1h0m" to "1h"): written any other way ("60s"), every plan
 * would show the service as changed.
 */
export function goDuration(milliseconds: number): string {
  if (milliseconds === 0) {
    return '0s';
  }
  if (milliseconds < 1000) {
    return `${milliseconds}ms`;
  }
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const seconds = (milliseconds % 60_000) / 1000;
  let text = `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
  if (text.endsWith('m0s')) text = text.slice(0, -2);
  if (text.endsWith('h0m')) text = text.slice(0, -2);
  return text;
}
