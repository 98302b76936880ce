/**
 * When a resident answers "not solved", the ticket reopens and the people who can act on it
 * must know at once: the assignee, or the on-duty staff when nobody is assigned. Returns the
 * outbox rows for the caller to store in the same unit of work as the reopening.
 */
import type { OutboxMessage } from '../domain/message';
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import type { Repository } from '../store/repository';
import { assigneeOrOnDuty } from './alert-recipients';
import { reopenedAlertText } from './alert-texts';
import { staffAlertRows } from './staff-alert-rows';

export async function reopenedAlertRows(input: {
  repo: Pick<Repository, 'listUsers' | 'getUser' | 'getLocality'>;
  translator: Pick<Translator, 'render'>;
  ticket: Ticket;
  now: string;
  newId: () => string;
  /** For recipients who chose no language; default Spanish. */
  language?: Language;
}): Promise<OutboxMessage[]> {
  const recipients = await assigneeOrOnDuty(input.repo, input.ticket);
  if (recipients.length === 0) return [];
  return staffAlertRows({
    recipients,
    text: (recipient) => reopenedAlertText(input.translator, input.ticket, recipient.language ?? input.language ?? 'es'),
    ticketId: input.ticket.id,
    locality: await input.repo.getLocality(input.ticket.localityId),
    now: input.now,
    idFor: () => input.newId(),
  });
}
