/**
 * Turns the lifecycle's `notify` into the outbox row that tells the resident, in the resident's
 * language, on the ticket's channel, from the town's number. Pure: the ticket service stores the
 * row in the same unit of work as the ticket change.
 */
import type { Locality } from '../domain/locality';
import type { InboundMessage, OutboxMessage } from '../domain/message';
import type { Resident } from '../domain/resident';
import { phoneChannelOf, type Ticket } from '../domain/ticket';
import { MissingMessageError, type Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { TicketNotification } from './ticket-lifecycle';

/** Why no message went out; recorded in the timeline entry's data so the history stays honest. */
export type NoticeSkipReason = 'resident_opted_out' | 'resident_missing' | 'message_missing' | 'no_phone_channel';

export type ResidentNotice = { sent: true; outbox: OutboxMessage } | { sent: false; reason: NoticeSkipReason };

/**
 * The number to answer from: the locality number the resident last wrote to on this channel
 * (WhatsApp and SMS may use different numbers), else the locality's first number, else null
 * (the transport's default).
 */
export function chooseSenderNumber(
  locality: Pick<Locality, 'phoneNumbers'> | null,
  recentInbound: Array<Pick<InboundMessage, 'channel' | 'toPhone' | 'receivedAt'>>,
  channel: Ticket['channel'],
): string | null {
  const numbers = locality?.phoneNumbers ?? [];
  const latest = [...recentInbound]
    .filter((m) => m.channel === channel && numbers.includes(m.toPhone))
    .sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt))[0];
  return latest?.toPhone ?? numbers[0] ?? null;
}

export function composeResidentNotice(input: {
  ticket: Pick<Ticket, 'id' | 'channel'>;
  resident: Pick<Resident, 'id' | 'phone' | 'language' | 'optedOut'> | null;
  notify: TicketNotification;
  translator: Pick<Translator, 'render'>;
  fromPhone: string | null;
  /** `operator_reply` or `status_change`. */
  kind: string;
  id: string;
  now: string;
}): ResidentNotice {
  const { resident } = input;
  const channel = phoneChannelOf(input.ticket);
  if (!channel) return { sent: false, reason: 'no_phone_channel' };
  if (!resident) return { sent: false, reason: 'resident_missing' };
  if (resident.optedOut) return { sent: false, reason: 'resident_opted_out' };
  let text: string;
  try {
    text = input.translator.render(input.notify.key, resident.language, input.notify.params);
  } catch (error) {
    if (error instanceof MissingMessageError) return { sent: false, reason: 'message_missing' };
    throw error;
  }
  return {
    sent: true,
    outbox: newOutboxMessage({
      id: input.id,
      now: input.now,
      channel,
      toPhone: resident.phone,
      fromPhone: input.fromPhone,
      text,
      kind: input.kind,
      residentId: resident.id,
      ticketId: input.ticket.id,
    }),
  };
}
