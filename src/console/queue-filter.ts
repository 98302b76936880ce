/**
 * The queue's filters travel as a plain GET form (they work without JavaScript and can be
 * bookmarked). Unknown or malformed values are dropped rather than refused: a stale bookmark
 * still opens the queue.
 */
import { CATEGORIES, TICKET_STATUSES, type Category, type TicketStatus } from '../domain/ticket';
import type { TicketFilter } from '../store/repository';

export const AGE_OPTIONS = ['1d', '3d', '7d'] as const;
export type AgeOption = (typeof AGE_OPTIONS)[number];

export const ASSIGNEE_OPTIONS = ['any', 'me', 'unassigned'] as const;
export type AssigneeOption = (typeof ASSIGNEE_OPTIONS)[number];

/** Every status except `closed`: what the queue shows when no status is chosen. */
export const QUEUE_STATUSES: TicketStatus[] = TICKET_STATUSES.filter((s) => s !== 'closed');

export const QUEUE_PAGE_SIZE = 25;

/** What the operator chose, echoed back into the form and the pagination links. */
export interface QueueQuery {
  status: TicketStatus | null;
  category: Category | null;
  sector: string | null;
  age: AgeOption | null;
  assignee: AssigneeOption;
  /** Search words: a reference, a sector, the resident's words (see `searchTerms`). */
  q: string | null;
  cursor: string | null;
}

const AGE_MS: Record<AgeOption, number> = { '1d': 86_400_000, '3d': 3 * 86_400_000, '7d': 7 * 86_400_000 };

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function text(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > max ? null : trimmed;
}

/** @example parseQueueQuery({ status: 'open', age: '3d' }) // { status: 'open', age: '3d', assignee: 'any', … } */
export function parseQueueQuery(query: Record<string, unknown>): QueueQuery {
  return {
    status: pick(query.status, TICKET_STATUSES),
    category: pick(query.category, CATEGORIES),
    sector: text(query.sector, 100),
    age: pick(query.age, AGE_OPTIONS),
    assignee: pick(query.assignee, ASSIGNEE_OPTIONS) ?? 'any',
    q: text(query.q, 100),
    cursor: text(query.cursor, 1000),
  };
}

/** The store filter for a queue query; locality scoping is the ticket service's job. */
export function toTicketFilter(query: QueueQuery, options: { userId: string; now: Date }): TicketFilter {
  const filter: TicketFilter = {
    statuses: query.status ? [query.status] : QUEUE_STATUSES,
    sort: 'due',
    limit: QUEUE_PAGE_SIZE,
    cursor: query.cursor,
  };
  if (query.category) filter.categories = [query.category];
  if (query.sector) filter.sector = query.sector;
  if (query.age) filter.createdTo = new Date(options.now.getTime() - AGE_MS[query.age]).toISOString();
  if (query.assignee === 'me') filter.assigneeId = options.userId;
  if (query.assignee === 'unassigned') filter.assigneeId = null;
  if (query.q) filter.text = query.q;
  return filter;
}

/** Query string for a link that keeps the filters, e.g. the "next page" link. */
export function queueQueryString(query: QueueQuery, overrides: Partial<QueueQuery> = {}): string {
  const merged = { ...query, ...overrides };
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'category', 'sector', 'age', 'assignee', 'cursor'] as const) {
    const value = merged[key];
    if (value && !(key === 'assignee' && value === 'any')) params.set(key, value);
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** How many of the collapsible filters (not the search box) are set, for "Filtros (2 activos)". */
export function activeFilterCount(query: QueueQuery): number {
  return [query.status, query.category, query.sector, query.age, query.assignee === 'any' ? null : query.assignee].filter(Boolean).length;
}
