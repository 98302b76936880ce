/**
 * Bearer tokens for the REST API. The token is shown once when issued; only its SHA-256 is
 * stored, so a copy of the database does not hand out working tokens. (A fast hash is enough:
 * the token carries 256 random bits, unlike a password.) An admin revokes a token by its id
 * (`aguavoz user revoke-token`); it stays listed as revoked and is refused from then on.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiToken } from '../domain/user';
import { NotFoundError, type Repository } from '../store/repository';
import { toAuthenticatedUser } from '../users/user-service';
import { UserNotFoundError } from '../users/user-errors';

export const API_TOKEN_PREFIX = 'av_';
const TOKEN_PATTERN = /^av_[A-Za-z0-9_-]{43}$/;
/** `lastUsedAt` is informative; writing it on every request would turn reads into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiTokenService {
  /** @example await issueToken(user.id, 'reporting script') // { token: 'av_Q2…', record: { id, label, … } } */
  issueToken(userId: string, label: string): Promise<{ token: string; record: ApiToken }>;
  /** The stored token for a bearer value (with or without `Bearer `), or null (also when revoked). */
  authenticate(bearer: string | null | undefined): Promise<ApiToken | null>;
  /** A user's tokens, revoked ones included, oldest first; only hashes, never a usable token. */
  listTokens(userId: string): Promise<ApiToken[]>;
  /**
   * Refuses the token from the next request on. `alreadyRevoked` when it was before (its first
   * `revokedAt` is kept); {@link ApiTokenNotFoundError} for an unknown id.
   */
  revokeToken(id: string): Promise<{ record: ApiToken; alreadyRevoked: boolean }>;
}

/** No API token has this id (e.g. a typo in `aguavoz user revoke-token`). */
export class ApiTokenNotFoundError extends Error {
  readonly code = 'api_token_not_found' as const;
  constructor(readonly tokenId: string) {
    super(`no API token with id "${tokenId}" (see: aguavoz user tokens <username>)`);
    this.name = 'ApiTokenNotFoundError';
  }
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createApiTokenService(deps: { repo: Repository; now: () => string; newId: () => string }): ApiTokenService {
  const { repo } = deps;
  return {
    async issueToken(userId, label) {
      const user = await repo.getUser(userId);
      if (!user) throw new UserNotFoundError(userId);
      const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const record = await repo.createApiToken({
        id: deps.newId(),
        userId,
        tokenHash: hashApiToken(token),
        label: label.trim().slice(0, 100) || 'api',
        createdAt: deps.now(),
        lastUsedAt: null,
      });
      return { token, record };
    },

    async authenticate(bearer) {
      const token = (bearer ?? '').replace(/^Bearer\s+/i, '').trim();
      if (!TOKEN_PATTERN.test(token)) return null;
      const record = await repo.findApiTokenByHash(hashApiToken(token));
      if (!record || record.revokedAt) return null;
      const now = deps.now();
      if (!record.lastUsedAt || Date.parse(now) - Date.parse(record.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        await repo.touchApiToken(record.id, now);
      }
      return record;
    },

    listTokens(userId) {
      return repo.listApiTokens(userId);
    },

    async revokeToken(id) {
      const at = deps.now();
      try {
        const record = await repo.revokeApiToken(id, at);
        return { record, alreadyRevoked: record.revokedAt !== at };
      } catch (error) {
        if (error instanceof NotFoundError) throw new ApiTokenNotFoundError(id);
        throw error;
      }
    },
  };
}

function unauthorized(res: Response, message: string): void {
  res.status(401).set('WWW-Authenticate', 'Bearer realm="aguavoz"').json({ error: { code: 'unauthorized', message } });
}

/**
 * Express middleware for `/api/v1`: sets `res.locals.user` (re-read from the store, so a role or
 * locality change applies to the next request) or answers
 * `401 { "error": { "code": "unauthorized", "message": "…" } }`.
 */
export function requireApiToken(deps: { tokenService: ApiTokenService; repo: Repository }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization');
      if (!header || !/^Bearer\s+/i.test(header)) {
        unauthorized(res, 'send an API token as "Authorization: Bearer av_…"');
        return;
      }
      const record = await deps.tokenService.authenticate(header);
      const user = record ? await deps.repo.getUser(record.userId) : null;
      if (!record || !user || user.disabledAt) {
        unauthorized(res, 'the API token is not valid');
        return;
      }
      res.locals.user = toAuthenticatedUser(user);
      res.locals.apiTokenId = record.id;
      next();
    } catch (error) {
      next(error);
    }
  };
}
