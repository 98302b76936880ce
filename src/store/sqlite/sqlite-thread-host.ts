/**
 * The worker-thread side of the threaded SQLite store (see `sqlite-thread-repository`): owns the
 * connection and the group commit, and answers each port call posted by the main thread. Every
 * synchronous SQLite step — the fsync of each commit, a wait for another process's lock —
 * happens here, never on the thread that serves HTTP.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../shared/logger';
import type { Repository } from '../repository';
import { createSqliteRepository } from './sqlite-repository';
import { serializeStoreError, type StoreCall, type StoreReply, type ThreadHostOptions } from './sqlite-thread-protocol';

const options = workerData as ThreadHostOptions;
const repo = createSqliteRepository({
  path: options.path,
  logger: createLogger({ level: options.logLevel }),
  ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
  ...(options.intakeBusyTimeoutMs !== undefined && { intakeBusyTimeoutMs: options.intakeBusyTimeoutMs }),
});
const methods = repo as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

parentPort!.on('message', (call: StoreCall) => {
  void answer(call);
});

async function answer(call: StoreCall): Promise<void> {
  let reply: StoreReply;
  try {
    const method = methods[call.method];
    if (typeof method !== 'function') throw new TypeError(`the store has no method ${call.method}`);
    reply = { id: call.id, ok: true, value: await method.apply(repo as Repository, call.args) };
  } catch (error) {
    reply = { id: call.id, ok: false, error: serializeStoreError(error) };
  }
  parentPort!.postMessage(reply);
}
