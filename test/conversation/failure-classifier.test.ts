/**
 * Real errors from the real dependencies, classified: an outage must be retried forever (never
 * dead-lettered), anything else counts against the message.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { connect } from 'node:net';
import { failureReason, isTransientFailure } from '../../src/conversation/failure-classifier';
import { createResidentLock } from '../../src/shared/resident-lock';
import { createSqliteRepository } from '../../src/store/sqlite/sqlite-repository';
import { UniqueViolationError } from '../../src/store/repository';
import { aTicket, rejectionOf } from '../store/contract/store-fixtures';
import { closedPort } from '../store/support/closed-port';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';
import { testLogger } from '../support/inbound-app';

describe('failure classification', () => {
  const prefix = uniquePrefix('failure-classifier');
  const redis = createTestRedis();
  const file = tempSqlitePath('failure-classifier');

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    file.cleanup();
  });

  async function unreachableRedisError(options: RedisOptions): Promise<unknown> {
    const client = new Redis({ host: '127.0.0.1', port: await closedPort(), retryStrategy: () => null, disconnectTimeout: 20, ...options });
    client.on('error', () => undefined);
    try {
      return await rejectionOf(client.get(`${prefix}:x`));
    } finally {
      client.disconnect();
    }
  }

  it('a closed store is an outage', async () => {
    const repo = createSqliteRepository({ path: file.path, logger: testLogger });
    await repo.init();
    await repo.close();
    expect(isTransientFailure(await rejectionOf(repo.getTicket('t')))).toBe(true);
  });

  it('Redis that cannot be reached is an outage, with or without an offline queue', async () => {
    expect(isTransientFailure(await unreachableRedisError({ enableOfflineQueue: false }))).toBe(true);
    expect(isTransientFailure(await unreachableRedisError({ maxRetriesPerRequest: 1, retryStrategy: () => 10 }))).toBe(true);
    const closed = createTestRedis();
    await closed.quit();
    expect(isTransientFailure(await rejectionOf(closed.get(`${prefix}:x`)))).toBe(true);
  });

  it("a resident's lock held past the wait is an outage", async () => {
    const lock = createResidentLock({ redis, prefix, waitMs: 30 });
    let release = (): void => undefined;
    const holder = lock.withLock('k', () => new Promise<void>((resolve) => (release = resolve)));
    const waited = await rejectionOf(lock.withLock('k', async () => undefined));
    release();
    await holder;
    expect(isTransientFailure(waited)).toBe(true);
  });

  it('a refused connection is an outage, also when wrapped as the cause of another error', async () => {
    const port = await closedPort();
    const refused = await new Promise<Error>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
    expect(isTransientFailure(refused)).toBe(true);
    expect(isTransientFailure(new Error('turn failed', { cause: refused }))).toBe(true);
  });

  it('a bug, a broken constraint or a Redis command error is not an outage', async () => {
    const repo = createSqliteRepository({ path: file.path, logger: testLogger });
    await repo.init();
    const constraint = await rejectionOf(repo.commit({ ticketsCreated: [aTicket({ localityId: 'nowhere', residentId: 'nobody' })] }));
    await repo.close();
    await redis.set(`${prefix}:text`, 'x');
    const wrongType = await rejectionOf(redis.lpush(`${prefix}:text`, 'y'));

    for (const error of [constraint, wrongType, new TypeError("Cannot read properties of undefined (reading 'id')"), new UniqueViolationError('reference'), 'a string']) {
      expect(isTransientFailure(error)).toBe(false);
    }
    expect(failureReason(constraint)).toBe('SqliteError:SQLITE_CONSTRAINT_FOREIGNKEY');
  });

  it('names a failure by class and code only, never by its message', () => {
    const quoting = new TypeError('bad input: "mi DNI es 40404040, llamen al 987654321"');
    expect(failureReason(quoting)).toBe('TypeError');
    expect(failureReason(new UniqueViolationError('reference'))).toBe('UniqueViolationError:unique_violation');
  });
});
