/**
 * A published table of counts broken down by the reporter's gender: one row per stratum (a
 * category, a locality…) with its total shown as it is, the five gender groups as protected
 * cells, and an `all` row with each gender's total over the strata. Every sum that ties the
 * figures together is an equation for {@link protectCells}, so neither a row total, nor a
 * gender's total, nor the other groups can be subtracted to uncover a hidden cell.
 *
 * @example publishGenderTable({ k: 5, strata: ['outage'], counts: [
 *   { stratum: 'outage', gender: 'woman', count: 7 }, { stratum: 'outage', gender: 'man', count: 6 },
 *   { stratum: 'outage', gender: 'another', count: 1 }] })
 *   // rows[0].cells: woman 7, man '<5', another '<5', undisclosed '<5', not_recorded '<5'; rows[0].total 14
 */
import type { Gender } from '../domain/resident';
import { protectCells, type CellEquation } from './cell-suppression';
import { plainCount, publishedCount, type PublishedCount } from './published-value';

/** `not_recorded`: the resident never answered the (optional) gender question. */
export const PUBLISHED_GENDER_GROUPS = ['woman', 'man', 'another', 'undisclosed', 'not_recorded'] as const;
export type PublishedGenderGroup = (typeof PUBLISHED_GENDER_GROUPS)[number];

export function genderGroupOf(gender: Gender | null | undefined): PublishedGenderGroup {
  return gender ?? 'not_recorded';
}

export interface GenderCount {
  stratum: string;
  gender: PublishedGenderGroup;
  count: number;
}

export interface GenderRow {
  stratum: string;
  total: PublishedCount;
  cells: Record<PublishedGenderGroup, PublishedCount>;
}

export interface PublishedGenderTable {
  minCellSize: number;
  rows: GenderRow[];
  /** Each gender over all strata; `total` is the grand total. */
  all: GenderRow;
  /** Which cells are hidden (`<stratum>|<gender>`, `*|<gender>` for the `all` row), for medians beside them. */
  isHidden(stratum: string | '*', gender: PublishedGenderGroup): boolean;
}

export interface PublishGenderTableInput {
  k: number;
  /** Every stratum to show, in order (strata without reports get a row of empty cells). */
  strata: readonly string[];
  counts: readonly GenderCount[];
  /**
   * Cells to hide whatever their count, as `<stratum>|<gender>` or `*|<gender>`: e.g. those an
   * aggregate over weeks must hide because a constituent week hid them.
   */
  alsoHidden?: Iterable<string>;
}

const cellKey = (stratum: string, gender: PublishedGenderGroup) => `${stratum}|${gender}`;

export function publishGenderTable(input: PublishGenderTableInput): PublishedGenderTable {
  const cells = new Map<string, number>();
  for (const stratum of [...input.strata, '*']) for (const g of PUBLISHED_GENDER_GROUPS) cells.set(cellKey(stratum, g), 0);
  const rowTotals = new Map<string, number>(input.strata.map((s) => [s, 0]));
  for (const { stratum, gender, count } of input.counts) {
    if (!rowTotals.has(stratum)) continue;
    cells.set(cellKey(stratum, gender), cells.get(cellKey(stratum, gender))! + count);
    cells.set(cellKey('*', gender), cells.get(cellKey('*', gender))! + count);
    rowTotals.set(stratum, rowTotals.get(stratum)! + count);
  }
  const grandTotal = [...rowTotals.values()].reduce((a, b) => a + b, 0);

  const equations: CellEquation[] = [
    ...input.strata.map((s) => ({ total: rowTotals.get(s)!, parts: PUBLISHED_GENDER_GROUPS.map((g) => cellKey(s, g)) })),
    { total: grandTotal, parts: PUBLISHED_GENDER_GROUPS.map((g) => cellKey('*', g)) },
    ...PUBLISHED_GENDER_GROUPS.map((g) => ({ total: { cell: cellKey('*', g) }, parts: input.strata.map((s) => cellKey(s, g)) })),
  ];
  const hidden = protectCells({ cells, equations, k: input.k, alsoHidden: input.alsoHidden });

  const row = (stratum: string, total: number): GenderRow => ({
    stratum,
    total: plainCount(total),
    cells: Object.fromEntries(
      PUBLISHED_GENDER_GROUPS.map((g) => [g, publishedCount(cells.get(cellKey(stratum, g))!, hidden.has(cellKey(stratum, g)), input.k)]),
    ) as Record<PublishedGenderGroup, PublishedCount>,
  });
  return {
    minCellSize: input.k,
    rows: input.strata.map((s) => row(s, rowTotals.get(s)!)),
    all: row('*', grandTotal),
    isHidden: (stratum, gender) => hidden.has(cellKey(stratum, gender)),
  };
}

/**
 * Gender cells of an aggregate over several published weeks (a month, 4 or 13 weeks) are shown
 * only where every constituent week showed that cell: then the aggregate is a sum of figures
 * already public and adds nothing an attacker could subtract (overlapping windows, a month
 * minus its weeks, this 4-week window minus last week's). Returns the cells to pass as
 * `alsoHidden` to {@link publishGenderTable} for the aggregate.
 */
export function cellsHiddenInAnyWeek(weeks: readonly PublishedGenderTable[], strata: readonly string[]): Set<string> {
  const hidden = new Set<string>();
  for (const week of weeks) {
    for (const stratum of [...strata, '*']) {
      for (const g of PUBLISHED_GENDER_GROUPS) if (week.isHidden(stratum, g)) hidden.add(cellKey(stratum, g));
    }
  }
  return hidden;
}

/**
 * The gender table of a span of whole ISO weeks: each week's table first, then the span's,
 * hiding every cell any week hid (see {@link cellsHiddenInAnyWeek}). For one week it is that
 * week's table, so the API, the page and the summary agree cell for cell.
 */
export function publishGenderTableOverWeeks(input: {
  k: number;
  strata: readonly string[];
  weekCounts: ReadonlyArray<readonly GenderCount[]>;
}): PublishedGenderTable {
  const weekly = input.weekCounts.map((counts) => publishGenderTable({ k: input.k, strata: input.strata, counts }));
  return publishGenderTable({
    k: input.k,
    strata: input.strata,
    counts: input.weekCounts.flat(),
    alsoHidden: weekly.length > 1 ? cellsHiddenInAnyWeek(weekly, input.strata) : [],
  });
}
