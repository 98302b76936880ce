/**
 * Keeps the hidden `dueSort` field of tickets equal to `dueSortValue(ticket)` (the next open
 * deadline), which the queue sorts and pages on. It depends on three fields, and a patch often
 * carries only one (recording a first response sets `firstResponseAt` alone), so an update that
 * touches any of them reads the others inside the same transaction before writing.
 */
import type { ClientSession } from 'mongoose';
import type { Ticket } from '../../domain/ticket';
import { NotFoundError } from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { dueSortValue, type DeadlineFields } from '../ticket-page';
import { toDoc, type StoreDoc, type StoreModel } from './mongo-models';

const DEADLINE_FIELDS = ['firstResponseAt', 'firstResponseDueAt', 'resolutionDueAt'] as const;

export function ticketDoc(ticket: Ticket): StoreDoc {
  const doc = toDoc(ticket, { dueSort: dueSortValue(ticket) });
  if (doc.incidentId === null) delete doc.incidentId;
  return doc;
}

/** Applies a ticket patch in the unit's transaction; NotFoundError when the ticket is missing. */
export async function updateTicket(model: StoreModel, id: string, patch: object, session: ClientSession): Promise<void> {
  const set: StoreDoc = definedPatch(patch, IMMUTABLE_FIELDS.ticket);
  if (DEADLINE_FIELDS.some((field) => field in set)) {
    const current = (await model.findById(id, DEADLINE_FIELDS.join(' ')).session(session).lean()) as DeadlineFields | null;
    if (!current) throw new NotFoundError('ticket', id);
    set.dueSort = dueSortValue({ ...deadlinesOf(current), ...presentDeadlines(set) });
  }
  // An optional field set to null is stored as absent, so reads match the SQLite adapter's.
  const unset: StoreDoc = {};
  if (set.incidentId === null) {
    delete set.incidentId;
    unset.incidentId = '';
  }
  if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) {
    if (!(await model.exists({ _id: id }).session(session))) throw new NotFoundError('ticket', id);
    return;
  }
  const update = Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
  const result = await model.updateOne({ _id: id }, update, { session });
  if (result.matchedCount === 0) throw new NotFoundError('ticket', id);
}

/** A stored document's deadline fields, a missing one read as null (as MongoDB matches it). */
function deadlinesOf(doc: Partial<DeadlineFields>): DeadlineFields {
  return {
    firstResponseAt: doc.firstResponseAt ?? null,
    firstResponseDueAt: doc.firstResponseDueAt ?? null,
    resolutionDueAt: doc.resolutionDueAt ?? null,
  };
}

/** Only the deadline fields a patch sets, so the others keep their stored values. */
function presentDeadlines(set: StoreDoc): Partial<DeadlineFields> {
  const out: StoreDoc = {};
  for (const field of DEADLINE_FIELDS) if (field in set) out[field] = set[field] ?? null;
  return out as Partial<DeadlineFields>;
}

/**
 * Tickets written while `dueSort` meant "resolution deadline only" are unanswered ones with a
 * first-response deadline; each is rewritten only if it is still unanswered with that deadline,
 * so a concurrent first response is never overwritten with a stale value. Idempotent.
 */
export async function backfillDueSort(model: StoreModel): Promise<number> {
  const unanswered = (await model
    .find({ firstResponseAt: null, firstResponseDueAt: { $type: 'string' } }, `${DEADLINE_FIELDS.join(' ')} dueSort`)
    .lean()) as unknown as Array<Partial<DeadlineFields> & { _id: string; dueSort?: string }>;
  const stale = unanswered
    .map((doc) => ({ id: doc._id, stored: doc.dueSort, deadlines: deadlinesOf(doc) }))
    .filter((doc) => doc.stored !== dueSortValue(doc.deadlines));
  if (stale.length === 0) return 0;
  const result = await model.bulkWrite(
    stale.map((doc) => ({
      updateOne: {
        filter: { _id: doc.id, firstResponseAt: null, firstResponseDueAt: doc.deadlines.firstResponseDueAt },
        update: { $set: { dueSort: dueSortValue(doc.deadlines) } },
      },
    })),
    { ordered: false },
  );
  return result.modifiedCount;
}
