/**
 * A `ticket_opened` event becomes a ticket row and its first timeline entries. The reporter's
 * gender and language are copied from the resident as they are at this moment, so the ticket's
 * history stays true if the resident changes them later.
 */
import type { InboundMessage } from '../domain/message';
import type { Gender, Language } from '../domain/resident';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { EngineEvent } from '../flow-engine/engine-types';
import type { Logger } from '../shared/logger';

export type TicketOpenedEvent = Extract<EngineEvent, { type: 'ticket_opened' }>;

/** SLA deadlines for a new ticket (issue 3); null fields mean "no policy applies". */
export interface TicketDeadlines {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
}

export type ComputeDeadlines = (ticket: Ticket) => TicketDeadlines | Promise<TicketDeadlines>;

export interface OpenTicketInput {
  event: TicketOpenedEvent;
  ticketId: string;
  timelineIds: () => string;
  message: InboundMessage;
  residentId: string;
  localityId: string;
  reporter: { gender: Gender | null; language: Language };
  /** The turn's instant (when the resident reported). */
  at: string;
}

export function openTicket(input: OpenTicketInput): { ticket: Ticket; timeline: TimelineEntry[] } {
  const { event, at } = input;
  const ticket: Ticket = {
    id: input.ticketId,
    reference: event.reference,
    localityId: input.localityId,
    residentId: input.residentId,
    category: event.category,
    details: event.details,
    sector: event.sector,
    location: event.location,
    channel: input.message.channel,
    reporterGender: input.reporter.gender,
    reporterLanguage: input.reporter.language,
    priority: event.priority,
    status: 'open',
    needsOperator: event.needsOperator,
    assigneeId: null,
    createdAt: at,
    updatedAt: at,
    firstResponseAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    reopenCount: 0,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    slaBreachedAt: null,
    resolutionNote: null,
    residentConfirmedSolved: null,
    residentRating: null,
  };
  const timeline: TimelineEntry[] = [
    {
      id: input.timelineIds(),
      ticketId: ticket.id,
      at,
      type: 'opened',
      actor: 'resident',
      text: null,
      isPublic: false,
      data: { category: event.category, priority: event.priority, channel: ticket.channel, inboundMessageId: input.message.id },
    },
  ];
  if (event.needsOperator) {
    timeline.push({
      id: input.timelineIds(),
      ticketId: ticket.id,
      at,
      type: 'handed_to_operator',
      actor: 'system',
      text: null,
      isPublic: false,
      data: { reason: 'repeated_invalid_replies' },
    });
  }
  return { ticket, timeline };
}

/**
 * Applies the SLA hook, if any, to a freshly opened ticket. A hook that fails leaves the ticket
 * without deadlines (logged): the complaint matters more than its SLA arithmetic.
 */
export async function withDeadlines(ticket: Ticket, computeDeadlines: ComputeDeadlines | undefined, logger: Logger): Promise<Ticket> {
  if (!computeDeadlines) return ticket;
  try {
    const deadlines = await computeDeadlines(ticket);
    return { ...ticket, firstResponseDueAt: deadlines.firstResponseDueAt, resolutionDueAt: deadlines.resolutionDueAt };
  } catch (error) {
    logger.error({ ticketId: ticket.id, err: String(error) }, 'SLA deadlines not computed for a new ticket');
    return ticket;
  }
}
