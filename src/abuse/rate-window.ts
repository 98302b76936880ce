/**
 * A fixed-window counter in Redis, shared by every process: "at most `limit` of these per
 * `windowSeconds` per key". Used for the per-sender limits of issue 7 (status look-ups, inbound
 * flood). Keys are ids or hashes, never phone numbers. Counting the same `eventId` twice (a job
 * retried after a crash) counts it once, so a retry never tips a sender over the limit.
 *
 * @example
 *   const lookups = createRateWindow({ redis, prefix, name: 'status-lookups', limit: 5, windowSeconds: 3600 });
 *   const { allowed, count } = await lookups.hit(residentId, messageId); // { allowed: true, count: 1 }
 */
import type Redis from 'ioredis';

export interface RateWindowHit {
  /** False once `count` passed the limit. */
  allowed: boolean;
  /** Events counted in the current window, this one included. */
  count: number;
  /** True for exactly one event per window: the first one over the limit (say "too many" once). */
  firstRefused: boolean;
}

export interface RateWindow {
  /** `at`: the event's own time (e.g. when a message was received); default now. */
  hit(key: string, eventId: string, at?: Date): Promise<RateWindowHit>;
}

export interface RateWindowOptions {
  redis: Pick<Redis, 'eval'>;
  prefix: string;
  name: string;
  limit: number;
  windowSeconds: number;
  /** Injected for tests; default the system clock. */
  now?: () => Date;
}

/** SADD is idempotent per event id; the set expires with its window. Returns [count, isNew]. */
const HIT_SCRIPT = `
local added = redis.call('SADD', KEYS[1], ARGV[1])
if added == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
local count = redis.call('SCARD', KEYS[1])
if added == 1 then return {count, 1} end
return {count, 0}
`;

export function createRateWindow(options: RateWindowOptions): RateWindow {
  const now = options.now ?? (() => new Date());
  return {
    async hit(key, eventId, at) {
      const window = Math.floor((at ?? now()).getTime() / 1000 / options.windowSeconds);
      const redisKey = `${options.prefix}:rate:${options.name}:${key}:${window}`;
      const [count, isNew] = (await options.redis.eval(HIT_SCRIPT, 1, redisKey, eventId, String(options.windowSeconds + 60))) as [number, number];
      const allowed = count <= options.limit;
      return { allowed, count, firstRefused: !allowed && isNew === 1 && count === options.limit + 1 };
    },
  };
}
