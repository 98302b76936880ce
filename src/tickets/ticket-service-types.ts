/**
 * Contract of the ticket service: the one place where operator actions (from the console, the
 * REST API or operator SMS commands) are checked against access rules and the ticket lifecycle,
 * stored as one unit of work, and turned into messages to the resident in their language.
 */
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Language } from '../domain/resident';
import type { Ticket, TicketChannel, TimelineEntry } from '../domain/ticket';
import type { OutboxStatus } from '../domain/message';
import type { Page, TicketFilter } from '../store/repository';

export type TicketActionInput =
  | { type: 'acknowledge' }
  | { type: 'assign'; assigneeId: string | null }
  /**
   * `text` is sent as is; `cannedKey` names a canned reply in locales/ (rendered in the resident's
   * language). `publish` marks it for Open311's public `status_notes`.
   */
  | { type: 'reply'; text?: string; cannedKey?: string; publish?: boolean }
  | { type: 'add_note'; text: string }
  | { type: 'start' }
  | { type: 'resolve'; note: string }
  | { type: 'close' }
  | { type: 'reopen'; reason?: string };

export type TicketActionType = TicketActionInput['type'];

export interface TranscriptLine {
  direction: 'in' | 'out';
  at: string;
  body: string;
  /** Delivery status of outgoing lines. */
  status: OutboxStatus | null;
}

/** Another ticket of the same resident, for a link (never its details: they may name a holder or a DNI). */
export interface RelatedTicket {
  id: string;
  reference: string;
  category: Ticket['category'];
  status: Ticket['status'];
  createdAt: string;
}

export interface TicketView {
  ticket: Ticket;
  timeline: TimelineEntry[];
  /** This ticket's conversation only: the messages that opened it and those about it since. */
  transcript: TranscriptLine[];
  /** The resident's other tickets the user may open, oldest first, and how many messages belong to them. */
  related: { tickets: RelatedTicket[]; hiddenMessages: number };
  resident: { maskedPhone: string; language: Language; channel: TicketChannel; optedOut: boolean };
  localityName: string;
  allowedActions: TicketActionType[];
}

export interface PerformOptions {
  /**
   * The ticket's version (its `updatedAt`) the operator saw when choosing the action. When the
   * ticket has changed since, TicketChangedError (nothing stored). Without it the action still
   * never overwrites a change made between this call's read and its write.
   */
  expectedVersion?: string;
}

export interface TicketService {
  /** Tickets of the user's localities only (admins: all), with the filter applied. */
  listQueue(user: AuthenticatedUser, filter: TicketFilter): Promise<Page<Ticket>>;
  /** Throws ForbiddenError for another locality's ticket, NotFoundError for an unknown one. */
  getTicketView(user: AuthenticatedUser, ticketId: string): Promise<TicketView>;
  /** Also accepts a reference (7 digits) where an id is expected, for SMS commands. */
  findTicket(user: AuthenticatedUser, idOrReference: string): Promise<Ticket>;
  /**
   * Applies an action: access check, lifecycle check (TicketTransitionError on a forbidden
   * transition, nothing changed), one atomic commit (ticket patch, timeline, outbox to the
   * resident), then the send jobs. Returns the updated ticket.
   */
  perform(user: AuthenticatedUser, ticketId: string, action: TicketActionInput, options?: PerformOptions): Promise<Ticket>;
}
