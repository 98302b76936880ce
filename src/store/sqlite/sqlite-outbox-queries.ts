/**
 * The outbox in SQLite: replies and alerts waiting to be sent, read by provider id for status
 * callbacks, by status for the sweeper, and per recipient in write order (`seq`) for ordered sending.
 */
import type { OutboxMessage, OutboxStatus } from '../../domain/message';
import type { OutboxRecipient } from '../repository';
import { IMMUTABLE_FIELDS } from '../store-patch';
import type { SqliteAccess } from './sqlite-access';
import { OUTBOX } from './sqlite-tables';

export function getOutbox(a: SqliteAccess, id: string): OutboxMessage | null {
  return a.one(OUTBOX, 'id = ?', id);
}

export function findOutboxByProviderSid(a: SqliteAccess, providerSid: string): OutboxMessage | null {
  return a.one(OUTBOX, 'provider_sid = ? ORDER BY created_at, seq', providerSid);
}

export function updateOutbox(
  a: SqliteAccess,
  id: string,
  patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>,
): void {
  a.update(OUTBOX, id, patch, IMMUTABLE_FIELDS.outbox);
}

export function listOutboxByStatus(
  a: SqliteAccess,
  options: { status: OutboxStatus; createdBefore: string; limit: number },
): OutboxMessage[] {
  return a.many(
    OUTBOX,
    'WHERE status = ? AND created_at < ? ORDER BY created_at, seq LIMIT ?',
    options.status,
    options.createdBefore,
    options.limit,
  );
}

export function listOutboxByResident(a: SqliteAccess, residentId: string, options: { limit: number }): OutboxMessage[] {
  return a.many(OUTBOX, 'WHERE resident_id = ? ORDER BY created_at DESC, seq DESC LIMIT ?', residentId, options.limit);
}

export function listOutboxToPhone(a: SqliteAccess, toPhone: string, options: { limit: number }): OutboxMessage[] {
  return a.many(OUTBOX, 'WHERE to_phone = ? ORDER BY created_at DESC, seq DESC LIMIT ?', toPhone, options.limit);
}

export function listQueuedOutboxFor(
  a: SqliteAccess,
  options: OutboxRecipient & { createdAtOrBefore: string; limit: number },
): OutboxMessage[] {
  const [column, id] = options.residentId !== undefined ? ['resident_id', options.residentId] : ['user_id', options.userId];
  return a.many(
    OUTBOX,
    `WHERE ${column} = ? AND status = 'queued' AND created_at <= ? ORDER BY created_at, seq LIMIT ?`,
    id,
    options.createdAtOrBefore,
    options.limit,
  );
}
