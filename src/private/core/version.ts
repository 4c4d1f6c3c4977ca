/**
 * Release numbers, compared part by part: the one comparator of provider, Python and package
 * versions. A missing part counts as 0, so `4.6` equals `4.6.0`.
 *
 * @internal
 */
export type ReleaseNumbers = readonly number[];

/** Negative, zero or positive as `a` is older than, the same release as, or newer than `b`. */
export function compareReleases(a: ReleaseNumbers, b: ReleaseNumbers): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The leading release numbers of a version as packages write it (`0.30.1`, `1.0rc1`, `2.1+local`):
 * the parts before the first that is not a number, each read as its leading digits.
 */
export function releaseNumbersOf(version: string): number[] {
  const parts: number[] = [];
  for (const part of version.split(/[.+!-]/)) {
    const n = Number.parseInt(part, 10);
    if (Number.isNaN(n)) break;
    parts.push(n);
  }
  return parts;
}
