/**
 * Conversation sessions live in Redis, one JSON document per resident. The key outlives the
 * session's own expiry by a grace period, so a resident who comes back after the timeout is
 * still recognised as "you were in the middle of something" and told the conversation expired,
 * instead of being silently dropped into the main menu.
 */
import type Redis from 'ioredis';
import type { Session } from '../flow-engine/engine-types';

export interface SessionStore {
  get(residentId: string): Promise<Session | null>;
  /** `now` sets the key's TTL: until `session.expiresAt` plus the grace period. */
  save(residentId: string, session: Session, now: Date): Promise<void>;
  delete(residentId: string): Promise<void>;
}

export function createSessionStore(options: {
  redis: Redis;
  prefix: string;
  /** How long an expired session is kept to tell the resident; default one day. */
  graceSeconds?: number;
}): SessionStore {
  const graceSeconds = options.graceSeconds ?? 24 * 3600;
  const keyFor = (residentId: string) => `${options.prefix}:session:${residentId}`;
  return {
    async get(residentId) {
      const raw = await options.redis.get(keyFor(residentId));
      if (raw === null) return null;
      try {
        return JSON.parse(raw) as Session;
      } catch {
        return null;
      }
    },
    async save(residentId, session, now) {
      const untilExpiry = Math.ceil((Date.parse(session.expiresAt) - now.getTime()) / 1000);
      const ttlSeconds = Math.max(untilExpiry, 0) + graceSeconds;
      await options.redis.set(keyFor(residentId), JSON.stringify(session), 'EX', ttlSeconds);
    },
    async delete(residentId) {
      await options.redis.del(keyFor(residentId));
    },
  };
}
