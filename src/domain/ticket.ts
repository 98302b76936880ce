/**
 * A ticket is one resident's complaint, from the moment the conversation captures it until
 * the operator closes it. Times are ISO-8601 strings in UTC so that every store adapter
 * returns the same plain object.
 */
import { CHANNELS, type Channel, type Gender, type Language } from './resident';

/**
 * Where a ticket came from: a resident's SMS or WhatsApp conversation, or an Open311 client (a
 * municipality's or regulator's tool) that filed it anonymously, with no phone to answer.
 */
export const TICKET_CHANNELS = [...CHANNELS, 'open311'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/** The phone channel that reaches the ticket's reporter, or null (an Open311 request has none). */
export function phoneChannelOf(ticket: Pick<Ticket, 'channel'>): Channel | null {
  return ticket.channel === 'open311' ? null : ticket.channel;
}

export const CATEGORIES = ['outage', 'billing', 'quality', 'leak', 'sewage', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** `open` again after a reopen; `reopenCount` keeps the history. */
export const TICKET_STATUSES = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface GeoPoint {
  lat: number;
  lng: number;
  label?: string | null;
}

/** Values captured by a flow, keyed by the flow's variable names (e.g. `since`, `scope`). */
export type TicketDetails = Record<string, string | number | boolean | null>;

export interface Ticket {
  id: string;
  /** Short numeric code the resident types on a keypad: 6 random digits + 1 check digit. */
  reference: string;
  localityId: string;
  residentId: string;
  category: Category;
  details: TicketDetails;
  sector: string | null;
  location: GeoPoint | null;
  channel: TicketChannel;
  /** Copied from the resident at creation so history stays true if they change it later. */
  reporterGender: Gender | null;
  reporterLanguage: Language;
  priority: Priority;
  status: TicketStatus;
  /** Set when the flow handed the conversation to a human (repeated invalid replies). */
  needsOperator: boolean;
  assigneeId: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reopenCount: number;
  /** SLA deadlines computed at creation (issue 3); null when no policy applies. */
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  slaBreachedAt: string | null;
  resolutionNote: string | null;
  /** Resident's answer to "was it solved?" and 1–5 rating after resolution. */
  residentConfirmedSolved: boolean | null;
  residentRating: number | null;
  /** The incident this ticket is linked to (issue 9); absent or null when none. */
  incidentId?: string | null;
}

export const TIMELINE_TYPES = [
  'opened',
  'acknowledged',
  'assigned',
  'replied',
  'note_added',
  'started',
  'resolved',
  'closed',
  'reopened',
  'sla_breached',
  'resident_feedback',
  'handed_to_operator',
  'incident_linked',
  'incident_unlinked',
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export interface TimelineEntry {
  id: string;
  ticketId: string;
  at: string;
  type: TimelineType;
  /** `resident`, `system`, or an operator's user id. */
  actor: string;
  /** Public text reaches the resident; internal notes do not. */
  text: string | null;
  isPublic: boolean;
  /**
   * The operator marked this reply for publication: its text becomes the request's `status_notes`
   * in Open311. Only replies are ever marked; absent means not published (everything written before
   * the mark existed stays private).
   */
  isPublished?: boolean;
  data: Record<string, unknown>;
}
