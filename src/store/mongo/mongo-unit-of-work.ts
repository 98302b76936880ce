/**
 * `commit` for MongoDB: every write of a unit inside one transaction on one session, so a failure
 * at the last write (a taken reference, a missing row) leaves nothing behind.
 */
import { Types, type ClientSession, type Connection } from 'mongoose';
import { AlreadyProcessedError, NotFoundError, StaleTicketError, type CommitResult, type IncidentLink, type UnitOfWork } from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { toDoc, type StoreDoc, type StoreModel, type StoreModels } from './mongo-models';
import { applyIncidentUnit } from './mongo-incident-queries';
import { ticketDoc, updateTicket } from './mongo-ticket-due';

/** An inbound message still to process: neither processed nor dead-lettered. */
export const PENDING_INBOUND = { processedAt: null, failedAt: null } as const;

/** Hidden ordering fields (see mongo-models) for rows that are listed by time. */
export const ord = (): StoreDoc => ({ ord: new Types.ObjectId() });

/** Applies `$set` to one row (or only checks it exists when the patch is empty). */
export async function setById(model: StoreModel, entity: string, id: string, set: StoreDoc, session?: ClientSession): Promise<void> {
  if (Object.keys(set).length === 0) {
    if (!(await model.exists({ _id: id }).session(session ?? null))) throw new NotFoundError(entity, id);
    return;
  }
  const result = await model.updateOne({ _id: id }, { $set: set }, { session });
  if (result.matchedCount === 0) throw new NotFoundError(entity, id);
}

export async function applyUnit(connection: Connection, m: StoreModels, unit: UnitOfWork): Promise<CommitResult> {
  let incidentLinks: IncidentLink[] = [];
  // A retried transaction runs the callback again: only the last run's links are true.
  await connection.transaction(async (session) => {
    if (unit.inboundProcessed) await settleInbound(m.InboundMessage, 'processedAt', unit.inboundProcessed, session);
    if (unit.inboundFailed) await settleInbound(m.InboundMessage, 'failedAt', unit.inboundFailed, session);
    for (const { id, patch } of unit.residentUpdates ?? []) {
      await setById(m.Resident, 'resident', id, definedPatch(patch, IMMUTABLE_FIELDS.resident), session);
    }
    if (unit.ticketsCreated?.length) {
      await m.Ticket.insertMany(unit.ticketsCreated.map(ticketDoc), { session, ordered: true });
    }
    for (const { id, patch, expectedUpdatedAt } of unit.ticketUpdates ?? []) {
      if (expectedUpdatedAt !== undefined) {
        // Read in the transaction: a concurrent writer of this ticket makes one of the two abort.
        const current = (await m.Ticket.findById(id, 'updatedAt').session(session).lean()) as { updatedAt?: string } | null;
        if (!current) throw new NotFoundError('ticket', id);
        if (current.updatedAt !== expectedUpdatedAt) throw new StaleTicketError(id);
      }
      await updateTicket(m.Ticket, id, patch, session);
    }
    if (unit.timeline?.length) {
      await m.TimelineEntry.insertMany(unit.timeline.map((entry) => toDoc(entry, ord())), { session, ordered: true });
    }
    if (unit.outbox?.length) {
      await m.OutboxMessage.insertMany(unit.outbox.map((message) => toDoc(message, ord())), { session, ordered: true });
    }
    incidentLinks = await applyIncidentUnit(m, unit, session);
  });
  return { incidentLinks };
}

/**
 * Marks the message processed, or dead-lettered, only if nobody has done either. Two concurrent
 * turns for one message collide on the document (write conflict); the retried transaction then
 * sees it settled and refuses. `failedAt: null` also matches a message that never failed.
 */
async function settleInbound(
  model: StoreModel,
  field: 'processedAt' | 'failedAt',
  mark: NonNullable<UnitOfWork['inboundProcessed']>,
  session: ClientSession,
): Promise<void> {
  const { id, at, residentId, localityId } = mark;
  const result = await model.updateOne(
    { _id: id, ...PENDING_INBOUND },
    { $set: { [field]: at, residentId, localityId } },
    { session },
  );
  if (result.matchedCount === 1) return;
  if (await model.exists({ _id: id }).session(session)) throw new AlreadyProcessedError(id);
  throw new NotFoundError('inbound message', id);
}
