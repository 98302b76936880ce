/**
 * Real Redis for tests. Each test file gets its own key prefix so files can run in parallel
 * against the one local Redis without touching each other's keys or queues.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export function createTestRedis(options: { forBullmq?: boolean } = {}): Redis {
  return new Redis(TEST_REDIS_URL, options.forBullmq ? { maxRetriesPerRequest: null } : {});
}

/**
 * Every key matching the pattern. One SCAN call returns only the keys of the slice of the keyspace
 * it walked (COUNT is a hint, not a limit), so on a shared Redis with many keys a single call can
 * miss matches: follow the cursor until Redis hands back 0.
 */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

/** Deletes every key under the prefix (SCAN, not KEYS, to be kind to a shared Redis). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
