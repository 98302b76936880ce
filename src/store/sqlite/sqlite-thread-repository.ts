/**
 * The embedded store for the running service: the SQLite adapter in a worker thread.
 * better-sqlite3 is synchronous, so on the main thread every commit's fsync (synchronous = FULL)
 * and every wait for another process's write lock stopped the event loop — the webhook, the
 * console and `/healthz` with it (issue 11: 29% of the webhook's CPU profile was that fsync;
 * issue 7 item 4: a lock held by another process froze everything). Here the main thread only
 * posts calls and awaits replies; the thread runs the same adapter with its group commit, so the
 * fsync of one batch overlaps the HTTP work for the next. Same port, same contract suite.
 *
 * Any port method is forwarded by name, so methods added to the adapter later need no change
 * here. One-shot CLI commands keep using the in-thread adapter (nothing to overlap with).
 *
 * @example
 * const repo = createThreadedSqliteRepository({ path: './data/aguavoz.sqlite', logLevel: 'info' });
 * await repo.init();
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { StoreUnavailableError, type Repository } from '../repository';
import { deserializeStoreError, type StoreCall, type StoreReply, type ThreadHostOptions } from './sqlite-thread-protocol';

/** Runs the host from `dist/` as JavaScript, or from `src/` through swc (dev, tests). */
const BOOTSTRAP = `
  const { workerData } = require('node:worker_threads');
  if (workerData.hostFile.endsWith('.ts')) require('@swc-node/register');
  require(workerData.hostFile);
`;

/**
 * A call the store thread cannot carry: its arguments hold a function. Port arguments are plain
 * data (incident linking's rows, once a callback, are `IncidentLinkEffects`), so this names a
 * bug instead of surfacing a structured-clone failure.
 */
export class StoreThreadUnsupportedError extends Error {
  readonly code = 'store_thread_unsupported';
  constructor(readonly method: string, cause: Error) {
    super(`sqlite store thread: ${method} passes a function, which cannot cross to the thread (${cause.message})`, { cause });
    this.name = 'StoreThreadUnsupportedError';
  }
}

export function createThreadedSqliteRepository(options: ThreadHostOptions): Repository {
  const extension = __filename.endsWith('.ts') ? '.ts' : '.js';
  const hostFile = join(__dirname, `sqlite-thread-host${extension}`);
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

  function failAll(error: Error): void {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  }

  function start(): Worker {
    const started = new Worker(BOOTSTRAP, { eval: true, workerData: { ...options, hostFile } });
    started.on('message', (reply: StoreReply) => {
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(deserializeStoreError(reply.error));
    });
    started.on('error', (error) => failAll(new StoreUnavailableError(`sqlite: the store thread failed: ${error.message}`, error)));
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new StoreUnavailableError('sqlite: the store thread stopped'));
    });
    return started;
  }

  function call(method: string, args: unknown[]): Promise<unknown> {
    if (!worker) return Promise.reject(new StoreUnavailableError('sqlite: the database is not open'));
    const id = nextId++;
    const message: StoreCall = { id, method, args };
    return new Promise((resolve, reject) => {
      try {
        worker!.postMessage(message);
      } catch (error) {
        // A function in the arguments cannot be cloned.
        reject(new StoreThreadUnsupportedError(method, error as Error));
        return;
      }
      pending.set(id, { resolve, reject });
    });
  }

  const own: Pick<Repository, 'init' | 'close'> = {
    async init() {
      if (worker) return;
      worker = start();
      try {
        await call('init', []);
      } catch (error) {
        const failed = worker;
        worker = null;
        await failed?.terminate();
        throw error;
      }
    },
    async close() {
      const current = worker;
      if (!current) return;
      try {
        await call('close', []);
      } finally {
        worker = null;
        await current.terminate();
      }
    },
  };

  return new Proxy(own as Repository, {
    get(target, property) {
      if (property === 'init' || property === 'close') return target[property];
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  });
}
