import { compareReleases, releaseNumbersOf } from '../../src/private/core/version';

describe('release numbers', () => {
  test('compare part by part, a missing part counting as 0', () => {
    expect(compareReleases([4, 6], [4, 6, 0])).toBe(0);
    expect(compareReleases([3, 6, 2], [4, 6, 0])).toBeLessThan(0);
    expect(compareReleases([4, 10], [4, 9, 9])).toBeGreaterThan(0);
    expect(compareReleases([0, 30], [0, 30, 1])).toBeLessThan(0);
    expect(compareReleases([], [0])).toBe(0);
  });

  test('are read from a package version up to its first part that is not a number', () => {
    expect(releaseNumbersOf('0.30.1')).toEqual([0, 30, 1]);
    expect(releaseNumbersOf('1.0rc1')).toEqual([1, 0]);
    expect(releaseNumbersOf('2.1+local.7')).toEqual([2, 1]);
    expect(releaseNumbersOf('1!2.0')).toEqual([1, 2, 0]);
    expect(releaseNumbersOf('dev')).toEqual([]);
  });
});
