/**
 * Builds the outbox row for one outgoing message. Every producer (conversation replies, operator
 * replies, alerts, committee summaries) goes through here so the text is adapted to the channel
 * once, at the moment it is stored: the row holds exactly what will be sent (GSM-7 on SMS, so a
 * reply stays in one 160-character segment instead of 70-character UCS-2 ones).
 *
 * @example
 * newOutboxMessage({ id, now, channel: 'sms', toPhone: '+51987654321', fromPhone: '+51940000001',
 *   text: 'Su reclamo 4821 está registrado.', kind: 'flow_reply', residentId, ticketId })
 * // → { body: 'Su reclamo 4821 esta registrado.', status: 'queued', attempts: 0, … }
 */
import type { OutboxMessage } from '../../domain/message';
import type { Channel } from '../../domain/resident';
import { adaptForChannel } from '../../i18n/channel-text';

export interface NewOutboxMessageInput {
  id: string;
  /** ISO-8601 UTC. */
  now: string;
  channel: Channel;
  toPhone: string;
  fromPhone: string | null;
  /** Localized text as rendered; adapted to the channel here. */
  text: string;
  /** Why it is sent: `flow_reply`, `operator_reply`, `status_change`, `alert`, `opt_out_confirmation`… */
  kind: string;
  residentId?: string | null;
  userId?: string | null;
  ticketId?: string | null;
}

export function newOutboxMessage(input: NewOutboxMessageInput): OutboxMessage {
  return {
    id: input.id,
    residentId: input.residentId ?? null,
    userId: input.userId ?? null,
    ticketId: input.ticketId ?? null,
    channel: input.channel,
    toPhone: input.toPhone,
    fromPhone: input.fromPhone,
    body: adaptForChannel(input.text, input.channel),
    kind: input.kind,
    status: 'queued',
    providerSid: null,
    attempts: 0,
    errorCode: null,
    createdAt: input.now,
    updatedAt: input.now,
  };
}
