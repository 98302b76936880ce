/**
 * Ticket reads in SQLite, above all the operator queue: filters, the three sort orders and keyset
 * pagination, built with positional parameters only (no value is ever spliced into the SQL text).
 * Ticket writes go through the unit of work.
 */
import { TICKET_STATUSES, type Ticket, type TicketStatus, type TimelineEntry } from '../../domain/ticket';
import { searchTerms, type Page, type StatusCount, type TicketFilter } from '../repository';
import { planTicketQuery, TICKET_SORT_KEYS, toTicketPage, type TicketQueryPlan } from '../ticket-page';
import type { SqliteAccess } from './sqlite-access';
import { fromRow, TICKETS, TIMELINE } from './sqlite-tables';

const SORT_COLUMN: Record<'due' | 'createdAt' | 'id', string> = {
  due: 'next_due_sort',
  createdAt: 'created_at',
  id: 'id',
};

interface Where {
  clauses: string[];
  params: unknown[];
}

function inList(where: Where, column: string, values: readonly string[] | undefined): void {
  if (values === undefined) return;
  where.clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
  where.params.push(...values);
}

function ticketWhere(filter: TicketFilter): Where {
  const where: Where = { clauses: [], params: [] };
  inList(where, 'locality_id', filter.localityIds);
  inList(where, 'status', filter.statuses);
  inList(where, 'category', filter.categories);
  if (filter.sector !== undefined) {
    where.clauses.push('sector = ?');
    where.params.push(filter.sector);
  }
  if (filter.assigneeId === null) where.clauses.push('assignee_id IS NULL');
  else if (filter.assigneeId !== undefined) {
    where.clauses.push('assignee_id = ?');
    where.params.push(filter.assigneeId);
  }
  if (filter.residentId !== undefined) {
    where.clauses.push('resident_id = ?');
    where.params.push(filter.residentId);
  }
  if (filter.createdFrom !== undefined) {
    where.clauses.push('created_at >= ?');
    where.params.push(filter.createdFrom);
  }
  if (filter.createdTo !== undefined) {
    where.clauses.push('created_at < ?');
    where.params.push(filter.createdTo);
  }
  for (const term of searchTerms(filter.text)) {
    const like = `%${escapeLike(term)}%`;
    where.clauses.push(
      `(reference LIKE ? ESCAPE '\\' OR lower(sector) LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM json_each(tickets.details) AS d WHERE d.type = 'text' AND lower(d.value) LIKE ? ESCAPE '\\'))`,
    );
    where.params.push(`${escapeLike(term)}%`, like, like);
  }
  return where;
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function whereSql(where: Where): string {
  return where.clauses.length > 0 ? ` WHERE ${where.clauses.join(' AND ')}` : '';
}

/** One page plus one row (to know whether there is a next page). */
export function listTicketsSql(filter: TicketFilter, plan: TicketQueryPlan): { sql: string; params: unknown[] } {
  const where = ticketWhere(filter);
  const { keys, descending } = TICKET_SORT_KEYS[plan.sort];
  const columns = keys.map((key) => SORT_COLUMN[key]);
  if (plan.after) {
    where.clauses.push(`(${columns.join(', ')}) ${descending ? '<' : '>'} (${columns.map(() => '?').join(', ')})`);
    where.params.push(...plan.after);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const orderBy = columns.map((column) => `${column} ${direction}`).join(', ');
  return {
    sql: `SELECT * FROM tickets${whereSql(where)} ORDER BY ${orderBy} LIMIT ?`,
    params: [...where.params, plan.limit + 1],
  };
}

export function countByStatusSql(filter: Pick<TicketFilter, 'localityIds'>): { sql: string; params: unknown[] } {
  const where: Where = { clauses: [], params: [] };
  inList(where, 'locality_id', filter.localityIds);
  return { sql: `SELECT status, COUNT(*) AS count FROM tickets${whereSql(where)} GROUP BY status`, params: where.params };
}

export function getTicket(a: SqliteAccess, id: string): Ticket | null {
  return a.one(TICKETS, 'id = ?', id);
}

export function findTicketByReference(a: SqliteAccess, reference: string): Ticket | null {
  return a.one(TICKETS, 'reference = ?', reference);
}

export function listTickets(a: SqliteAccess, filter: TicketFilter): Page<Ticket> {
  const plan = planTicketQuery(filter);
  if (plan.matchesNothing) return { items: [], nextCursor: null };
  const { sql, params } = listTicketsSql(filter, plan);
  const rows = a.statement(sql).all(...params).map((row) => fromRow(TICKETS, row));
  return toTicketPage(rows, plan);
}

export function countTicketsByStatus(a: SqliteAccess, filter: Pick<TicketFilter, 'localityIds'>): StatusCount[] {
  const counts = new Map<string, number>();
  if (filter.localityIds === undefined || filter.localityIds.length > 0) {
    const { sql, params } = countByStatusSql(filter);
    for (const row of a.statement(sql).all(...params) as Array<{ status: string; count: number }>) {
      counts.set(row.status, row.count);
    }
  }
  return TICKET_STATUSES.map((status: TicketStatus) => ({ status, count: counts.get(status) ?? 0 }));
}

export function listTimeline(a: SqliteAccess, ticketId: string): TimelineEntry[] {
  return a.many(TIMELINE, 'WHERE ticket_id = ? ORDER BY at, seq', ticketId);
}
