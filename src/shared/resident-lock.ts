/**
 * One person's messages are handled one at a time: a fast typist's "1" never overtakes their
 * "hola" (inbound), and a reply never reaches the phone before the notice queued ahead of it
 * (outbound). A Redis lock (SET NX PX with a random token; released and extended by a Lua
 * script only by its holder) works across worker processes; the TTL frees it if a worker dies.
 * Each use takes its own `scope`, so receiving and sending for one person never wait on each other.
 */
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** Another worker held the lock for longer than we were willing to wait; the job retries later. */
export class LockTimeoutError extends Error {
  readonly code = 'lock_timeout';
  constructor(readonly waitedMs: number) {
    super(`resident lock not acquired within ${waitedMs} ms`);
    this.name = 'LockTimeoutError';
  }
}

/** The lock expired while we held it (a very slow turn): stop before writing more. */
export class LockLostError extends Error {
  readonly code = 'lock_lost';
  constructor() {
    super('resident lock lost before the work finished');
    this.name = 'LockLostError';
  }
}

export interface LockHandle {
  /** Renews the TTL; throws LockLostError when someone else holds the lock now. */
  extend(): Promise<void>;
}

export interface ResidentLock {
  withLock<T>(key: string, work: (handle: LockHandle) => Promise<T>): Promise<T>;
}

export function createResidentLock(options: {
  redis: Redis;
  prefix: string;
  /** Names what is serialised; keys are `<prefix>:lock:<scope>:<key>`. Default `resident` (inbound). */
  scope?: string;
  ttlMs?: number;
  waitMs?: number;
  retryMs?: number;
}): ResidentLock {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 10_000;
  const retryMs = options.retryMs ?? 25;
  const scope = options.scope ?? 'resident';
  const keyFor = (key: string) => `${options.prefix}:lock:${scope}:${key}`;

  async function acquire(redisKey: string, token: string): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt += 1) {
      if ((await options.redis.set(redisKey, token, 'PX', ttlMs, 'NX')) === 'OK') return;
      if (Date.now() >= deadline) throw new LockTimeoutError(waitMs);
      const backoff = Math.min(retryMs * 2 ** Math.min(attempt, 4), 250);
      await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random() / 2)));
    }
  }

  return {
    async withLock(key, work) {
      const redisKey = keyFor(key);
      const token = randomUUID();
      await acquire(redisKey, token);
      let renewedAt = Date.now();
      const handle: LockHandle = {
        async extend() {
          // Taken or renewed within the last third of its TTL, the lock is still ours for at
          // least two thirds of it: no round trip (the first turn of every job asked right
          // after acquiring, issue 11). Redis losing the key meanwhile is caught by the next
          // renewal, and the store refuses to process a message twice whatever the lock says.
          if (Date.now() - renewedAt < ttlMs / 3) return;
          const extended = await options.redis.eval(EXTEND_SCRIPT, 1, redisKey, token, String(ttlMs));
          if (extended !== 1) throw new LockLostError();
          renewedAt = Date.now();
        },
      };
      try {
        return await work(handle);
      } finally {
        await options.redis.eval(RELEASE_SCRIPT, 1, redisKey, token).catch(() => undefined);
      }
    },
  };
}
