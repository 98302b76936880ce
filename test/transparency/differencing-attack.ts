/**
 * What an attacker can work out from published weekly gender rows: in each row the total is
 * public, so the hidden cells together hold `total − visible`. A hidden value is recovered when
 * a row hides exactly one cell that has people in it, or when the hidden cells together hold
 * fewer than k people (then that small group is known to exist). Across responses (two
 * overlapping or adjacent windows) the attacker also compares the same week: any difference
 * between two answers about the same week is a leak of its own.
 */
export interface GenderRow {
  week: string;
  total: number;
  /** Gender group → display: a number, or "<k". */
  cells: Record<string, string>;
}

export function recoveredValues(rows: readonly GenderRow[], k: number): string[] {
  const found: string[] = [];
  for (const row of rows) {
    const hidden = Object.entries(row.cells).filter(([, v]) => v.startsWith('<'));
    const visibleSum = Object.values(row.cells).filter((v) => !v.startsWith('<')).reduce((sum, v) => sum + Number(v), 0);
    const remainder = row.total - visibleSum;
    if (hidden.length === 1 && remainder > 0) found.push(`${row.week}: ${hidden[0]![0]} = ${remainder}`);
    if (hidden.length > 1 && remainder > 0 && remainder < k) found.push(`${row.week}: ${hidden.map(([g]) => g).join('+')} = ${remainder}`);
  }
  return found;
}

/** Same week answered differently by two responses. */
export function inconsistentWeeks(a: readonly GenderRow[], b: readonly GenderRow[]): string[] {
  const byWeek = new Map(a.map((r) => [r.week, r]));
  return b.filter((r) => byWeek.has(r.week) && JSON.stringify(byWeek.get(r.week)) !== JSON.stringify(r)).map((r) => r.week);
}
