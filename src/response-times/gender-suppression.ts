/**
 * Small-cell suppression for gender breakdowns. In a town of 3,000 people, "1 complaint from
 * another identity, answered in 40 minutes" points at one person, so gender cells smaller than
 * `k` are merged into one `suppressed` cell. If only one cell would be merged, the next
 * smallest is merged with it, so the suppressed cell never holds a single gender that readers
 * could work out by elimination from the visible cells.
 */
import type { Gender } from '../domain/resident';

/** `not_recorded`: the resident never answered the gender question. */
export type GenderGroup = Gender | 'not_recorded' | 'suppressed';

export const DEFAULT_MIN_GENDER_GROUP_SIZE = 5;

/**
 * Regroups one stratum's items (e.g. one locality and category) by gender group.
 *
 * @example suppressSmallGenderGroups(new Map([['woman', w12], ['man', m9], ['another', a1]]), 5)
 *   // Map { 'woman' => w12, 'suppressed' => [...m9, ...a1] }
 */
export function suppressSmallGenderGroups<T>(
  cells: ReadonlyMap<Exclude<GenderGroup, 'suppressed'>, T[]>,
  k: number,
): Map<GenderGroup, T[]> {
  const entries = [...cells.entries()].filter(([, items]) => items.length > 0);
  const small = entries.filter(([, items]) => items.length < k);
  if (small.length === 0) return new Map(entries);
  const visible = entries.filter(([, items]) => items.length >= k).sort((a, b) => a[1].length - b[1].length);
  if (small.length === 1 && visible.length > 0) small.push(visible.shift()!);
  const result = new Map<GenderGroup, T[]>(visible);
  result.set('suppressed', small.flatMap(([, items]) => items));
  return result;
}
