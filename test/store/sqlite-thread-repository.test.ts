/**
 * The threaded SQLite store (what `aguavoz start` runs) passes the same contract as the
 * in-thread adapter, and the port's errors cross the thread boundary as the port's classes.
 */
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { StoreUnavailableError, UniqueViolationError } from '../../src/store/repository';
import { StoreThreadUnsupportedError } from '../../src/store/sqlite/sqlite-thread-repository';
import { tempSqlitePath } from '../support/sqlite';
import { aLocality, rejectionOf } from './contract/store-fixtures';
import { describeRepositoryContract } from './repository-contract';

const logger = createLogger({ level: 'silent' });

function threaded(path: string) {
  return createRepository({ sqlitePath: path, logger, sqliteThread: { logLevel: 'silent' } });
}

describeRepositoryContract('SQLite in a worker thread', async () => {
  const file = tempSqlitePath('store-thread-contract');
  const repo = threaded(file.path);
  await repo.init();
  return {
    repo,
    async dispose() {
      await repo.close();
      file.cleanup();
    },
  };
});

describe('SQLite store thread', () => {
  const file = tempSqlitePath('store-thread');
  afterAll(() => file.cleanup());

  it('refuses a call whose arguments hold a function with a named error, not a clone failure, and keeps serving', async () => {
    const repo = threaded(file.path);
    await repo.init();
    try {
      // Port arguments are data; a callback slipped into one (as incident linking once had) is a bug to name.
      const error = await rejectionOf(repo.commit({ ticketsCreated: [], hook: () => ({}) } as unknown as Parameters<typeof repo.commit>[0]));
      expect(error).toBeInstanceOf(StoreThreadUnsupportedError);
      expect(error).toMatchObject({ code: 'store_thread_unsupported', method: 'commit' });
      await expect(repo.ping()).resolves.toBeUndefined();
    } finally {
      await repo.close();
    }
  });

  it('rebuilds a unique violation as UniqueViolationError with its field', async () => {
    const repo = threaded(file.path);
    await repo.init();
    try {
      const locality = aLocality();
      await repo.createLocality(locality);
      const error = await rejectionOf(repo.createLocality({ ...aLocality(), slug: locality.slug }));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).field).toBe('slug');
    } finally {
      await repo.close();
    }
  });

  it('answers StoreUnavailableError once closed, and again after init', async () => {
    const repo = threaded(file.path);
    await repo.init();
    await repo.close();
    expect(await rejectionOf(repo.listLocalities())).toBeInstanceOf(StoreUnavailableError);
    await repo.init();
    await expect(repo.listLocalities()).resolves.toEqual(expect.any(Array));
    await repo.close();
  });
});
