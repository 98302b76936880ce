import type { UnitOfWork } from '../repository';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { INBOUND, OUTBOX, RESIDENTS, TICKETS, TIMELINE } from './sqlite-tables';

/** Runs inside one `BEGIN IMMEDIATE` transaction: any throw rolls every write back. */
export function applyUnit(a: SqliteAccess, unit: UnitOfWork): void {
  if (unit.inboundProcessed) {
    const { id, at, residentId, localityId } = unit.inboundProcessed;
    a.update(INBOUND, id, { processedAt: at, residentId, localityId }, []);
  }
  for (const { id, patch } of unit.residentUpdates ?? []) a.update(RESIDENTS, id, patch, IMMUTABLE_FIELDS.resident);
  for (const ticket of unit.ticketsCreated ?? []) a.insert(TICKETS, ticket);
  for (const { id, patch } of unit.ticketUpdates ?? []) a.update(TICKETS, id, patch, IMMUTABLE_FIELDS.ticket);
  for (const entry of unit.timeline ?? []) a.insert(TIMELINE, entry);
  for (const message of unit.outbox ?? []) a.insert(OUTBOX, message);
}
