/**
 * Localities in SQLite: a town's numbers are a JSON array column, so the number lookup matches
 * inside it with `json_each`, and the catch-all locality answers numbers nobody owns.
 */
import type { Locality } from '../../domain/locality';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { LOCALITIES } from './sqlite-tables';

export function createLocality(a: SqliteAccess, locality: Locality): Locality {
  a.insert(LOCALITIES, locality);
  return a.one(LOCALITIES, 'id = ?', locality.id) as Locality;
}

export function getLocality(a: SqliteAccess, id: string): Locality | null {
  return a.one(LOCALITIES, 'id = ?', id);
}

export function findLocalityBySlug(a: SqliteAccess, slug: string): Locality | null {
  return a.one(LOCALITIES, 'slug = ?', slug);
}

export function findLocalityForNumber(a: SqliteAccess, toPhone: string): Locality | null {
  return (
    a.one(
      LOCALITIES,
      'EXISTS (SELECT 1 FROM json_each(localities.phone_numbers) WHERE value = ?) ORDER BY created_at, id',
      toPhone,
    ) ?? a.one(LOCALITIES, 'is_catch_all = 1 ORDER BY created_at, id')
  );
}

export function listLocalities(a: SqliteAccess): Locality[] {
  return a.many(LOCALITIES, 'ORDER BY created_at, id');
}

export function updateLocality(a: SqliteAccess, id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Locality {
  return a.updateAndRead(LOCALITIES, id, patch, IMMUTABLE_FIELDS.locality);
}
