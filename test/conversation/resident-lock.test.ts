import type Redis from 'ioredis';
import { createResidentLock, LockLostError, LockTimeoutError } from '../../src/shared/resident-lock';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';

describe('the per-resident lock', () => {
  let redis: Redis;
  const prefix = uniquePrefix('resident-lock');

  beforeAll(() => {
    redis = createTestRedis();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('makes a second holder wait until the first is done', async () => {
    const lock = createResidentLock({ redis, prefix });
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });

    const first = lock.withLock('r1', async () => {
      order.push('first:start');
      await firstHeld;
      order.push('first:end');
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = lock.withLock('r1', async () => {
      order.push('second');
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    releaseFirst();
    await Promise.all([first, second]);

    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });

  it('gives up with LockTimeoutError when the lock stays taken, so the job retries later', async () => {
    const lock = createResidentLock({ redis, prefix, waitMs: 100 });
    let release!: () => void;
    const held = lock.withLock('r2', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));

    await expect(lock.withLock('r2', async () => 'never')).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await held;
  });

  it('keeps scopes apart: sending to a person never waits for their inbound turn with the same key', async () => {
    const inbound = createResidentLock({ redis, prefix, waitMs: 100 });
    const sending = createResidentLock({ redis, prefix, scope: 'send', waitMs: 100 });
    let release!: () => void;
    const held = inbound.withLock('r4', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));

    await expect(sending.withLock('r4', async () => 'sent')).resolves.toBe('sent');
    await expect(redis.exists(`${prefix}:lock:resident:r4`)).resolves.toBe(1);
    release();
    await held;
  });

  it('never extends nor releases a lock that expired and was taken by someone else', async () => {
    const shortLock = createResidentLock({ redis, prefix, ttlMs: 50 });
    const key = `${prefix}:lock:resident:r3`;
    let extendError: unknown = null;

    await shortLock.withLock('r3', async (handle) => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      await redis.set(key, 'another-worker-token', 'PX', 5_000);
      extendError = await handle.extend().catch((error: unknown) => error);
    });

    expect(extendError).toBeInstanceOf(LockLostError);
    expect(await redis.get(key)).toBe('another-worker-token');
  });

  it('asks Redis again only once a third of the TTL has passed since the lock was taken or renewed', async () => {
    const lock = createResidentLock({ redis, prefix, ttlMs: 600 });
    const key = `${prefix}:lock:resident:r5`;
    const outcomes: string[] = [];
    await lock.withLock('r5', async (handle) => {
      // The key vanishes (Redis lost it) right after it was taken: within the third, no round trip…
      await redis.del(key);
      outcomes.push(await handle.extend().then(() => 'kept', (error: unknown) => (error as Error).name));
      // …past it, the renewal asks and finds the lock gone.
      await new Promise((resolve) => setTimeout(resolve, 250));
      outcomes.push(await handle.extend().then(() => 'kept', (error: unknown) => (error as Error).name));
    });
    expect(outcomes).toEqual(['kept', 'LockLostError']);
  });
});
