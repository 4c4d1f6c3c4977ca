import { goDuration, goShortDuration } from '../../src/private/docker/go-duration';

test.each([
  [0, '0s', '0s'], [500, '500ms', '500ms'], [1000, '1s', '1s'], [1500, '1.5s', '1.5s'], [35_000, '35s', '35s'], [60_000, '1m0s', '1m'],
  [90_000, '1m30s', '1m30s'], [3_600_000, '1h0m0s', '1h'], [3_660_000, '1h1m0s', '1h1m'], [3_661_000, '1h1m1s', '1h1m1s'], [7_200_500, '2h0m0.5s', '2h0m0.5s'],
])('%d ms reads back from a container as %s, from a service as %s', (ms, container, service) => {
  expect(goDuration(ms)).toBe(container);
  expect(goShortDuration(ms)).toBe(service);
});
