/**
 * Inbound messages in MongoDB: deduped on the provider's message id, read back in arrival order
 * (the hidden `ord` breaks ties between equal timestamps), and counted when a processing attempt fails.
 */
import type { InboundMessage } from '../../domain/message';
import { NotFoundError } from '../repository';
import { ignoreDuplicate } from './mongo-errors';
import { many, one, toDoc, type StoreModels } from './mongo-models';
import { ord, PENDING_INBOUND } from './mongo-unit-of-work';

/** Upsert on the unique providerSid: only the call that created the row reports `inserted`. */
export async function insertInboundMessage(
  m: StoreModels,
  message: InboundMessage,
): Promise<{ inserted: boolean; message: InboundMessage }> {
  const result = await ignoreDuplicate(
    'providerSid',
    m.InboundMessage.updateOne({ providerSid: message.providerSid }, { $setOnInsert: toDoc(message, ord()) }, { upsert: true }),
  );
  const stored = await one<InboundMessage>(m.InboundMessage.findOne({ providerSid: message.providerSid }));
  return { inserted: result?.upsertedCount === 1, message: stored as InboundMessage };
}

export function getInboundMessage(m: StoreModels, id: string): Promise<InboundMessage | null> {
  return one<InboundMessage>(m.InboundMessage.findById(id));
}

export function listUnprocessedInboundFrom(m: StoreModels, fromPhone: string): Promise<InboundMessage[]> {
  return many<InboundMessage>(m.InboundMessage.find({ fromPhone, ...PENDING_INBOUND }).sort({ receivedAt: 1, ord: 1 }));
}

export function listUnprocessedInbound(
  m: StoreModels,
  options: { receivedBefore: string; limit: number },
): Promise<InboundMessage[]> {
  const query = { ...PENDING_INBOUND, receivedAt: { $lt: options.receivedBefore } };
  return many<InboundMessage>(m.InboundMessage.find(query).sort({ receivedAt: 1, ord: 1 }).limit(options.limit));
}

export async function recordInboundFailure(
  m: StoreModels,
  id: string,
  failure: { at: string; reason: string },
): Promise<InboundMessage> {
  await m.InboundMessage.updateOne(
    { _id: id, ...PENDING_INBOUND },
    { $inc: { processingFailures: 1 }, $set: { lastFailureAt: failure.at, lastFailureReason: failure.reason } },
  );
  const message = await one<InboundMessage>(m.InboundMessage.findById(id));
  if (!message) throw new NotFoundError('inbound message', id);
  return message;
}

export function listInboundByResident(m: StoreModels, residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
  return many<InboundMessage>(m.InboundMessage.find({ residentId }).sort({ receivedAt: -1, ord: -1 }).limit(options.limit));
}

export function listDeadLetteredInbound(
  m: StoreModels,
  options: { localityIds?: string[]; limit: number },
): Promise<InboundMessage[]> {
  const query: Record<string, unknown> = { failedAt: { $type: 'string' } };
  if (options.localityIds !== undefined) query.localityId = { $in: [...options.localityIds, null] };
  return many<InboundMessage>(m.InboundMessage.find(query).sort({ failedAt: -1, ord: -1 }).limit(options.limit));
}

export async function requeueDeadLetteredInbound(m: StoreModels, id: string): Promise<{ requeued: boolean; message: InboundMessage }> {
  const result = await m.InboundMessage.updateOne(
    { _id: id, failedAt: { $type: 'string' }, processedAt: null },
    { $unset: { failedAt: 1, processingFailures: 1 } },
  );
  const message = await one<InboundMessage>(m.InboundMessage.findById(id));
  if (!message) throw new NotFoundError('inbound message', id);
  return { requeued: result.modifiedCount === 1, message };
}
