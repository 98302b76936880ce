/**
 * Opens the configured store for one-shot commands (CLI): no Redis, no workers. A command run
 * without the server's SQLITE_PATH must not quietly create (and then report on) an empty
 * database somewhere else, so only commands that set a store up may create it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config/config';
import { createLogger } from '../shared/logger';
import { createRepository } from '../store/create-repository';
import type { Repository } from '../store/repository';

export interface WithStoreOptions {
  /** May create a missing SQLite file (e.g. `locality add` on a new server); default false. */
  create?: boolean;
}

/** The SQLite file the command would open is missing, and the command does not set one up. */
export class StoreMissingError extends Error {
  readonly code = 'store_missing';
  constructor(readonly sqlitePath: string) {
    super(
      `no AguaVoz database at ${sqlitePath}. Run the command with the server's SQLITE_PATH ` +
        '(e.g. SQLITE_PATH=/srv/aguavoz/aguavoz.sqlite), or start the server once with `npm start` to create it.',
    );
    this.name = 'StoreMissingError';
  }
}

/** One line naming the store a command works on, e.g. `store: SQLite /srv/aguavoz/data/aguavoz.sqlite`. */
export function describeStore(config: Pick<Config, 'SQLITE_PATH' | 'MONGODB_URI'>): string {
  if (config.MONGODB_URI) {
    const host = /@([^/?]+)/.exec(config.MONGODB_URI)?.[1] ?? /^mongodb(?:\+srv)?:\/\/([^/?]+)/.exec(config.MONGODB_URI)?.[1] ?? '?';
    return `store: MongoDB ${host}`;
  }
  return `store: SQLite ${path.resolve(config.SQLITE_PATH)}`;
}

export async function withStore<T>(fn: (repo: Repository, config: Config) => Promise<T>, options: WithStoreOptions = {}): Promise<T> {
  const config = loadConfig();
  if (!config.MONGODB_URI && !options.create && config.SQLITE_PATH !== ':memory:' && !existsSync(config.SQLITE_PATH)) {
    throw new StoreMissingError(path.resolve(config.SQLITE_PATH));
  }
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const repo = createRepository({ sqlitePath: config.SQLITE_PATH, mongodbUri: config.MONGODB_URI, logger });
  await repo.init();
  try {
    return await fn(repo, config);
  } finally {
    await repo.close();
  }
}
