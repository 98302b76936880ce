/**
 * One outbox row per staff recipient, by SMS (staff alerts must reach basic phones), from the
 * locality's first number, with `userId` set and no resident. Pure.
 */
import type { Locality } from '../domain/locality';
import type { OutboxMessage } from '../domain/message';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { AlertRecipient } from './alert-recipients';

export const ALERT_KIND = 'alert';

export function staffAlertRows(input: {
  recipients: AlertRecipient[];
  /** The text, or the text per recipient (each staff member reads alerts in their own language). */
  text: string | ((recipient: AlertRecipient) => string);
  ticketId: string | null;
  locality: Pick<Locality, 'phoneNumbers'> | null;
  now: string;
  /** The row id per recipient: random, or derived when the write must happen once. */
  idFor: (recipient: AlertRecipient) => string;
  kind?: string;
}): OutboxMessage[] {
  return input.recipients.map((recipient) =>
    newOutboxMessage({
      id: input.idFor(recipient),
      now: input.now,
      channel: 'sms',
      toPhone: recipient.phone,
      fromPhone: input.locality?.phoneNumbers[0] ?? null,
      text: typeof input.text === 'string' ? input.text : input.text(recipient),
      kind: input.kind ?? ALERT_KIND,
      userId: recipient.id,
      residentId: null,
      ticketId: input.ticketId,
    }),
  );
}
