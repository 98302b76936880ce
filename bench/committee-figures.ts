/**
 * The weekly committee figures (issue 11): seconds for one locality-week with 100,000 tickets in
 * the store, and for all localities with 1,000,000. The weekly summary (`src/publication/`) is
 * being built in parallel; until it is merged this section says so instead of showing a figure.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type CommitteeFigures =
  | { measured: false; summary: string }
  | { measured: true; summary: string; locality_week_100k_s: number; all_localities_1m_s: number };

export async function measureCommitteeFigures(options: { root: string; runDir: string; log: (line: string) => void }): Promise<CommitteeFigures> {
  if (!existsSync(join(options.root, 'src', 'publication'))) {
    const summary = 'not yet measured: committee figures not merged';
    options.log(summary);
    return { measured: false, summary };
  }
  const summary = 'not yet measured: src/publication/ exists but this benchmark does not drive it yet';
  options.log(summary);
  return { measured: false, summary };
}
