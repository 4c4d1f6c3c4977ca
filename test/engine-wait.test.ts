import { waitFor, within } from './engine/wait';

const never = () => new Promise<boolean>(() => undefined);

describe('within', () => {
  test('gives the value, the error, or hung', async () => {
    expect(await within(Promise.resolve(7), 1_000)).toEqual({ kind: 'value', value: 7 });
    expect(await within(Promise.reject(new Error('no')), 1_000)).toEqual({ kind: 'error', error: new Error('no') });
    expect(await within(never(), 50)).toEqual({ kind: 'hung' });
  });
});

describe('waitFor', () => {
  test('returns once the condition holds, after trying again on false and on errors', async () => {
    let calls = 0;
    const ms = await waitFor('the third call', async () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls === 3;
    }, 5_000);
    expect(calls).toBe(3);
    // The elapsed time it returns spans its two 250 ms pauses between attempts (timers never fire early by more than a millisecond).
    expect(ms).toBeGreaterThanOrEqual(498);
  });

  // A probe that never answers: without the bound, this wait would never end (the test's timeout fails it).
  test('ends when a probe hangs, and says so', async () => {
    await expect(waitFor('a hung probe', never, 1_500, 300)).rejects.toThrow(
      /^timed out after 1500 ms waiting for a hung probe; at the last attempt it did not answer within 1000 ms$/);
  }, 20_000);

  test('says what the last attempt did when it was false or threw', async () => {
    await expect(waitFor('false', async () => false, 300)).rejects.toThrow(
      'timed out after 300 ms waiting for false; at the last attempt the condition was false');
    await expect(waitFor('a throw', async () => { throw new Error('refused'); }, 300)).rejects.toThrow(
      'timed out after 300 ms waiting for a throw; at the last attempt it threw refused');
  });
});
