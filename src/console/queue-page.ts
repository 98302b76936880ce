/**
 * The data behind `GET /tickets`: the operator's open tickets, most urgent first, with the
 * filters they chose, counts per status and a countdown to each ticket's next deadline.
 */
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Locality } from '../domain/locality';
import { CATEGORIES, TICKET_STATUSES, type Ticket } from '../domain/ticket';
import type { Repository } from '../store/repository';
import type { TicketService } from '../tickets/ticket-service-types';
import type { ConsoleText } from './console-views';
import { ticketSummary } from '../operators/ticket-labels';
import { activeFilterCount, AGE_OPTIONS, ASSIGNEE_OPTIONS, type QueueQuery, queueQueryString, toTicketFilter } from './queue-filter';
import { nextDeadline, ticketAge } from './ticket-clock';

export interface QueueRow {
  id: string;
  reference: string;
  category: string;
  sector: string;
  age: string;
  deadline: { text: string; overdue: boolean } | null;
  status: string;
  assignee: string;
  /** Shown only when above normal. */
  priority: string | null;
  needsOperator: boolean;
  /** The start of what the resident wrote (their own words or the address), '' when none. */
  snippet: string;
}

/** Characters of the resident's words shown under a queue row. */
const SNIPPET_CHARS = 90;

export interface QueuePageData {
  heading: string;
  query: QueueQuery;
  counts: Array<{ status: string; label: string; count: number; href: string }>;
  options: {
    statuses: Array<{ value: string; label: string }>;
    categories: Array<{ value: string; label: string }>;
    sectors: string[];
    ages: Array<{ value: string; label: string }>;
    assignees: Array<{ value: string; label: string }>;
  };
  rows: QueueRow[];
  nextHref: string | null;
  firstHref: string | null;
  /** Set when the cursor in the URL was stale and the first page is shown instead. */
  notice: string | null;
  filtersLabel: string;
  resultsFor: string | null;
}

export interface QueuePageDeps {
  ticketService: Pick<TicketService, 'listQueue'>;
  repo: Pick<Repository, 'countTicketsByStatus' | 'getLocality' | 'listLocalities' | 'listUsers'>;
}

/** Localities the user works in (admins: all). */
export async function userLocalities(repo: QueuePageDeps['repo'], user: AuthenticatedUser): Promise<Locality[]> {
  if (user.role === 'admin') return repo.listLocalities();
  const found = await Promise.all(user.localityIds.map((id) => repo.getLocality(id)));
  return found.filter((l): l is Locality => l !== null);
}

export async function buildQueuePage(
  deps: QueuePageDeps,
  options: { user: AuthenticatedUser; query: QueueQuery; now: Date; text: ConsoleText },
): Promise<QueuePageData> {
  const { user, now, text } = options;
  let query = options.query;
  let notice: string | null = null;
  let page;
  try {
    page = await deps.ticketService.listQueue(user, toTicketFilter(query, { userId: user.id, now }));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'invalid_cursor') throw error;
    query = { ...query, cursor: null };
    notice = text.t('console.error.bad_cursor');
    page = await deps.ticketService.listQueue(user, toTicketFilter(query, { userId: user.id, now }));
  }

  const localities = await userLocalities(deps.repo, user);
  const localityIds = user.role === 'admin' ? undefined : user.localityIds;
  const [counts, userNames] = await Promise.all([
    deps.repo.countTicketsByStatus({ localityIds }),
    assigneeNames(deps.repo, localities, page.items),
  ]);
  const countOf = (status: string) => counts.find((c) => c.status === status)?.count ?? 0;

  return {
    heading: text.t('console.queue.title'),
    query,
    counts: TICKET_STATUSES.map((status) => ({
      status,
      label: text.t(`console.status.${status}`),
      count: countOf(status),
      href: `/tickets${queueQueryString({ ...query, status, cursor: null })}`,
    })),
    options: {
      statuses: TICKET_STATUSES.map((value) => ({ value, label: text.t(`console.status.${value}`) })),
      categories: CATEGORIES.map((value) => ({ value, label: text.t(`console.category.${value}`) })),
      sectors: [...new Set(localities.flatMap((l) => l.sectors))].sort((a, b) => a.localeCompare(b, 'es')),
      ages: AGE_OPTIONS.map((value) => ({ value, label: text.t(`console.queue.age_${value}`) })),
      assignees: ASSIGNEE_OPTIONS.map((value) => ({ value, label: text.t(`console.queue.assignee_${value}`) })),
    },
    rows: page.items.map((ticket) => queueRow(ticket, { now, text, userNames })),
    nextHref: page.nextCursor ? `/tickets${queueQueryString(query, { cursor: page.nextCursor })}` : null,
    firstHref: query.cursor ? `/tickets${queueQueryString(query, { cursor: null })}` : null,
    notice,
    filtersLabel:
      activeFilterCount(query) > 0 ? text.t('workday.console.filters_active', { count: activeFilterCount(query) }) : text.t('workday.console.filters'),
    resultsFor: query.q ? text.t('workday.console.results_for', { query: query.q }) : null,
  };
}

async function assigneeNames(
  repo: QueuePageDeps['repo'],
  localities: Locality[],
  tickets: Ticket[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!tickets.some((t) => t.assigneeId)) return names;
  const wanted = new Set(tickets.map((t) => t.localityId));
  const lists = await Promise.all(localities.filter((l) => wanted.has(l.id)).map((l) => repo.listUsers({ localityId: l.id })));
  for (const user of lists.flat()) names.set(user.id, user.name);
  return names;
}

function queueRow(ticket: Ticket, ctx: { now: Date; text: ConsoleText; userNames: Map<string, string> }): QueueRow {
  const { text, now } = ctx;
  const deadline = nextDeadline(ticket, now);
  return {
    id: ticket.id,
    reference: ticket.reference,
    category: text.t(`console.category.${ticket.category}`),
    sector: ticket.sector ?? '—',
    age: text.t('console.queue.age_value', { duration: text.duration(ticketAge(ticket, now)) }),
    deadline: deadline
      ? {
          overdue: deadline.overdue,
          text: text.t(deadline.overdue ? 'console.deadline.overdue' : 'console.deadline.left', {
            duration: text.duration(deadline.remaining),
          }),
        }
      : null,
    status: text.t(`console.status.${ticket.status}`),
    assignee: ticket.assigneeId
      ? (ctx.userNames.get(ticket.assigneeId) ?? text.t('console.queue.assignee_other'))
      : text.t('console.queue.unassigned'),
    priority: ticket.priority === 'normal' ? null : text.t(`console.priority.${ticket.priority}`),
    needsOperator: ticket.needsOperator,
    snippet: snippetOf(ticketSummary(ticket)),
  };
}

function snippetOf(words: string): string {
  return words.length <= SNIPPET_CHARS ? words : `${words.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`;
}
