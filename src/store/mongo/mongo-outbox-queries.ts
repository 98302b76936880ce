/**
 * The outbox in MongoDB: replies and alerts waiting to be sent, read by provider id for status
 * callbacks, by status for the sweeper, and per recipient in write order (`ord`) for ordered sending.
 */
import type { OutboxMessage, OutboxStatus } from '../../domain/message';
import type { OutboxRecipient } from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { updateAndRead } from './mongo-access';
import { many, one, type StoreModels } from './mongo-models';

export function getOutbox(m: StoreModels, id: string): Promise<OutboxMessage | null> {
  return one<OutboxMessage>(m.OutboxMessage.findById(id));
}

/**
 * The `providerSid` index is partial (`$type: 'string'`, rows not yet sent have none), and MongoDB
 * uses a partial index only for a query that implies its filter: a bare equality does not, and
 * every status callback became a collection scan. Repeating the `$type` makes the index usable.
 */
export function byProviderSid(providerSid: string) {
  return { providerSid: { $eq: providerSid, $type: 'string' as const } };
}

export function findOutboxByProviderSid(m: StoreModels, providerSid: string): Promise<OutboxMessage | null> {
  return one<OutboxMessage>(m.OutboxMessage.findOne(byProviderSid(providerSid)).sort({ createdAt: 1, ord: 1 }));
}

export function updateOutbox(
  m: StoreModels,
  id: string,
  patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>,
): Promise<void> {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.outbox);
  return updateAndRead<OutboxMessage>(m.OutboxMessage, 'outbox message', id, set).then(() => undefined);
}

export function listOutboxByStatus(
  m: StoreModels,
  options: { status: OutboxStatus; createdBefore: string; limit: number },
): Promise<OutboxMessage[]> {
  const query = { status: options.status, createdAt: { $lt: options.createdBefore } };
  return many<OutboxMessage>(m.OutboxMessage.find(query).sort({ createdAt: 1, ord: 1 }).limit(options.limit));
}

export function listOutboxByResident(m: StoreModels, residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
  return many<OutboxMessage>(m.OutboxMessage.find({ residentId }).sort({ createdAt: -1, ord: -1 }).limit(options.limit));
}

export function listOutboxToPhone(m: StoreModels, toPhone: string, options: { limit: number }): Promise<OutboxMessage[]> {
  return many<OutboxMessage>(m.OutboxMessage.find({ toPhone }).sort({ createdAt: -1, ord: -1 }).limit(options.limit));
}

export function listQueuedOutboxFor(
  m: StoreModels,
  options: OutboxRecipient & { createdAtOrBefore: string; limit: number },
): Promise<OutboxMessage[]> {
  const recipient = options.residentId !== undefined ? { residentId: options.residentId } : { userId: options.userId };
  const query = { ...recipient, status: 'queued', createdAt: { $lte: options.createdAtOrBefore } };
  return many<OutboxMessage>(m.OutboxMessage.find(query).sort({ createdAt: 1, ord: 1 }).limit(options.limit));
}
