/**
 * Ticket listing rules shared by every store adapter, so that SQLite and MongoDB sort, page and
 * encode cursors identically: keyset pagination over (sort values…, id), never an offset, so a
 * ticket created or updated while an operator pages through the queue is neither skipped nor
 * shown twice within the same sort key.
 */
import type { Ticket } from '../domain/ticket';
import type { Page, TicketFilter } from './repository';

export type TicketSort = NonNullable<TicketFilter['sort']>;

/** Stands in for "no open deadline" so such tickets sort after every real deadline. */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

export const DEFAULT_TICKET_SORT: TicketSort = 'created';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A cursor that this store did not issue, or that was issued for another sort order. */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

/**
 * How a sort orders rows: every key in the same direction, the ticket id last as tie-breaker.
 * `due` is the ticket's next open deadline, see {@link dueSortValue}.
 */
export const TICKET_SORT_KEYS: Record<TicketSort, { keys: Array<'due' | 'createdAt' | 'id'>; descending: boolean }> = {
  due: { keys: ['due', 'createdAt', 'id'], descending: false },
  created: { keys: ['createdAt', 'id'], descending: true },
  created_asc: { keys: ['createdAt', 'id'], descending: false },
};

export type DeadlineFields = Pick<Ticket, 'firstResponseAt' | 'firstResponseDueAt' | 'resolutionDueAt'>;

/**
 * The deadline an operator must meet next, so the queue shows a ticket about to miss (or past)
 * its first-response deadline above one that is answered and only has a later resolution due:
 * the first-response deadline while nobody has answered, else the resolution deadline, else
 * {@link NO_DEADLINE}. Both stores keep this exact value (SQLite as a generated column, MongoDB
 * as the hidden `dueSort` field) because cursors carry it.
 */
export function dueSortValue(ticket: DeadlineFields): string {
  if (ticket.firstResponseAt === null && ticket.firstResponseDueAt !== null) return ticket.firstResponseDueAt;
  return ticket.resolutionDueAt ?? NO_DEADLINE;
}

export function ticketSortValues(ticket: Ticket, sort: TicketSort): string[] {
  return TICKET_SORT_KEYS[sort].keys.map((key) =>
    key === 'due' ? dueSortValue(ticket) : key === 'createdAt' ? ticket.createdAt : ticket.id,
  );
}

export function encodeTicketCursor(sort: TicketSort, values: string[]): string {
  return Buffer.from(JSON.stringify({ s: sort, v: values }), 'utf8').toString('base64url');
}

export function decodeTicketCursor(cursor: string, sort: TicketSort): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError('not a cursor');
  const { s, v } = parsed as { s?: unknown; v?: unknown };
  if (s !== sort) throw new InvalidCursorError(`issued for sort "${String(s)}", used with "${sort}"`);
  const expected = TICKET_SORT_KEYS[sort].keys.length;
  if (!Array.isArray(v) || v.length !== expected || !v.every((x) => typeof x === 'string')) {
    throw new InvalidCursorError('malformed sort values');
  }
  return v as string[];
}

export interface TicketQueryPlan {
  sort: TicketSort;
  /** Page size; adapters fetch one more row to learn whether another page exists. */
  limit: number;
  /** Sort values of the last row of the previous page, or null for the first page. */
  after: string[] | null;
  /** An empty list in an array filter (e.g. an operator bound to no locality) matches nothing. */
  matchesNothing: boolean;
}

export function planTicketQuery(filter: TicketFilter): TicketQueryPlan {
  const sort = filter.sort ?? DEFAULT_TICKET_SORT;
  const requested = filter.limit ?? DEFAULT_PAGE_SIZE;
  const limit = Math.min(Math.max(Math.trunc(requested), 1), MAX_PAGE_SIZE);
  const after = filter.cursor ? decodeTicketCursor(filter.cursor, sort) : null;
  const matchesNothing = [filter.localityIds, filter.statuses, filter.categories].some(
    (list) => list !== undefined && list.length === 0,
  );
  return { sort, limit, after, matchesNothing };
}

/** Cuts the `limit + 1` rows an adapter fetched into a page and the cursor for the next one. */
export function toTicketPage(rows: Ticket[], plan: TicketQueryPlan): Page<Ticket> {
  if (rows.length <= plan.limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, plan.limit);
  const last = items[items.length - 1] as Ticket;
  return { items, nextCursor: encodeTicketCursor(plan.sort, ticketSortValues(last, plan.sort)) };
}
