/**
 * Console login sessions in Redis, so any web process can serve any request. The cookie holds a
 * random 32-byte id; Redis holds only its SHA-256, so a Redis dump cannot be replayed as cookies.
 * Each read slides the idle timeout. A session also records the user's `sessionVersion` at login:
 * a password reset raises the user's, and the console refuses sessions left behind (see
 * console-auth), so ending them needs no index of a user's sessions here.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';

export interface ConsoleSession {
  userId: string;
  /** Synchronizer token for this session's forms (hidden input `_csrf`). */
  csrfToken: string;
  createdAt: string;
  /** The user's `sessionVersion` when they signed in; sessions from before this field count as 0. */
  sessionVersion: number;
}

export interface SessionStore {
  create(userId: string, sessionVersion: number): Promise<{ id: string; session: ConsoleSession }>;
  /** The session and a refreshed idle timeout, or null when unknown or expired. */
  touch(id: string): Promise<ConsoleSession | null>;
  destroy(id: string): Promise<void>;
}

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 12 * 60 * 60;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createSessionStore(deps: {
  redis: Redis;
  keyPrefix: string;
  now: () => string;
  idleTimeoutSeconds?: number;
}): SessionStore {
  const ttl = deps.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  const keyFor = (id: string) => `${deps.keyPrefix}:session:${createHash('sha256').update(id).digest('hex')}`;

  return {
    async create(userId, sessionVersion) {
      const id = randomBytes(32).toString('base64url');
      const session: ConsoleSession = {
        userId,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt: deps.now(),
        sessionVersion,
      };
      await deps.redis.set(keyFor(id), JSON.stringify(session), 'EX', ttl);
      return { id, session };
    },

    async touch(id) {
      if (!SESSION_ID_PATTERN.test(id)) return null;
      const raw = await deps.redis.getex(keyFor(id), 'EX', ttl);
      if (!raw) return null;
      try {
        const parsed = JSON.parse(raw) as Partial<ConsoleSession>;
        if (typeof parsed.userId !== 'string' || typeof parsed.csrfToken !== 'string') return null;
        return {
          userId: parsed.userId,
          csrfToken: parsed.csrfToken,
          createdAt: String(parsed.createdAt ?? ''),
          sessionVersion: typeof parsed.sessionVersion === 'number' ? parsed.sessionVersion : 0,
        };
      } catch {
        return null;
      }
    },

    async destroy(id) {
      if (SESSION_ID_PATTERN.test(id)) await deps.redis.del(keyFor(id));
    },
  };
}
