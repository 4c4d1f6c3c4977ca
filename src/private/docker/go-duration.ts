/**
 * Durations as provider 3.6.2 reads them back from Docker. Written any other way ("60s" where it
 * reads "1m0s"), every plan would show the resource as changed.
 */

/** Go's `time.Duration.String()` for a non-negative whole number of milliseconds: a container's health check. */
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
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

/** The same, shortened as the provider does for a service ("1m0s" to "1m", "1h0m" to "1h"). */
export function goShortDuration(milliseconds: number): string {
  let text = goDuration(milliseconds);
  if (text.endsWith('m0s')) text = text.slice(0, -2);
  if (text.endsWith('h0m')) text = text.slice(0, -2);
  return text;
}
