/**
 * Turns better-sqlite3 failures into the port's errors. The split that matters: a broken unique
 * rule is the caller's business (UniqueViolationError), while a disk, lock or file problem means
 * "the store is not there right now" (StoreUnavailableError), which intake answers by spooling
 * the message to a local file instead of losing it.
 */
import { AlreadyProcessedError, NotFoundError, StoreUnavailableError, UniqueViolationError } from '../repository';
import { InvalidCursorError } from '../ticket-page';
import { fieldOfColumn } from './sqlite-tables';

const UNAVAILABLE_CODES = [
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
];

/** Errors from preparing the file's folder (mkdir) that mean the same as SQLITE_CANTOPEN. */
const UNAVAILABLE_ERRNO = ['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'ENOSPC', 'EEXIST', 'EISDIR', 'EIO'];

const PORT_ERRORS = [UniqueViolationError, NotFoundError, StoreUnavailableError, InvalidCursorError, AlreadyProcessedError];

export function toStoreError(err: unknown): unknown {
  if (PORT_ERRORS.some((type) => err instanceof type)) return err;
  if (isSqliteError(err)) {
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new UniqueViolationError(uniqueField(err.message));
    }
    if (UNAVAILABLE_CODES.some((code) => err.code.startsWith(code))) {
      return new StoreUnavailableError(`sqlite: ${err.code}: ${err.message}`, err);
    }
    return err;
  }
  if (/database connection is not open/i.test(String((err as { message?: unknown } | null)?.message ?? ''))) {
    return new StoreUnavailableError('sqlite: the database is closed', err);
  }
  const errno = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof errno === 'string' && UNAVAILABLE_ERRNO.includes(errno)) {
    return new StoreUnavailableError(`sqlite: cannot prepare the database folder (${errno})`, err);
  }
  return err;
}

/** Another connection holds the lock: worth waiting for (asynchronously), not an outage yet. */
export function isBusyError(err: unknown): boolean {
  return isSqliteError(err) && (err.code.startsWith('SQLITE_BUSY') || err.code.startsWith('SQLITE_LOCKED'));
}

/**
 * Recognised by shape, not `instanceof`: the native addon keeps the SqliteError class of whichever
 * copy of better-sqlite3 loaded it first in the process (jest loads one copy, in its own realm, per
 * test file).
 */
function isSqliteError(err: unknown): err is Error & { code: string } {
  const shape = err as { name?: unknown; code?: unknown } | null;
  return typeof shape === 'object' && shape !== null && shape.name === 'SqliteError' && typeof shape.code === 'string';
}

/** `UNIQUE constraint failed: users.phone` → `phone`. */
function uniqueField(message: string): string {
  const match = /constraint failed: [\w]+\.(\w+)/.exec(message);
  return match?.[1] ? fieldOfColumn(match[1]) : 'unknown';
}
