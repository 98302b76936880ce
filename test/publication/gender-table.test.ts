/**
 * The publication rule under attack: for every table, the test plays the attacker — subtracts the
 * visible cells from each published total and from each gender's total — and checks that no hidden
 * cell with people in it is ever left alone or within a remainder under the threshold.
 */
import { protectCells } from '../../src/publication/cell-suppression';
import { cellsHiddenInAnyWeek, publishGenderTable, PUBLISHED_GENDER_GROUPS, type GenderCount, type PublishedGenderTable } from '../../src/publication/gender-table';

const K = 5;

function counts(rows: Record<string, Partial<Record<(typeof PUBLISHED_GENDER_GROUPS)[number], number>>>): GenderCount[] {
  return Object.entries(rows).flatMap(([stratum, cells]) => Object.entries(cells).map(([gender, count]) => ({ stratum, gender: gender as GenderCount['gender'], count: count! })));
}

/** What subtraction recovers: for each published sum, total minus the visible parts. */
function remainders(table: PublishedGenderTable): number[] {
  const lines = [...table.rows, table.all].map((row) => {
    const visible = PUBLISHED_GENDER_GROUPS.reduce((s, g) => s + (row.cells[g].value ?? 0), 0);
    const hiddenCount = PUBLISHED_GENDER_GROUPS.filter((g) => row.cells[g].value === null).length;
    return { remainder: row.total.value! - visible, hiddenCount, parts: PUBLISHED_GENDER_GROUPS.length };
  });
  const columns = PUBLISHED_GENDER_GROUPS.flatMap((g) => {
    const total = table.all.cells[g].value;
    if (total === null) return [];
    const visible = table.rows.reduce((s, r) => s + (r.cells[g].value ?? 0), 0);
    return [{ remainder: total - visible, hiddenCount: table.rows.filter((r) => r.cells[g].value === null).length, parts: table.rows.length }];
  });
  // A sum whose parts are all hidden tells its total only, not how it splits.
  return [...lines, ...columns].filter((l) => l.hiddenCount > 0 && l.hiddenCount < l.parts).map((l) => l.remainder);
}

describe('the publication rule for gender cells', () => {
  it('suppresses a small cell together with the next smallest, so the total minus the rest does not give it', () => {
    const table = publishGenderTable({ k: K, strata: ['outage'], counts: counts({ outage: { woman: 7, man: 6, another: 1 } }) });
    const row = table.rows[0]!;
    expect(row.total.display).toBe('14');
    expect(row.cells.woman.display).toBe('7');
    expect(row.cells.man.display).toBe('<5');
    expect(row.cells.another.display).toBe('<5');
    for (const r of remainders(table)) expect(r === 0 || r >= K).toBe(true);
  });

  it('shows a suppressed cell and an empty cell identically', () => {
    const table = publishGenderTable({ k: K, strata: ['leak'], counts: counts({ leak: { woman: 9, man: 8, another: 2, undisclosed: 3 } }) });
    const row = table.rows[0]!;
    expect(row.cells.another).toEqual(row.cells.not_recorded);
    expect(row.cells.another).toEqual({ value: null, display: '<5' });
  });

  it('attack by the other groups: a gender hidden in one category is also hidden in another, so its total over categories gives nothing away', () => {
    // Men: 1 in outage (hidden), 9 in leak (visible), total 10 visible → 10 − 9 = 1 would name the man.
    const table = publishGenderTable({
      k: K,
      strata: ['outage', 'leak'],
      counts: counts({ outage: { woman: 12, man: 1, another: 6 }, leak: { woman: 8, man: 9, another: 7 } }),
    });
    expect(table.rows[0]!.cells.man.value).toBeNull();
    for (const r of remainders(table)) expect(r === 0 || r >= K).toBe(true);
    // The man cell of leak, or the men's total, had to go too.
    expect(table.rows[1]!.cells.man.value === null || table.all.cells.man.value === null).toBe(true);
  });

  it('holds for many random tables: no published sum minus its visible parts leaves 1 to 4 people', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 300; trial += 1) {
      const strata = ['outage', 'billing', 'quality', 'leak'].slice(0, 1 + rand(4));
      const rows = Object.fromEntries(strata.map((s) => [s, Object.fromEntries(PUBLISHED_GENDER_GROUPS.map((g) => [g, rand(3) === 0 ? rand(4) : rand(15)]))]));
      const table = publishGenderTable({ k: K, strata, counts: counts(rows) });
      for (const r of remainders(table)) expect(r === 0 || r >= K).toBe(true);
      for (const row of [...table.rows, table.all]) {
        for (const g of PUBLISHED_GENDER_GROUPS) if (row.cells[g].value !== null) expect(row.cells[g].value).toBeGreaterThanOrEqual(K);
      }
    }
  });

  it('uses the per-locality threshold', () => {
    const table = publishGenderTable({ k: 10, strata: ['outage'], counts: counts({ outage: { woman: 12, man: 11, another: 7 } }) });
    expect(table.rows[0]!.cells.another.display).toBe('<10');
  });

  it('attack by the neighbouring period: an aggregate over weeks hides every cell any of its weeks hid', () => {
    const week1 = publishGenderTable({ k: K, strata: ['outage'], counts: counts({ outage: { woman: 8, man: 7 } }) });
    const week2 = publishGenderTable({ k: K, strata: ['outage'], counts: counts({ outage: { woman: 9, man: 1 } }) });
    expect(week2.rows[0]!.cells.man.value).toBeNull();
    const hidden = cellsHiddenInAnyWeek([week1, week2], ['outage']);
    const both = publishGenderTable({ k: K, strata: ['outage'], counts: counts({ outage: { woman: 17, man: 8 } }), alsoHidden: hidden });
    // Without the rule: men 8 over both weeks − 7 in week 1 = the 1 man of week 2.
    expect(both.rows[0]!.cells.man.value).toBeNull();
    expect(both.all.cells.man.value).toBeNull();
  });
});

describe('protectCells', () => {
  it('leaves a lone empty cell alone: it names nobody', () => {
    const hidden = protectCells({ k: K, cells: new Map([['a', 10], ['b', 8], ['c', 0]]), equations: [{ total: 18, parts: ['a', 'b', 'c'] }] });
    expect([...hidden]).toEqual(['c']);
  });
});
