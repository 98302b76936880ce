/**
 * Keys for Open311 clients (`aguavoz open311 key add --label <who>`). The same approach as the
 * REST API's bearer tokens (`auth/api-token-auth.ts`): 256 random bits shown once, only their
 * SHA-256 stored, so a copy of the database hands out no working key. A revoked key is kept and
 * listed, and refused from then on.
 */
import { randomBytes } from 'node:crypto';
import { hashApiToken } from '../auth/api-token-auth';
import type { Open311Key } from '../domain/open311-key';
import { NotFoundError, type Repository } from '../store/repository';

export const OPEN311_KEY_PREFIX = 'o311_';
const KEY_PATTERN = /^o311_[A-Za-z0-9_-]{43}$/;
/** `lastUsedAt` is informative; writing it on every request would turn reads into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface Open311KeyService {
  /** @example await issue('Municipalidad de Pangoa') // { key: 'o311_Q2…', record: { id, label, … } } */
  issue(label: string): Promise<{ key: string; record: Open311Key }>;
  /** The stored key for an `api_key` value, or null (unknown, malformed or revoked). */
  authenticate(apiKey: string | null | undefined): Promise<Open311Key | null>;
  list(): Promise<Open311Key[]>;
  revoke(id: string): Promise<{ record: Open311Key; alreadyRevoked: boolean }>;
}

/** No Open311 key has this id (e.g. a typo in `aguavoz open311 key revoke`). */
export class Open311KeyNotFoundError extends Error {
  readonly code = 'open311_key_not_found' as const;
  constructor(readonly keyId: string) {
    super(`no Open311 key with id "${keyId}" (see: aguavoz open311 key list)`);
    this.name = 'Open311KeyNotFoundError';
  }
}

export function createOpen311KeyService(deps: { repo: Repository; now: () => string; newId: () => string }): Open311KeyService {
  const { repo } = deps;
  return {
    async issue(label) {
      const key = `${OPEN311_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const record = await repo.createOpen311Key({
        id: deps.newId(),
        keyHash: hashApiToken(key),
        label: label.trim().slice(0, 100) || 'open311',
        createdAt: deps.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      return { key, record };
    },

    async authenticate(apiKey) {
      const key = (apiKey ?? '').trim();
      if (!KEY_PATTERN.test(key)) return null;
      const record = await repo.findOpen311KeyByHash(hashApiToken(key));
      if (!record || record.revokedAt) return null;
      const now = deps.now();
      if (!record.lastUsedAt || Date.parse(now) - Date.parse(record.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        await repo.touchOpen311Key(record.id, now);
      }
      return record;
    },

    list() {
      return repo.listOpen311Keys();
    },

    async revoke(id) {
      const at = deps.now();
      try {
        const record = await repo.revokeOpen311Key(id, at);
        return { record, alreadyRevoked: record.revokedAt !== at };
      } catch (error) {
        if (error instanceof NotFoundError) throw new Open311KeyNotFoundError(id);
        throw error;
      }
    },
  };
}
