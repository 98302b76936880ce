/**
 * The nearest-rank percentile: the smallest value such that at least `p`% of the values are at
 * or below it, i.e. the value at rank ⌈p/100 × n⌉ of the sorted list. Chosen because it always
 * returns a time some ticket really took (no interpolation between two residents' tickets),
 * and a committee member can check it by hand. The median is its 50th percentile, so with an
 * even count it is the lower of the two middle values.
 *
 * @example nearestRankPercentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) // 90
 */
export function nearestRankPercentile(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
