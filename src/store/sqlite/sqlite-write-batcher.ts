/**
 * Group commit for the SQLite store. Every write of this process joins the next batch: writes
 * that arrive while the event loop is busy (a burst of webhooks, a handful of conversation turns
 * and sends) run in ONE `BEGIN IMMEDIATE … COMMIT`, so they share one fsync of the WAL, and each
 * caller is answered only after that commit (`synchronous = FULL` stays: a 200 to Twilio still
 * means "on disk"). Each write runs in its own savepoint, so one that throws (a unique
 * violation, an already-processed message) is rolled back alone and rejects alone, exactly as
 * its own transaction would have.
 *
 * It is also what keeps a locked database from freezing the process (issue 7 item 4):
 * better-sqlite3 is synchronous, so a `busy_timeout` of 5 s used to block the event loop — and
 * every webhook and `/healthz` with it — for 5 s per statement while another process held the
 * write lock. Here the connection's own busy wait is a short slice (`busySliceMs`), and the
 * batch retries `BEGIN IMMEDIATE` from a timer until each write's own deadline, with the event
 * loop free in between. A write whose deadline passes rejects with `StoreUnavailableError`
 * (intake then spools the message; the worker's job is retried by BullMQ).
 *
 * @example
 * const batcher = createSqliteWriteBatcher({ access, busyTimeoutMs: 5000 });
 * await batcher.write((a) => a.insert(INBOUND, message), { maxWaitMs: 300 });
 */
import { StoreUnavailableError } from '../repository';
import type { SqliteAccess } from './sqlite-access';
import { isBusyError, toStoreError } from './sqlite-errors';

export interface SqliteWriteBatcher {
  /** Runs `work` in the next group commit; resolves with its result once that commit is durable. */
  write<T>(work: (access: SqliteAccess) => T, options?: { maxWaitMs?: number }): Promise<T>;
  /** Writes not yet committed are rejected (the store is closing). */
  close(): void;
}

export interface SqliteWriteBatcherOptions {
  access: SqliteAccess;
  /** Default wait for another process's write lock, per write (the old `busy_timeout`). */
  busyTimeoutMs: number;
  /** Pause between two attempts at the lock while another process holds it. */
  retryDelayMs?: number;
  /** Writes per transaction at most, so one batch never holds the event loop for long. */
  maxBatch?: number;
  now?: () => number;
}

interface PendingWrite {
  work: (access: SqliteAccess) => unknown;
  deadline: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function createSqliteWriteBatcher(options: SqliteWriteBatcherOptions): SqliteWriteBatcher {
  const { access } = options;
  const retryDelayMs = options.retryDelayMs ?? 20;
  const maxBatch = options.maxBatch ?? 500;
  const now = options.now ?? Date.now;
  let pending: PendingWrite[] = [];
  let scheduled: NodeJS.Immediate | NodeJS.Timeout | null = null;
  let closed = false;

  function schedule(delayMs: number): void {
    if (scheduled || closed || pending.length === 0) return;
    scheduled = delayMs === 0 ? setImmediate(flush) : setTimeout(flush, delayMs);
  }

  /** Rejects the writes whose deadline passed while the lock stayed taken. */
  function expire(error: unknown): void {
    const at = now();
    const keep: PendingWrite[] = [];
    for (const write of pending) {
      if (write.deadline <= at) write.reject(toStoreError(error));
      else keep.push(write);
    }
    pending = keep;
  }

  function flush(): void {
    scheduled = null;
    if (pending.length === 0) return;
    const { db } = access;
    try {
      access.statement('BEGIN IMMEDIATE').run();
    } catch (error) {
      if (!isBusyError(error)) {
        for (const write of pending.splice(0)) write.reject(toStoreError(error));
        return;
      }
      expire(error);
      schedule(retryDelayMs);
      return;
    }

    const batch = pending.splice(0, maxBatch);
    const outcomes: Outcome[] = [];
    let failure: unknown = null;
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, value: db.transaction(() => write.work(access))() });
      } catch (error) {
        // Disk full, I/O error…: SQLite may have rolled the whole transaction back.
        if (!db.inTransaction) {
          failure = error;
          break;
        }
        outcomes.push({ ok: false, error: toStoreError(error) });
      }
    }
    if (failure === null) {
      try {
        access.statement('COMMIT').run();
      } catch (error) {
        failure = error;
        if (db.inTransaction) access.statement('ROLLBACK').run();
      }
    }
    if (failure !== null) {
      const error = toStoreError(failure);
      for (const write of batch) write.reject(error);
    } else {
      batch.forEach((write, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(outcome.error);
      });
    }
    schedule(0);
  }

  return {
    write<T>(work: (a: SqliteAccess) => T, writeOptions: { maxWaitMs?: number } = {}): Promise<T> {
      if (closed) return Promise.reject(new StoreUnavailableError('sqlite: the database is not open'));
      return new Promise<T>((resolve, reject) => {
        pending.push({
          work,
          deadline: now() + (writeOptions.maxWaitMs ?? options.busyTimeoutMs),
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule(0);
      });
    },
    close() {
      closed = true;
      if (scheduled) {
        clearTimeout(scheduled as NodeJS.Timeout);
        clearImmediate(scheduled as NodeJS.Immediate);
        scheduled = null;
      }
      const error = new StoreUnavailableError('sqlite: the database was closed before the write was committed');
      for (const write of pending.splice(0)) write.reject(error);
    },
  };
}
