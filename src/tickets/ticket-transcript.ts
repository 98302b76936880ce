/**
 * The conversation an operator reads on a ticket: what the resident wrote and what we sent back,
 * in time order. Pure, so the ordering rules are tested without a store.
 */
import type { InboundMessage, OutboxMessage } from '../domain/message';
import type { TranscriptLine } from './ticket-service-types';

/**
 * Merges inbound messages and outbox rows by time; at the same instant the resident's message
 * comes first, because our answer is always caused by it.
 *
 * @example buildTranscript({ inbound: [{ receivedAt: '…:00Z', body: 'Hola' }], outbox: [{ createdAt: '…:01Z', body: 'Buenos días', status: 'sent' }] })
 *   // [{ direction: 'in', body: 'Hola', … }, { direction: 'out', body: 'Buenos días', status: 'sent', … }]
 */
export function buildTranscript(input: {
  inbound: Array<Pick<InboundMessage, 'receivedAt' | 'body'>>;
  outbox: Array<Pick<OutboxMessage, 'createdAt' | 'body' | 'status'>>;
}): TranscriptLine[] {
  const lines: TranscriptLine[] = [
    ...input.inbound.map((m) => ({ direction: 'in' as const, at: m.receivedAt, body: m.body, status: null })),
    ...input.outbox.map((m) => ({ direction: 'out' as const, at: m.createdAt, body: m.body, status: m.status })),
  ];
  return lines.sort((a, b) => {
    const byTime = Date.parse(a.at) - Date.parse(b.at);
    if (byTime !== 0) return byTime;
    return a.direction === b.direction ? 0 : a.direction === 'in' ? -1 : 1;
  });
}
