/**
 * `ESTADO <ref>`: the resident asks where their complaint stands. References are 7 digits and
 * guessing is free on WhatsApp, so (issue 7.2):
 * - only tickets of the town the resident wrote to are found, so a guessed reference does not
 *   reveal another town's complaints;
 * - the ticket's own reporter gets the status and the operator's last public note; anyone else
 *   gets the status word only, never a note or a detail (a note can say "we come to your house
 *   at Jr. Lima 123 tomorrow at 8");
 * - look-ups are limited per sender ({@link StatusLookupLimiter}): past the limit the answer is
 *   "too many look-ups", whatever the reference.
 */
import type { Repository } from '../store/repository';

export interface StatusReply {
  key: 'status.reply' | 'status.reply_with_note' | 'status.not_found' | 'abuse.status_too_many';
  params: Record<string, string>;
  /** The ticket the answer is about, only when the asker is its reporter (the row joins its transcript). */
  ticketId: string | null;
}

/** Counts one look-up by a resident; false once they are over the limit. */
export interface StatusLookupLimiter {
  allow(residentId: string, messageId: string): Promise<boolean>;
}

export async function lookUpStatus(
  repo: Pick<Repository, 'findTicketByReference' | 'listTimeline'>,
  options: { reference: string; localityId: string; residentId: string; messageId: string; limiter?: StatusLookupLimiter },
): Promise<StatusReply> {
  if (options.limiter && !(await options.limiter.allow(options.residentId, options.messageId))) {
    return { key: 'abuse.status_too_many', params: {}, ticketId: null };
  }
  const ticket = await repo.findTicketByReference(options.reference);
  if (!ticket || ticket.localityId !== options.localityId) {
    return { key: 'status.not_found', params: { reference: options.reference }, ticketId: null };
  }
  if (ticket.residentId !== options.residentId) {
    return { key: 'status.reply', params: { reference: ticket.reference, status: ticket.status }, ticketId: null };
  }
  const timeline = await repo.listTimeline(ticket.id);
  const lastNote = [...timeline]
    .filter((entry) => entry.isPublic && entry.text !== null && entry.text.trim() !== '')
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .pop();
  if (lastNote?.text) {
    return {
      key: 'status.reply_with_note',
      params: { reference: ticket.reference, status: ticket.status, note: lastNote.text },
      ticketId: ticket.id,
    };
  }
  return { key: 'status.reply', params: { reference: ticket.reference, status: ticket.status }, ticketId: ticket.id };
}
