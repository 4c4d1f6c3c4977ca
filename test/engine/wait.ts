/** Bounded waiting for the engine suites: no probe may outlast the deadline of its wait. */

/** What a promise did within a deadline: its value, its error, or nothing yet. */
type Outcome<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'hung' };

/**
 * Waits at most `ms` for a promise. A Docker call has no timeout of its own, and a daemon busy
 * restarting a container can hold one for a minute, so every probe of a wait is bounded by this.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome<T>>(ok => { timer = setTimeout(() => ok({ kind: 'hung' }), ms); });
  try {
    return await Promise.race([
      promise.then(value => ({ kind: 'value', value }) as Outcome<T>, error => ({ kind: 'error', error }) as Outcome<T>),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls until fn resolves truthy or the deadline passes; returns the elapsed milliseconds. Each
 * attempt is cut off at the time left (and at `attemptMs`), so the wait ends on time even when a
 * probe hangs, and the error says what the last attempt did.
 */
export async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number, attemptMs = 15_000): Promise<number> {
  const started = Date.now();
  let last = 'no attempt finished';
  for (;;) {
    const left = timeoutMs - (Date.now() - started);
    const budget = Math.max(1_000, Math.min(attemptMs, left));
    const outcome = await within(fn(), budget);
    if (outcome.kind === 'value' && outcome.value) return Date.now() - started;
    last = outcome.kind === 'value' ? 'the condition was false'
      : outcome.kind === 'error' ? `it threw ${(outcome.error as Error)?.message ?? String(outcome.error)}`
        : `it did not answer within ${budget} ms`;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; at the last attempt ${last}`);
    await new Promise(r => setTimeout(r, 250));
  }
}
