/**
 * Open311 client keys in MongoDB: found by hash only; revoking keeps the first revocation time.
 */
import type { Open311Key } from '../../domain/open311-key';
import { NotFoundError } from '../repository';
import { create } from './mongo-access';
import { many, one, toDoc, type StoreModels } from './mongo-models';
import { setById } from './mongo-unit-of-work';

export function createOpen311Key(m: StoreModels, key: Open311Key): Promise<Open311Key> {
  return create<Open311Key>(m.Open311Key, toDoc(key));
}

export function findOpen311KeyByHash(m: StoreModels, keyHash: string): Promise<Open311Key | null> {
  return one<Open311Key>(m.Open311Key.findOne({ keyHash }));
}

export function listOpen311Keys(m: StoreModels): Promise<Open311Key[]> {
  return many<Open311Key>(m.Open311Key.find({}).sort({ createdAt: 1, _id: 1 }));
}

export function touchOpen311Key(m: StoreModels, id: string, at: string): Promise<void> {
  return setById(m.Open311Key, 'open311 key', id, { lastUsedAt: at });
}

export async function revokeOpen311Key(m: StoreModels, id: string, at: string): Promise<Open311Key> {
  // `revokedAt: null` also matches a missing field; a second revocation keeps the first time.
  await m.Open311Key.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
  const key = await one<Open311Key>(m.Open311Key.findById(id));
  if (!key) throw new NotFoundError('open311 key', id);
  return key;
}
