/**
 * Opens the store file ready for use: its folder created, pragmas set, migrations applied.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../../shared/logger';
import { migrate } from './sqlite-migrations';

/**
 * WAL lets the console read while the worker writes; `synchronous = FULL` because intake answers
 * Twilio 200 only after the raw message is stored, so a committed row must survive a power cut.
 */
export function openDatabase(path: string, busyTimeoutMs: number, logger: Logger): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') logger.warn({ journalMode: mode }, 'sqlite: WAL not available for this database');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    migrate(db, logger);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
