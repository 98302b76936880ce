/**
 * Picks the store adapter from configuration: MongoDB when a URI is given (scale-out: several
 * stateless web/worker processes), otherwise the embedded SQLite file (one town, one server,
 * `npm start` with no configuration). Callers still call `init()` before use.
 *
 * @example
 * const repo = createRepository({ sqlitePath: config.SQLITE_PATH, mongodbUri: config.MONGODB_URI, logger });
 * await repo.init();
 */
import type { Logger } from '../shared/logger';
import type * as MongoAdapter from './mongo/mongo-repository';
import type { Repository } from './repository';
import { createSqliteRepository } from './sqlite/sqlite-repository';
import { createThreadedSqliteRepository } from './sqlite/sqlite-thread-repository';

export interface CreateRepositoryOptions {
  sqlitePath: string;
  mongodbUri?: string | undefined;
  logger: Logger;
  /** SQLite only: how long a write waits on another process's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** MongoDB only: how long to wait for a reachable server (default 5000 ms). */
  serverSelectionTimeoutMS?: number;
  /**
   * SQLite only: run the store in a worker thread so its fsyncs and lock waits never stop the
   * event loop (the running service; one-shot CLI commands leave it off).
   */
  sqliteThread?: { logLevel: string };
}

export function createRepository(options: CreateRepositoryOptions): Repository {
  if (options.mongodbUri) {
    options.logger.info({ store: 'mongodb' }, 'store selected');
    // Loaded only here: mongoose costs ~30 MB and ~230 ms at start-up, for nothing on SQLite.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createMongoRepository } = require('./mongo/mongo-repository') as typeof MongoAdapter;
    return createMongoRepository({
      uri: options.mongodbUri,
      logger: options.logger,
      ...(options.serverSelectionTimeoutMS !== undefined && { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS }),
    });
  }
  options.logger.info({ store: 'sqlite', thread: Boolean(options.sqliteThread) }, 'store selected');
  if (options.sqliteThread) {
    return createThreadedSqliteRepository({
      path: options.sqlitePath,
      logLevel: options.sqliteThread.logLevel,
      ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
    });
  }
  return createSqliteRepository({
    path: options.sqlitePath,
    logger: options.logger,
    ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
  });
}
