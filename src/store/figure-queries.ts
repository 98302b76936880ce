/**
 * Store reads behind every published figure (committee summaries, the public page, CSV, Open311,
 * the metrics API). They return lean rows (a dozen scalar fields, no details or notes) for one
 * locality set and one period, read through covering indexes, and the backlog as a count in the
 * store, so a locality-week stays cheap however many tickets the store holds.
 */
import type { Gender } from '../domain/resident';
import type { Category, TicketStatus } from '../domain/ticket';

/** What figures need of a ticket: no resident, no text, no phone. */
export interface TicketFigureRow {
  localityId: string;
  category: Category;
  reporterGender: Gender | null;
  status: TicketStatus;
  createdAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  slaBreachedAt: string | null;
  residentRating: number | null;
}

export interface TicketFigureQuery {
  localityIds: readonly string[];
  /** Which time the period applies to: tickets created in it, or resolved (last resolution) in it. */
  by: 'created' | 'resolved';
  from: string;
  to: string;
}

export interface OpenBacklog {
  open: number;
  /** Creation time of the oldest open ticket, or null when none is open. */
  oldestCreatedAt: string | null;
}

export interface FigureQueries {
  listTicketFigureRows(query: TicketFigureQuery): Promise<TicketFigureRow[]>;
  /**
   * Tickets not resolved or closed. Without `at`: now, by status. With `at`: as it stood then,
   * by times (created before `at`, and not resolved or closed before it; a ticket reopened later
   * counts as open only from its reopening, an approximation documented here).
   */
  openBacklog(query: { localityIds: readonly string[]; at?: string }): Promise<OpenBacklog>;
}

export const TICKET_FIGURE_FIELDS = [
  'localityId',
  'category',
  'reporterGender',
  'status',
  'createdAt',
  'firstResponseAt',
  'resolvedAt',
  'firstResponseDueAt',
  'resolutionDueAt',
  'slaBreachedAt',
  'residentRating',
] as const satisfies ReadonlyArray<keyof TicketFigureRow>;
