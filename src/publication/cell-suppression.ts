/**
 * Small-cell suppression with secondary (complementary) suppression, for any table whose
 * published figures are tied by sums: a row total equals its gender cells, a gender's total over
 * categories equals its category cells, and so on. Each sum is an {@link CellEquation}.
 *
 * The rule, applied until nothing changes:
 * 1. Primary: every cell below `k` is hidden (empty cells too, so that "<5" never tells
 *    "nobody" from "one or two people").
 * 2. Secondary: in every equation that has hidden members and visible ones,
 *    - one hidden member alone is never left with people in it (its value would be the total
 *      minus the visible members), and
 *    - when the equation's total is published, the hidden parts together hold either nobody or
 *      at least `k` people (else subtracting the visible parts from the total names a small group);
 *    otherwise the smallest visible member is hidden too, and the equations are checked again.
 * An equation whose members are all hidden reveals nothing beyond its total.
 *
 * What this leaves visible: the one thing subtraction can still tell is that a lone hidden cell
 * is empty. Nobody is behind an empty cell, so that is accepted.
 *
 * @example protectCells({ k: 5, cells: new Map([['woman', 7], ['man', 6], ['another', 1]]),
 *   equations: [{ total: 14, parts: ['woman', 'man', 'another'] }] })
 *   // Set { 'another', 'man' }: 'another' is under 5 and alone would be 14 − 7 − 6
 */

/** `total` is a published number (e.g. the week's reports) or another cell of the same table. */
export interface CellEquation {
  total: number | { cell: string };
  parts: readonly string[];
}

export interface ProtectCellsInput {
  /** Every publishable cell and its true count (0 for empty cells: list them too). */
  cells: ReadonlyMap<string, number>;
  equations: readonly CellEquation[];
  /** Cells under this count are hidden (the threshold, default 5). */
  k: number;
  /** Cells hidden before the rule runs (e.g. because a constituent period hid them). */
  alsoHidden?: Iterable<string>;
}

export function protectCells(input: ProtectCellsInput): Set<string> {
  const { cells, k } = input;
  const count = (key: string) => cells.get(key) ?? 0;
  const hidden = new Set<string>([...input.alsoHidden ?? []].filter((key) => cells.has(key)));
  for (const [key, value] of cells) if (value < k) hidden.add(key);

  for (let changed = true; changed; ) {
    changed = false;
    for (const equation of input.equations) {
      const totalCell = typeof equation.total === 'number' ? null : equation.total.cell;
      const members = totalCell ? [...equation.parts, totalCell] : [...equation.parts];
      const hiddenMembers = members.filter((m) => hidden.has(m));
      const visibleMembers = members.filter((m) => !hidden.has(m));
      if (hiddenMembers.length === 0 || visibleMembers.length === 0) continue;
      const loneWithPeople = hiddenMembers.length === 1 && count(hiddenMembers[0]!) > 0;
      const totalPublished = totalCell === null || !hidden.has(totalCell);
      const hiddenSum = equation.parts.filter((p) => hidden.has(p)).reduce((sum, p) => sum + count(p), 0);
      const smallRemainder = totalPublished && hiddenSum > 0 && hiddenSum < k;
      if (!loneWithPeople && !smallRemainder) continue;
      // Prefer hiding a part over the total cell, then the smallest, then by key (deterministic).
      const next = [...visibleMembers].sort(
        (a, b) => Number(a === totalCell) - Number(b === totalCell) || count(a) - count(b) || a.localeCompare(b),
      )[0]!;
      hidden.add(next);
      changed = true;
    }
  }
  return hidden;
}
