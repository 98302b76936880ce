import { AlreadyProcessedError, NotFoundError, StaleTicketError, type CommitResult, type UnitOfWork } from '../repository';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { applyIncidentUnit } from './sqlite-incident-queries';
import { INBOUND, OUTBOX, RESIDENTS, TICKETS, TIMELINE } from './sqlite-tables';

/** Runs inside one `BEGIN IMMEDIATE` transaction: any throw rolls every write back. */
export function applyUnit(a: SqliteAccess, unit: UnitOfWork): CommitResult {
  if (unit.inboundProcessed) settleInbound(a, 'processed_at', unit.inboundProcessed);
  if (unit.inboundFailed) settleInbound(a, 'failed_at', unit.inboundFailed);
  for (const { id, patch } of unit.residentUpdates ?? []) a.update(RESIDENTS, id, patch, IMMUTABLE_FIELDS.resident);
  for (const ticket of unit.ticketsCreated ?? []) a.insert(TICKETS, ticket);
  for (const { id, patch, expectedUpdatedAt } of unit.ticketUpdates ?? []) {
    if (expectedUpdatedAt !== undefined) assertTicketVersion(a, id, expectedUpdatedAt);
    a.update(TICKETS, id, patch, IMMUTABLE_FIELDS.ticket);
  }
  for (const entry of unit.timeline ?? []) a.insert(TIMELINE, entry);
  for (const message of unit.outbox ?? []) a.insert(OUTBOX, message);
  return { incidentLinks: applyIncidentUnit(a, unit) };
}

/**
 * Marks the message processed, or dead-lettered, only if nobody has done either: a second turn
 * for it, or a turn racing its dead-lettering, must write nothing.
 */
function settleInbound(a: SqliteAccess, column: 'processed_at' | 'failed_at', mark: NonNullable<UnitOfWork['inboundProcessed']>): void {
  const { changes } = a
    .statement(
      `UPDATE ${INBOUND.table} SET ${column} = ?, resident_id = ?, locality_id = ?
       WHERE id = ? AND processed_at IS NULL AND failed_at IS NULL`,
    )
    .run(mark.at, mark.residentId, mark.localityId, mark.id);
  if (changes === 1) return;
  if (a.statement(`SELECT 1 FROM ${INBOUND.table} WHERE id = ?`).get(mark.id)) throw new AlreadyProcessedError(mark.id);
  throw new NotFoundError(INBOUND.entity, mark.id);
}

/** Inside the unit's `BEGIN IMMEDIATE`: nobody can write the ticket between this read and the update. */
function assertTicketVersion(a: SqliteAccess, id: string, expectedUpdatedAt: string): void {
  const row = a.statement(`SELECT updated_at FROM ${TICKETS.table} WHERE id = ?`).get(id) as { updated_at: string } | undefined;
  if (!row) throw new NotFoundError(TICKETS.entity, id);
  if (row.updated_at !== expectedUpdatedAt) throw new StaleTicketError(id);
}
