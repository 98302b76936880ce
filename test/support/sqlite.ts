/** A fresh SQLite file per test file, in the OS temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempSqlitePath(label: string): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `aguavoz-${label}-`));
  return { path: join(dir, 'aguavoz.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
