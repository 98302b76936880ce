/**
 * The fast first line of MessageSid deduplication: a Redis key set with NX, so a redelivery
 * (Twilio or a proxy retrying, even concurrently) is answered without touching the store. The
 * store's unique index on the sid is the second line; this one may be skipped when Redis is down.
 */
import type Redis from 'ioredis';
import { withTimeout } from './with-timeout';

export type DedupeClaim = 'first' | 'duplicate' | 'unavailable';

export interface InboundDedupe {
  /** `first` for the first delivery of a sid, `unavailable` when Redis did not answer. */
  claim(providerSid: string): Promise<DedupeClaim>;
  /** Forgets a claim whose message could not be kept, so Twilio's retry is not taken for a duplicate. */
  release(providerSid: string): Promise<void>;
}

export function createInboundDedupe(options: {
  redis: Redis;
  prefix: string;
  /** Longer than any redelivery window; the store keeps deduplicating after it. */
  ttlSeconds?: number;
  timeoutMs?: number;
}): InboundDedupe {
  const ttlSeconds = options.ttlSeconds ?? 48 * 3600;
  const timeoutMs = options.timeoutMs ?? 500;
  const keyFor = (sid: string) => `${options.prefix}:inbound:sid:${sid}`;
  return {
    async claim(providerSid) {
      try {
        const result = await withTimeout('redis dedupe', timeoutMs, () =>
          options.redis.set(keyFor(providerSid), '1', 'EX', ttlSeconds, 'NX'),
        );
        return result === 'OK' ? 'first' : 'duplicate';
      } catch {
        return 'unavailable';
      }
    },
    async release(providerSid) {
      await withTimeout('redis dedupe release', timeoutMs, () => options.redis.del(keyFor(providerSid))).catch(() => undefined);
    },
  };
}
