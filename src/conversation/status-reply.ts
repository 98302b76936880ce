/**
 * `ESTADO <ref>`: the resident asks where their complaint stands. The answer names the status
 * and, when the operator left one, the last public note. Only tickets of the town the resident
 * wrote to are found, so a guessed reference does not reveal another town's complaints.
 */
import type { Repository } from '../store/repository';

export interface StatusReply {
  key: 'status.reply' | 'status.reply_with_note' | 'status.not_found';
  params: Record<string, string>;
  ticketId: string | null;
}

export async function lookUpStatus(
  repo: Pick<Repository, 'findTicketByReference' | 'listTimeline'>,
  options: { reference: string; localityId: string },
): Promise<StatusReply> {
  const ticket = await repo.findTicketByReference(options.reference);
  if (!ticket || ticket.localityId !== options.localityId) {
    return { key: 'status.not_found', params: { reference: options.reference }, ticketId: null };
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
