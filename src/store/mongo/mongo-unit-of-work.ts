/**
 * `commit` for MongoDB: every write of a unit inside one transaction on one session, so a failure
 * at the last write (a taken reference, a missing row) leaves nothing behind.
 */
import { Types, type ClientSession, type Connection } from 'mongoose';
import type { Ticket } from '../../domain/ticket';
import { NotFoundError, type UnitOfWork } from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { dueSortValue } from '../ticket-page';
import { toDoc, type StoreDoc, type StoreModel, type StoreModels } from './mongo-models';

/** Hidden ordering fields (see mongo-models) for rows that are listed by time. */
export const ord = (): StoreDoc => ({ ord: new Types.ObjectId() });
const ticketDoc = (ticket: Ticket): StoreDoc => toDoc(ticket, { dueSort: dueSortValue(ticket.resolutionDueAt) });

function ticketSet(patch: object): StoreDoc {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.ticket);
  if ('resolutionDueAt' in set) set.dueSort = dueSortValue(set.resolutionDueAt as string | null);
  return set;
}

/** Applies `$set` to one row (or only checks it exists when the patch is empty). */
export async function setById(model: StoreModel, entity: string, id: string, set: StoreDoc, session?: ClientSession): Promise<void> {
  if (Object.keys(set).length === 0) {
    if (!(await model.exists({ _id: id }).session(session ?? null))) throw new NotFoundError(entity, id);
    return;
  }
  const result = await model.updateOne({ _id: id }, { $set: set }, { session });
  if (result.matchedCount === 0) throw new NotFoundError(entity, id);
}

export async function applyUnit(connection: Connection, m: StoreModels, unit: UnitOfWork): Promise<void> {
  await connection.transaction(async (session) => {
    if (unit.inboundProcessed) {
      const { id, at, residentId, localityId } = unit.inboundProcessed;
      await setById(m.InboundMessage, 'inbound message', id, { processedAt: at, residentId, localityId }, session);
    }
    for (const { id, patch } of unit.residentUpdates ?? []) {
      await setById(m.Resident, 'resident', id, definedPatch(patch, IMMUTABLE_FIELDS.resident), session);
    }
    if (unit.ticketsCreated?.length) {
      await m.Ticket.insertMany(unit.ticketsCreated.map(ticketDoc), { session, ordered: true });
    }
    for (const { id, patch } of unit.ticketUpdates ?? []) await setById(m.Ticket, 'ticket', id, ticketSet(patch), session);
    if (unit.timeline?.length) {
      await m.TimelineEntry.insertMany(unit.timeline.map((entry) => toDoc(entry, ord())), { session, ordered: true });
    }
    if (unit.outbox?.length) {
      await m.OutboxMessage.insertMany(unit.outbox.map((message) => toDoc(message, ord())), { session, ordered: true });
    }
  });
}
