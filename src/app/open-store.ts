/**
 * Opens the configured store for one-shot commands (CLI): no Redis, no workers.
 */
import { loadConfig, type Config } from '../config/config';
import { createLogger } from '../shared/logger';
import { createRepository } from '../store/create-repository';
import type { Repository } from '../store/repository';

export async function withStore<T>(fn: (repo: Repository, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const repo = createRepository({ sqlitePath: config.SQLITE_PATH, mongodbUri: config.MONGODB_URI, logger });
  await repo.init();
  try {
    return await fn(repo, config);
  } finally {
    await repo.close();
  }
}
