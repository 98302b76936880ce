/**
 * Figure reads in SQLite (see `figure-queries.ts`): the covering indexes of migration 6 serve
 * both the period scan and the backlog count without touching the table rows.
 */
import type { OpenBacklog, TicketFigureQuery, TicketFigureRow } from '../figure-queries';
import type { SqliteAccess } from './sqlite-access';

const OPEN_STATUSES = `('open', 'acknowledged', 'in_progress')`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function listTicketFigureRows(a: SqliteAccess, query: TicketFigureQuery): TicketFigureRow[] {
  if (query.localityIds.length === 0) return [];
  const column = query.by === 'created' ? 'created_at' : 'resolved_at';
  const sql = `SELECT locality_id, category, reporter_gender, status, created_at, first_response_at, resolved_at,
      first_response_due_at, resolution_due_at, sla_breached_at, resident_rating
    FROM tickets WHERE locality_id IN (${placeholders(query.localityIds.length)}) AND ${column} >= ? AND ${column} < ?`;
  const rows = a.statement(sql).raw(true).all(...query.localityIds, query.from, query.to) as unknown[][];
  return rows.map((r) => ({
    localityId: r[0] as string,
    category: r[1] as TicketFigureRow['category'],
    reporterGender: r[2] as TicketFigureRow['reporterGender'],
    status: r[3] as TicketFigureRow['status'],
    createdAt: r[4] as string,
    firstResponseAt: r[5] as string | null,
    resolvedAt: r[6] as string | null,
    firstResponseDueAt: r[7] as string | null,
    resolutionDueAt: r[8] as string | null,
    slaBreachedAt: r[9] as string | null,
    residentRating: r[10] as number | null,
  }));
}

export function openBacklog(a: SqliteAccess, query: { localityIds: readonly string[]; at?: string }): OpenBacklog {
  if (query.localityIds.length === 0) return { open: 0, oldestCreatedAt: null };
  const inLocalities = `locality_id IN (${placeholders(query.localityIds.length)})`;
  const row = (
    query.at === undefined
      ? a.statement(`SELECT COUNT(*), MIN(created_at) FROM tickets WHERE ${inLocalities} AND status IN ${OPEN_STATUSES}`).raw(true).get(...query.localityIds)
      : a
          .statement(
            `SELECT COUNT(*), MIN(created_at) FROM tickets WHERE ${inLocalities} AND created_at < ?
              AND (resolved_at IS NULL OR resolved_at >= ?) AND (closed_at IS NULL OR closed_at >= ?)`,
          )
          .raw(true)
          .get(...query.localityIds, query.at, query.at, query.at)
  ) as [number, string | null];
  return { open: row[0], oldestCreatedAt: row[1] };
}
