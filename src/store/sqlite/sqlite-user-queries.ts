/**
 * Staff accounts and their API tokens in SQLite. Tokens are found by hash only, and revoking
 * keeps the first revocation time so a repeated revoke does not rewrite history.
 */
import type { ApiToken, User } from '../../domain/user';
import { NotFoundError, type UserPatch } from '../repository';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { API_TOKENS, USERS } from './sqlite-tables';

export function createUser(a: SqliteAccess, user: User): User {
  a.insert(USERS, { ...user, sessionVersion: user.sessionVersion ?? 0 });
  return a.one(USERS, 'id = ?', user.id) as User;
}

export function getUser(a: SqliteAccess, id: string): User | null {
  return a.one(USERS, 'id = ?', id);
}

export function findUserByUsername(a: SqliteAccess, username: string): User | null {
  return a.one(USERS, 'username = ?', username);
}

export function findUserByPhone(a: SqliteAccess, phone: string): User | null {
  return a.one(USERS, 'phone = ?', phone);
}

export function listUsers(a: SqliteAccess, filter: { localityId?: string }): User[] {
  return filter.localityId === undefined
    ? a.many(USERS, 'ORDER BY username')
    : a.many(
        USERS,
        'WHERE EXISTS (SELECT 1 FROM json_each(users.locality_ids) WHERE value = ?) ORDER BY username',
        filter.localityId,
      );
}

export function updateUser(a: SqliteAccess, id: string, patch: UserPatch): User {
  return a.updateAndRead(USERS, id, patch, IMMUTABLE_FIELDS.user);
}

export function createApiToken(a: SqliteAccess, token: ApiToken): ApiToken {
  a.insert(API_TOKENS, token);
  return a.one(API_TOKENS, 'id = ?', token.id) as ApiToken;
}

export function findApiTokenByHash(a: SqliteAccess, tokenHash: string): ApiToken | null {
  return a.one(API_TOKENS, 'token_hash = ?', tokenHash);
}

export function touchApiToken(a: SqliteAccess, id: string, at: string): void {
  a.update(API_TOKENS, id, { lastUsedAt: at }, []);
}

export function listApiTokens(a: SqliteAccess, userId: string): ApiToken[] {
  return a.many(API_TOKENS, 'WHERE user_id = ? ORDER BY created_at, id', userId);
}

export function revokeApiToken(a: SqliteAccess, id: string, at: string): ApiToken {
  a.statement('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at, id);
  const token = a.one(API_TOKENS, 'id = ?', id);
  if (!token) throw new NotFoundError(API_TOKENS.entity, id);
  return token;
}
