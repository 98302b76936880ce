/**
 * Figure reads in SQLite (see `figure-queries.ts`): the covering indexes of migrations 6 and 13
 * serve the period scans and the backlog counts without touching the table rows. The SQL is
 * built by exported functions so the benchmark and the tests can EXPLAIN exactly what runs.
 */
import type { OpenBacklog, TicketFigureQuery, TicketFigureRow } from '../figure-queries';
import type { SqliteAccess } from './sqlite-access';

const OPEN_STATUSES = `('open', 'acknowledged', 'in_progress')`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function figureRowsSql(query: TicketFigureQuery): { sql: string; params: unknown[] } {
  const column = query.by === 'created' ? 'created_at' : 'resolved_at';
  const sql = `SELECT locality_id, category, reporter_gender, status, created_at, first_response_at, resolved_at,
      first_response_due_at, resolution_due_at, sla_breached_at, resident_rating
    FROM tickets WHERE locality_id IN (${placeholders(query.localityIds.length)}) AND ${column} >= ? AND ${column} < ?`;
  return { sql, params: [...query.localityIds, query.from, query.to] };
}

export function listTicketFigureRows(a: SqliteAccess, query: TicketFigureQuery): TicketFigureRow[] {
  if (query.localityIds.length === 0) return [];
  const { sql, params } = figureRowsSql(query);
  const rows = a.statement(sql).raw(true).all(...params) as unknown[][];
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

/**
 * Without `at`: open now, by status. With `at`: "created before `at`, not resolved before it, not
 * closed before it", as three disjoint parts so that none scans the locality's history
 * (migration 13): never resolved and not closed; never resolved and closed at or after `at`;
 * resolved at or after `at` and not closed before it. The first two read the small partial
 * index of unresolved tickets; `+created_at` keeps the third on the resolution index, whose
 * range (resolved since `at`) is the short one for a recent week.
 */
export function openBacklogSql(query: { localityIds: readonly string[]; at?: string }): { sql: string; params: unknown[] } {
  const ids = query.localityIds;
  const inLocalities = `locality_id IN (${placeholders(ids.length)})`;
  if (query.at === undefined) {
    return { sql: `SELECT COUNT(*), MIN(created_at) FROM tickets WHERE ${inLocalities} AND status IN ${OPEN_STATUSES}`, params: [...ids] };
  }
  const at = query.at;
  return {
    sql: `SELECT COUNT(*), MIN(created_at) FROM (
        SELECT created_at FROM tickets WHERE ${inLocalities} AND resolved_at IS NULL AND closed_at IS NULL AND created_at < ?
        UNION ALL
        SELECT created_at FROM tickets WHERE ${inLocalities} AND resolved_at IS NULL AND closed_at >= ? AND created_at < ?
        UNION ALL
        SELECT created_at FROM tickets WHERE ${inLocalities} AND resolved_at >= ? AND +created_at < ? AND (closed_at IS NULL OR closed_at >= ?)
      )`,
    params: [...ids, at, ...ids, at, at, ...ids, at, at, at],
  };
}

export function openBacklog(a: SqliteAccess, query: { localityIds: readonly string[]; at?: string }): OpenBacklog {
  if (query.localityIds.length === 0) return { open: 0, oldestCreatedAt: null };
  const { sql, params } = openBacklogSql(query);
  const row = a.statement(sql).raw(true).get(...params) as [number, string | null];
  return { open: row[0], oldestCreatedAt: row[1] };
}
