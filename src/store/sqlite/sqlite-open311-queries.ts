/**
 * Open311 client keys in SQLite: found by hash only; revoking keeps the first revocation time.
 */
import type { Open311Key } from '../../domain/open311-key';
import { NotFoundError } from '../repository';
import type { SqliteAccess } from './sqlite-access';
import { OPEN311_KEYS } from './sqlite-tables';

export function createOpen311Key(a: SqliteAccess, key: Open311Key): Open311Key {
  a.insert(OPEN311_KEYS, key);
  return a.one(OPEN311_KEYS, 'id = ?', key.id) as Open311Key;
}

export function findOpen311KeyByHash(a: SqliteAccess, keyHash: string): Open311Key | null {
  return a.one(OPEN311_KEYS, 'key_hash = ?', keyHash);
}

export function listOpen311Keys(a: SqliteAccess): Open311Key[] {
  return a.many(OPEN311_KEYS, 'ORDER BY created_at, id');
}

export function touchOpen311Key(a: SqliteAccess, id: string, at: string): void {
  a.update(OPEN311_KEYS, id, { lastUsedAt: at }, []);
}

export function revokeOpen311Key(a: SqliteAccess, id: string, at: string): Open311Key {
  a.statement('UPDATE open311_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at, id);
  const key = a.one(OPEN311_KEYS, 'id = ?', id);
  if (!key) throw new NotFoundError(OPEN311_KEYS.entity, id);
  return key;
}
