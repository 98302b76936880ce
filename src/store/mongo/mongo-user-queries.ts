/**
 * Staff accounts and their API tokens in MongoDB. Tokens are found by hash only, and revoking
 * keeps the first revocation time so a repeated revoke does not rewrite history.
 */
import type { ApiToken, User } from '../../domain/user';
import { NotFoundError, type UserPatch } from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { create, updateAndRead } from './mongo-access';
import { fromDoc, many, one, toDoc, type StoreModels } from './mongo-models';
import { setById } from './mongo-unit-of-work';

export function createUser(m: StoreModels, user: User): Promise<User> {
  return create<User>(m.User, toDoc({ ...user, sessionVersion: user.sessionVersion ?? 0 }));
}

export function getUser(m: StoreModels, id: string): Promise<User | null> {
  return one<User>(m.User.findById(id));
}

export function findUserByUsername(m: StoreModels, username: string): Promise<User | null> {
  return one<User>(m.User.findOne({ username }));
}

/** The unique `phone` index is partial (staff without a phone): see `byProviderSid` for why the `$type`. */
export function byPhone(phone: string) {
  return { phone: { $eq: phone, $type: 'string' as const } };
}

export function findUserByPhone(m: StoreModels, phone: string): Promise<User | null> {
  return one<User>(m.User.findOne(byPhone(phone)));
}

export function listUsers(m: StoreModels, filter: { localityId?: string }): Promise<User[]> {
  const query = filter.localityId === undefined ? {} : { localityIds: filter.localityId };
  return many<User>(m.User.find(query).sort({ username: 1 }));
}

/** Optional fields that are absent rather than null (as the SQLite adapter reads them back). */
const UNSET_WHEN_NULL = ['language', 'disabledAt'];

export async function updateUser(m: StoreModels, id: string, patch: UserPatch): Promise<User> {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.user);
  const unset: Record<string, 1> = {};
  for (const field of UNSET_WHEN_NULL) {
    if (field in set && set[field] === null) {
      delete set[field];
      unset[field] = 1;
    }
  }
  if (Object.keys(unset).length === 0) return updateAndRead<User>(m.User, 'user', id, set);
  const update = Object.keys(set).length > 0 ? { $set: set, $unset: unset } : { $unset: unset };
  const doc = await m.User.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' }).lean();
  if (!doc) throw new NotFoundError('user', id);
  return fromDoc<User>(doc);
}

export function createApiToken(m: StoreModels, token: ApiToken): Promise<ApiToken> {
  return create<ApiToken>(m.ApiToken, toDoc({ ...token, revokedAt: token.revokedAt ?? null }));
}

export function findApiTokenByHash(m: StoreModels, tokenHash: string): Promise<ApiToken | null> {
  return one<ApiToken>(m.ApiToken.findOne({ tokenHash }));
}

export function touchApiToken(m: StoreModels, id: string, at: string): Promise<void> {
  return setById(m.ApiToken, 'api token', id, { lastUsedAt: at });
}

export function listApiTokens(m: StoreModels, userId: string): Promise<ApiToken[]> {
  return many<ApiToken>(m.ApiToken.find({ userId }).sort({ createdAt: 1, _id: 1 }));
}

export async function revokeApiToken(m: StoreModels, id: string, at: string): Promise<ApiToken> {
  // `revokedAt: null` also matches a missing field; a second revocation keeps the first time.
  await m.ApiToken.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
  const token = await one<ApiToken>(m.ApiToken.findById(id));
  if (!token) throw new NotFoundError('api token', id);
  return token;
}
