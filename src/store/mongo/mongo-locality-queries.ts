/**
 * Localities in MongoDB: `phoneNumbers` is an array, so an equality match finds the town owning
 * a number, and the catch-all locality answers numbers nobody owns.
 */
import type { Locality } from '../../domain/locality';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { create, updateAndRead } from './mongo-access';
import { many, one, toDoc, type StoreModels } from './mongo-models';

export function createLocality(m: StoreModels, locality: Locality): Promise<Locality> {
  return create<Locality>(m.Locality, toDoc(locality));
}

export function getLocality(m: StoreModels, id: string): Promise<Locality | null> {
  return one<Locality>(m.Locality.findById(id));
}

export function findLocalityBySlug(m: StoreModels, slug: string): Promise<Locality | null> {
  return one<Locality>(m.Locality.findOne({ slug }));
}

export async function findLocalityForNumber(m: StoreModels, toPhone: string): Promise<Locality | null> {
  return (
    (await one<Locality>(m.Locality.findOne({ phoneNumbers: toPhone }).sort({ createdAt: 1, _id: 1 }))) ??
    (await one<Locality>(m.Locality.findOne({ isCatchAll: true }).sort({ createdAt: 1, _id: 1 })))
  );
}

export function listLocalities(m: StoreModels): Promise<Locality[]> {
  return many<Locality>(m.Locality.find().sort({ createdAt: 1, _id: 1 }));
}

export function updateLocality(
  m: StoreModels,
  id: string,
  patch: Partial<Omit<Locality, 'id' | 'createdAt'>>,
): Promise<Locality> {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.locality);
  return updateAndRead<Locality>(m.Locality, 'locality', id, set);
}
