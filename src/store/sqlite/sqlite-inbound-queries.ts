/**
 * Inbound messages in SQLite: deduped on the provider's message id, read back in arrival order
 * (`seq` breaks ties between equal timestamps), and counted when a processing attempt fails.
 */
import type { InboundMessage } from '../../domain/message';
import { NotFoundError } from '../repository';
import type { SqliteAccess } from './sqlite-access';
import { INBOUND } from './sqlite-tables';

/** Still to process: neither processed nor dead-lettered (what the partial pending indexes hold). */
const PENDING = 'processed_at IS NULL AND failed_at IS NULL';

/** A new message is returned as given (no read-back: it is on the hot path); a redelivery as stored. */
export function insertInboundMessage(a: SqliteAccess, message: InboundMessage): { inserted: boolean; message: InboundMessage } {
  if (a.insertIfAbsent(INBOUND, message, 'provider_sid')) return { inserted: true, message };
  return { inserted: false, message: a.one(INBOUND, 'provider_sid = ?', message.providerSid) as InboundMessage };
}

export function getInboundMessage(a: SqliteAccess, id: string): InboundMessage | null {
  return a.one(INBOUND, 'id = ?', id);
}

export function listUnprocessedInboundFrom(a: SqliteAccess, fromPhone: string): InboundMessage[] {
  return a.many(INBOUND, `WHERE from_phone = ? AND ${PENDING} ORDER BY received_at, seq`, fromPhone);
}

export function listUnprocessedInbound(a: SqliteAccess, options: { receivedBefore: string; limit: number }): InboundMessage[] {
  return a.many(
    INBOUND,
    `WHERE ${PENDING} AND received_at < ? ORDER BY received_at, seq LIMIT ?`,
    options.receivedBefore,
    options.limit,
  );
}

export function recordInboundFailure(a: SqliteAccess, id: string, failure: { at: string; reason: string }): InboundMessage {
  a.statement(
    `UPDATE ${INBOUND.table} SET processing_failures = COALESCE(processing_failures, 0) + 1,
       last_failure_at = ?, last_failure_reason = ? WHERE id = ? AND ${PENDING}`,
  ).run(failure.at, failure.reason, id);
  const message = a.one(INBOUND, 'id = ?', id);
  if (!message) throw new NotFoundError(INBOUND.entity, id);
  return message;
}

export function listInboundByResident(a: SqliteAccess, residentId: string, options: { limit: number }): InboundMessage[] {
  return a.many(INBOUND, 'WHERE resident_id = ? ORDER BY received_at DESC, seq DESC LIMIT ?', residentId, options.limit);
}

export function listDeadLetteredInbound(a: SqliteAccess, options: { localityIds?: string[]; limit: number }): InboundMessage[] {
  if (options.localityIds === undefined) {
    return a.many(INBOUND, 'WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, seq DESC LIMIT ?', options.limit);
  }
  const marks = options.localityIds.map(() => '?').join(', ');
  const inLocalities = options.localityIds.length > 0 ? `locality_id IN (${marks}) OR ` : '';
  return a.many(
    INBOUND,
    `WHERE failed_at IS NOT NULL AND (${inLocalities}locality_id IS NULL) ORDER BY failed_at DESC, seq DESC LIMIT ?`,
    ...options.localityIds,
    options.limit,
  );
}

export function requeueDeadLetteredInbound(a: SqliteAccess, id: string): { requeued: boolean; message: InboundMessage } {
  const { changes } = a
    .statement(
      `UPDATE ${INBOUND.table} SET failed_at = NULL, processing_failures = NULL
       WHERE id = ? AND failed_at IS NOT NULL AND processed_at IS NULL`,
    )
    .run(id);
  const message = a.one(INBOUND, 'id = ?', id);
  if (!message) throw new NotFoundError(INBOUND.entity, id);
  return { requeued: changes === 1, message };
}
