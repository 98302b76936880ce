/**
 * Domain tickets to API JSON. Written field by field (no spreading), so a field added to the
 * domain later (say, a phone) never leaks into the API until someone decides it should.
 */
import type { z } from 'zod';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { TicketView, TranscriptLine } from '../tickets/ticket-service-types';
import { API_TICKET_ACTIONS, type ticketDetailSchema, type ticketSchema, type timelineSchema } from './ticket-schemas';

export type TicketJson = z.input<typeof ticketSchema>;
export type TicketDetailJson = z.input<typeof ticketDetailSchema>;
type ApiTicketAction = (typeof API_TICKET_ACTIONS)[number];

/** The list and action answers: the ticket alone. */
export function toTicketJson(ticket: Ticket): TicketJson {
  return {
    id: ticket.id,
    reference: ticket.reference,
    locality_id: ticket.localityId,
    resident_id: ticket.residentId,
    category: ticket.category,
    priority: ticket.priority,
    status: ticket.status,
    channel: ticket.channel,
    language: ticket.reporterLanguage,
    sector: ticket.sector,
    location: ticket.location
      ? { lat: ticket.location.lat, lng: ticket.location.lng, label: ticket.location.label ?? null }
      : null,
    details: ticket.details,
    needs_operator: ticket.needsOperator,
    assignee_id: ticket.assigneeId,
    created_at: ticket.createdAt,
    updated_at: ticket.updatedAt,
    first_response_at: ticket.firstResponseAt,
    acknowledged_at: ticket.acknowledgedAt,
    resolved_at: ticket.resolvedAt,
    closed_at: ticket.closedAt,
    reopen_count: ticket.reopenCount,
    first_response_due_at: ticket.firstResponseDueAt,
    resolution_due_at: ticket.resolutionDueAt,
    sla_breached_at: ticket.slaBreachedAt,
    resolution_note: ticket.resolutionNote,
    resident_confirmed_solved: ticket.residentConfirmedSolved,
    resident_rating: ticket.residentRating,
  };
}

/** `GET /tickets/:id`: the ticket plus what an operator needs to act (masked phone, allowed actions). */
export function toTicketDetailJson(view: TicketView): TicketDetailJson {
  return {
    ...toTicketJson(view.ticket),
    locality_name: view.localityName,
    resident: {
      masked_phone: view.resident.maskedPhone,
      language: view.resident.language,
      channel: view.resident.channel,
      opted_out: view.resident.optedOut,
    },
    allowed_actions: view.allowedActions.filter(isApiAction),
  };
}

/** `GET /tickets/:id/timeline`: internal notes included, since only operators read it. */
export function toTimelineJson(timeline: TimelineEntry[], transcript: TranscriptLine[]): z.input<typeof timelineSchema> {
  return {
    items: timeline.map((entry) => ({
      id: entry.id,
      at: entry.at,
      type: entry.type,
      actor: entry.actor,
      text: entry.text,
      is_public: entry.isPublic,
      is_published: entry.isPublished === true,
      data: entry.data,
    })),
    transcript: transcript.map((line) => ({ direction: line.direction, at: line.at, body: line.body, status: line.status })),
  };
}

const API_ACTION_SET: ReadonlySet<string> = new Set(API_TICKET_ACTIONS);

function isApiAction(action: string): action is ApiTicketAction {
  return API_ACTION_SET.has(action);
}
