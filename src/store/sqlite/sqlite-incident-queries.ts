/**
 * Incidents, broadcasts and notices in SQLite (issue 9). Automatic linking runs inside the
 * unit of work's `BEGIN IMMEDIATE` transaction, so writers are serialised across processes and
 * the unique `link_key` is a second guard: 200 concurrent reports of one sector find or create
 * the same incident.
 */
import type { Broadcast, Incident, IncidentSummary, Notice, NoticeSubscription } from '../../domain/incident';
import type { OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import type { Ticket } from '../../domain/ticket';
import { linkedRows } from '../../incidents/incident-link-effects';
import { isCollecting, nearestPinIncident, pinLinkKey, withSector } from '../../incidents/incident-link-rules';
import type { IncidentFilter, IncidentLink, IncidentLinkRequest, NoticeRecipientQuery, UnitOfWork } from '../repository';
import type { SqliteAccess } from './sqlite-access';
import { BROADCASTS, fromRow, INCIDENTS, NOTICE_SUBSCRIPTIONS, NOTICES, OUTBOX, RESIDENTS, TICKETS, TIMELINE } from './sqlite-tables';

const NO_IMMUTABLE: readonly string[] = ['id', 'createdAt'];

interface Counts {
  ticket_count: number;
  open_ticket_count: number;
  resident_count: number;
}

/**
 * An incident's counts, read from `tickets_incident_counts` alone (migration 14). The distinct
 * count is its own subquery: beside COUNT(*) SQLite sorts the residents in a temporary b-tree;
 * alone it reads them in index order. `test/store/sqlite-incident-count-plans.test.ts` keeps it so.
 */
export const INCIDENT_COUNTS_SQL = `SELECT COUNT(*) AS ticket_count,
        SUM(CASE WHEN status IN ('resolved', 'closed') THEN 0 ELSE 1 END) AS open_ticket_count,
        (SELECT COUNT(DISTINCT resident_id) FROM tickets WHERE incident_id = @id) AS resident_count
 FROM tickets WHERE incident_id = @id`;

/** The neighbours a joining report is told of; every report of a burst asks it. */
export const INCIDENT_RESIDENT_COUNT_SQL = 'SELECT COUNT(DISTINCT resident_id) FROM tickets WHERE incident_id = ?';

function withCounts(a: SqliteAccess, incident: Incident): IncidentSummary {
  const counts = a.statement(INCIDENT_COUNTS_SQL).get({ id: incident.id }) as Counts;
  return {
    ...incident,
    ticketCount: counts.ticket_count,
    openTicketCount: counts.open_ticket_count ?? 0,
    residentCount: counts.resident_count,
  };
}

/** Inside the unit's transaction: find or create the incident and link the ticket. */
export function linkTicket(a: SqliteAccess, request: IncidentLinkRequest): IncidentLink | null {
  let incident: Incident | null = null;
  let key: string;
  if (request.sectorKey) {
    key = request.sectorKey;
    incident = a.one(INCIDENTS, 'link_key = ?', key);
    if (incident && !isCollecting(incident, request.windowStartsAt)) {
      // Its window lapsed: it stays open for the operator but stops collecting new reports.
      a.update(INCIDENTS, incident.id, { linkKey: null, updatedAt: request.at }, NO_IMMUTABLE);
      incident = null;
    }
  } else if (request.location) {
    const candidates = a.many(
      INCIDENTS,
      `WHERE locality_id = ? AND category = ? AND link_key IS NOT NULL AND location IS NOT NULL AND status = 'open' AND last_report_at >= ?`,
      request.localityId,
      request.category,
      request.windowStartsAt,
    );
    incident = nearestPinIncident(candidates, request.location, request.maxDistanceMeters);
    key = pinLinkKey(request.localityId, request.category, request.newIncident.id);
  } else {
    return null;
  }
  let created = false;
  if (!incident) {
    incident = {
      ...request.newIncident,
      linkKey: key,
      sectors: withSector([], request.sector),
      location: request.sectorKey ? null : request.location,
      lastReportAt: request.at,
    };
    a.insert(INCIDENTS, incident);
    created = true;
  } else {
    const patch = {
      sectors: withSector(incident.sectors, request.sector),
      lastReportAt: request.at > incident.lastReportAt ? request.at : incident.lastReportAt,
      updatedAt: request.at,
    };
    a.update(INCIDENTS, incident.id, patch, NO_IMMUTABLE);
    incident = { ...incident, ...patch };
  }
  a.update(TICKETS, request.ticketId, { incidentId: incident.id }, NO_IMMUTABLE);
  const residentCount = (a.statement(INCIDENT_RESIDENT_COUNT_SQL).pluck().get(incident.id) as number) ?? 1;
  const link: IncidentLink = { ticketId: request.ticketId, incident, created, residentCount };
  const extra = linkedRows(request.effects, link);
  for (const entry of extra.timeline) a.insert(TIMELINE, entry);
  for (const row of extra.outbox) a.insert(OUTBOX, row);
  return link;
}

/** The incident parts of a unit, in the order that keeps references valid; returns the links made. */
export function applyIncidentUnit(a: SqliteAccess, unit: UnitOfWork): IncidentLink[] {
  for (const incident of unit.incidentsCreated ?? []) a.insert(INCIDENTS, incident);
  for (const { id, patch } of unit.incidentUpdates ?? []) a.update(INCIDENTS, id, patch, ['id', 'localityId', 'createdAt']);
  for (const move of unit.incidentTicketMoves ?? []) {
    a.statement('UPDATE tickets SET incident_id = ?, updated_at = ? WHERE incident_id = ?').run(move.toIncidentId, move.at, move.fromIncidentId);
  }
  const links: IncidentLink[] = [];
  for (const request of unit.incidentLinks ?? []) {
    const link = linkTicket(a, request);
    if (link) links.push(link);
  }
  for (const broadcast of unit.broadcastsCreated ?? []) a.insert(BROADCASTS, broadcast);
  for (const { id, patch } of unit.broadcastUpdates ?? []) a.update(BROADCASTS, id, patch, NO_IMMUTABLE);
  for (const notice of unit.noticesCreated ?? []) a.insert(NOTICES, notice);
  for (const { id, patch } of unit.noticeUpdates ?? []) a.update(NOTICES, id, patch, NO_IMMUTABLE);
  for (const subscription of unit.noticeSubscriptions ?? []) {
    a.statement(
      `INSERT INTO notice_subscriptions (resident_id, locality_id, sector, active, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (resident_id, locality_id) DO UPDATE SET sector = excluded.sector, active = excluded.active, updated_at = excluded.updated_at`,
    ).run(subscription.residentId, subscription.localityId, subscription.sector, subscription.active ? 1 : 0, subscription.updatedAt);
  }
  for (const row of unit.outboxIfAbsent ?? []) a.insertIfAbsent(OUTBOX, row, 'id');
  return links;
}

export function getIncident(a: SqliteAccess, id: string): IncidentSummary | null {
  const incident = a.one(INCIDENTS, 'id = ?', id);
  return incident ? withCounts(a, incident) : null;
}

export function listIncidents(a: SqliteAccess, filter: IncidentFilter): IncidentSummary[] {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    clauses.push(values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('locality_id', filter.localityIds);
  inList('status', filter.statuses);
  inList('category', filter.categories);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return a
    .many(INCIDENTS, `${where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...params, filter.limit ?? 100)
    .map((incident) => withCounts(a, incident));
}

export function listIncidentTickets(a: SqliteAccess, incidentId: string): Ticket[] {
  return a.many(TICKETS, 'WHERE incident_id = ? ORDER BY created_at, id', incidentId);
}

export function getBroadcast(a: SqliteAccess, id: string): Broadcast | null {
  return a.one(BROADCASTS, 'id = ?', id);
}

export function listBroadcasts(a: SqliteAccess, filter: { incidentId?: string; noticeId?: string; statuses?: Broadcast['status'][] }): Broadcast[] {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.incidentId !== undefined) {
    clauses.push('incident_id = ?');
    params.push(filter.incidentId);
  }
  if (filter.noticeId !== undefined) {
    clauses.push('notice_id = ?');
    params.push(filter.noticeId);
  }
  if (filter.statuses !== undefined) {
    clauses.push(filter.statuses.length === 0 ? '0' : `status IN (${filter.statuses.map(() => '?').join(', ')})`);
    params.push(...filter.statuses);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return a.many(BROADCASTS, `${where} ORDER BY created_at, id LIMIT 500`, ...params);
}

export function countOutboxByBroadcast(a: SqliteAccess, broadcastId: string): Array<{ status: OutboxStatus; count: number }> {
  return a
    .statement('SELECT status, COUNT(*) AS count FROM outbox WHERE broadcast_id = ? GROUP BY status ORDER BY status')
    .all(broadcastId) as Array<{ status: OutboxStatus; count: number }>;
}

export function getNotice(a: SqliteAccess, id: string): Notice | null {
  return a.one(NOTICES, 'id = ?', id);
}

export function listNotices(a: SqliteAccess, filter: { localityId: string; activeAt?: string; limit?: number }): Notice[] {
  if (filter.activeAt === undefined) {
    return a.many(NOTICES, 'WHERE locality_id = ? ORDER BY starts_at DESC, id LIMIT ?', filter.localityId, filter.limit ?? 100);
  }
  return a.many(
    NOTICES,
    'WHERE locality_id = ? AND cancelled_at IS NULL AND starts_at <= ? AND ends_at > ? ORDER BY starts_at DESC, id LIMIT ?',
    filter.localityId,
    filter.activeAt,
    filter.activeAt,
    filter.limit ?? 100,
  );
}

/** Shared WHERE of the recipient queries; sectors are compared as stored (operators pick them from the locality's list). */
function recipientWhere(query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): { sql: string; params: unknown[] } {
  const marks = query.sectors.map(() => '?').join(', ');
  return {
    sql: `r.opted_out = 0 AND r.locality_id = ?
      AND NOT EXISTS (SELECT 1 FROM notice_subscriptions s WHERE s.resident_id = r.id AND s.locality_id = ? AND s.active = 0)
      AND (EXISTS (SELECT 1 FROM tickets t WHERE t.resident_id = r.id AND t.locality_id = ? AND t.sector IN (${marks}))
        OR EXISTS (SELECT 1 FROM notice_subscriptions s WHERE s.resident_id = r.id AND s.locality_id = ? AND s.active = 1 AND s.sector IN (${marks})))`,
    params: [query.localityId, query.localityId, query.localityId, ...query.sectors, query.localityId, ...query.sectors],
  };
}

export function listNoticeRecipients(a: SqliteAccess, query: NoticeRecipientQuery): Resident[] {
  if (query.sectors.length === 0) return [];
  const where = recipientWhere(query);
  return a
    .statement(`SELECT r.* FROM residents r WHERE ${where.sql} AND r.id > ? ORDER BY r.id LIMIT ?`)
    .all(...where.params, query.afterResidentId ?? '', query.limit)
    .map((row) => fromResidentRow(a, row));
}

function fromResidentRow(_a: SqliteAccess, row: unknown): Resident {
  return fromRow(RESIDENTS, row);
}

export function countNoticeRecipients(a: SqliteAccess, query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): number {
  if (query.sectors.length === 0) return 0;
  const where = recipientWhere(query);
  return a.statement(`SELECT COUNT(*) FROM residents r WHERE ${where.sql}`).pluck().get(...where.params) as number;
}

export function getNoticeSubscription(a: SqliteAccess, residentId: string, localityId: string): NoticeSubscription | null {
  return a.one(NOTICE_SUBSCRIPTIONS, 'resident_id = ? AND locality_id = ?', residentId, localityId);
}

export function findResidentSector(a: SqliteAccess, residentId: string, localityId: string): string | null {
  const subscription = getNoticeSubscription(a, residentId, localityId);
  if (subscription?.active && subscription.sector) return subscription.sector;
  const sector = a
    .statement('SELECT sector FROM tickets WHERE resident_id = ? AND locality_id = ? AND sector IS NOT NULL ORDER BY created_at DESC LIMIT 1')
    .pluck()
    .get(residentId, localityId) as string | undefined;
  return sector ?? null;
}
