/**
 * The write-then-read-back helpers every collection uses, so each port method returns the row as
 * stored (defaults applied, hidden fields stripped) exactly as the SQLite adapter does.
 */
import { NotFoundError } from '../repository';
import { fromDoc, type StoreDoc, type StoreModel } from './mongo-models';

export async function create<T>(model: StoreModel, doc: StoreDoc): Promise<T> {
  await model.create(doc);
  return fromDoc<T>(await model.findById(doc._id).lean());
}

/** Applies `$set` and returns the row after; an empty set only reads it. NotFoundError when missing. */
export async function updateAndRead<T>(model: StoreModel, entity: string, id: string, set: StoreDoc): Promise<T> {
  const doc =
    Object.keys(set).length === 0
      ? await model.findById(id).lean()
      : await model.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }).lean();
  if (!doc) throw new NotFoundError(entity, id);
  return fromDoc<T>(doc);
}
