import { goDuration } from '../../src/private/go-duration';

test.each([
  [0, '0s'], [500, '500ms'], [1000, '1s'], [1500, '1.5s'], [35_000, '35s'], [60_000, '1m'], [90_000, '1m30s'],
  [3_600_000, '1h'], [3_660_000, '1h1m'], [3_661_000, '1h1m1s'], [7_200_500, '2h0m0.5s'],
])('%d ms reads back from the provider as %s', (ms, text) => {
  expect(goDuration(ms)).toBe(text);
});
