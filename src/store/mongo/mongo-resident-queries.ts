/**
 * Residents in MongoDB, keyed by their unique phone: first contact is an upsert, so two racing
 * first messages end on the same document.
 */
import type { Resident } from '../../domain/resident';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { updateAndRead } from './mongo-access';
import { ignoreDuplicate } from './mongo-errors';
import { one, toDoc, type StoreModels } from './mongo-models';

export function getResident(m: StoreModels, id: string): Promise<Resident | null> {
  return one<Resident>(m.Resident.findById(id));
}

export function findResidentByPhone(m: StoreModels, phone: string): Promise<Resident | null> {
  return one<Resident>(m.Resident.findOne({ phone }));
}

/** Upsert on the unique phone; a concurrent upsert that loses the race reads the winner's row. */
export async function upsertResidentByPhone(m: StoreModels, resident: Resident): Promise<Resident> {
  await ignoreDuplicate('phone', m.Resident.updateOne({ phone: resident.phone }, { $setOnInsert: toDoc(resident) }, { upsert: true }));
  return (await one<Resident>(m.Resident.findOne({ phone: resident.phone }))) as Resident;
}

export function updateResident(
  m: StoreModels,
  id: string,
  patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>,
): Promise<Resident> {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.resident);
  return updateAndRead<Resident>(m.Resident, 'resident', id, set);
}
