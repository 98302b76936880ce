/**
 * Residents in SQLite, keyed by their unique phone: first contact inserts with
 * `ON CONFLICT DO NOTHING` and reads back, so two racing first messages end on the same row.
 */
import type { Resident } from '../../domain/resident';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { RESIDENTS } from './sqlite-tables';

export function getResident(a: SqliteAccess, id: string): Resident | null {
  return a.one(RESIDENTS, 'id = ?', id);
}

export function findResidentByPhone(a: SqliteAccess, phone: string): Resident | null {
  return a.one(RESIDENTS, 'phone = ?', phone);
}

export function upsertResidentByPhone(a: SqliteAccess, resident: Resident): Resident {
  a.insertIfAbsent(RESIDENTS, resident, 'phone');
  return a.one(RESIDENTS, 'phone = ?', resident.phone) as Resident;
}

export function updateResident(
  a: SqliteAccess,
  id: string,
  patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>,
): Resident {
  return a.updateAndRead(RESIDENTS, id, patch, IMMUTABLE_FIELDS.resident);
}
