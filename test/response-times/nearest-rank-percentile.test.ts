import { nearestRankPercentile } from '../../src/response-times/nearest-rank-percentile';

describe('nearest-rank percentile', () => {
  const tens = [100, 30, 10, 90, 50, 20, 70, 40, 80, 60];

  it('the 90th percentile of 10..100 is 90 and the median is 50, whatever the input order', () => {
    expect(nearestRankPercentile(tens, 90)).toBe(90);
    expect(nearestRankPercentile(tens, 50)).toBe(50);
  });

  it('the median of an odd count is the middle value', () => {
    expect(nearestRankPercentile([7, 1, 3, 9, 5], 50)).toBe(5);
  });

  it('the 90th percentile of 5 values is the largest (rank ⌈4.5⌉ = 5)', () => {
    expect(nearestRankPercentile([7, 1, 3, 9, 5], 90)).toBe(9);
  });

  it('always returns a value that occurs in the data', () => {
    expect(nearestRankPercentile([1, 2, 3, 100], 50)).toBe(2);
  });

  it('no values has no percentile', () => {
    expect(nearestRankPercentile([], 50)).toBeNull();
  });

  it('does not reorder the caller\'s array', () => {
    const values = [3, 1, 2];
    nearestRankPercentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses a percentile outside (0, 100]', () => {
    expect(() => nearestRankPercentile([1], 0)).toThrow(RangeError);
    expect(() => nearestRankPercentile([1], 101)).toThrow(RangeError);
  });
});
