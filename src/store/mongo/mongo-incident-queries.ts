/**
 * Incidents, broadcasts and notices in MongoDB (issue 9), matching the SQLite adapter. Linking
 * runs inside the unit's transaction after incrementing the (locality, category) lock document,
 * so concurrent linkers collide on it and mongoose retries the loser; the partial unique index
 * on `linkKey` is the second guard.
 */
import type { ClientSession } from 'mongoose';
import type { Broadcast, Incident, IncidentSummary, Notice, NoticeSubscription } from '../../domain/incident';
import type { OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import type { Ticket } from '../../domain/ticket';
import { linkedRows } from '../../incidents/incident-link-effects';
import { isCollecting, nearestPinIncident, pinLinkKey, withSector } from '../../incidents/incident-link-rules';
import type { IncidentFilter, IncidentLink, IncidentLinkRequest, NoticeRecipientQuery, UnitOfWork } from '../repository';
import { definedPatch } from '../store-patch';
import { many, one, toDoc, type StoreDoc, type StoreModels } from './mongo-models';
import { ord, setById } from './mongo-unit-of-work';
import { updateTicket } from './mongo-ticket-due';

const OPEN_TICKET = { status: { $nin: ['resolved', 'closed'] } };

async function summaryOf(m: StoreModels, incident: Incident, session?: ClientSession): Promise<IncidentSummary> {
  const [ticketCount, openTicketCount, residents] = await Promise.all([
    m.Ticket.countDocuments({ incidentId: incident.id }).session(session ?? null),
    m.Ticket.countDocuments({ incidentId: incident.id, ...OPEN_TICKET }).session(session ?? null),
    m.Ticket.distinct('residentId', { incidentId: incident.id }).session(session ?? null),
  ]);
  return { ...incident, ticketCount, openTicketCount, residentCount: residents.length };
}

export async function linkTicket(m: StoreModels, request: IncidentLinkRequest, session: ClientSession): Promise<IncidentLink | null> {
  if (!request.sectorKey && !request.location) return null;
  await m.IncidentLinkLock.updateOne({ _id: `${request.localityId}|${request.category}` }, { $inc: { n: 1 } }, { upsert: true, session });
  let incident: Incident | null = null;
  let key: string;
  if (request.sectorKey) {
    key = request.sectorKey;
    incident = await one<Incident>(m.Incident.findOne({ linkKey: key }).session(session));
    if (incident && !isCollecting(incident, request.windowStartsAt)) {
      await setById(m.Incident, 'incident', incident.id, { linkKey: null, updatedAt: request.at }, session);
      incident = null;
    }
  } else {
    const candidates = await many<Incident>(
      m.Incident.find({
        localityId: request.localityId,
        category: request.category,
        status: 'open',
        linkKey: { $type: 'string' },
        location: { $ne: null },
        lastReportAt: { $gte: request.windowStartsAt },
      }).session(session),
    );
    incident = nearestPinIncident(candidates, request.location!, request.maxDistanceMeters);
    key = pinLinkKey(request.localityId, request.category, request.newIncident.id);
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
    await m.Incident.create([toDoc(incident)], { session });
    created = true;
  } else {
    const patch = {
      sectors: withSector(incident.sectors, request.sector),
      lastReportAt: request.at > incident.lastReportAt ? request.at : incident.lastReportAt,
      updatedAt: request.at,
    };
    await setById(m.Incident, 'incident', incident.id, patch, session);
    incident = { ...incident, ...patch };
  }
  await updateTicket(m.Ticket, request.ticketId, { incidentId: incident.id }, session);
  const residents = await m.Ticket.distinct('residentId', { incidentId: incident.id }).session(session);
  const link: IncidentLink = { ticketId: request.ticketId, incident, created, residentCount: residents.length };
  const extra = linkedRows(request.effects, link);
  if (extra.timeline.length) await m.TimelineEntry.insertMany(extra.timeline.map((e) => toDoc(e, ord())), { session, ordered: true });
  if (extra.outbox.length) await m.OutboxMessage.insertMany(extra.outbox.map((r) => toDoc(r, ord())), { session, ordered: true });
  return link;
}

export async function applyIncidentUnit(m: StoreModels, unit: UnitOfWork, session: ClientSession): Promise<IncidentLink[]> {
  if (unit.incidentsCreated?.length) await m.Incident.insertMany(unit.incidentsCreated.map((i) => toDoc(i)), { session, ordered: true });
  for (const { id, patch } of unit.incidentUpdates ?? []) {
    await setById(m.Incident, 'incident', id, definedPatch(patch, ['id', 'localityId', 'createdAt']), session);
  }
  for (const move of unit.incidentTicketMoves ?? []) {
    await m.Ticket.updateMany({ incidentId: move.fromIncidentId }, { $set: { incidentId: move.toIncidentId, updatedAt: move.at } }, { session });
  }
  const links: IncidentLink[] = [];
  for (const request of unit.incidentLinks ?? []) {
    const link = await linkTicket(m, request, session);
    if (link) links.push(link);
  }
  if (unit.broadcastsCreated?.length) await m.Broadcast.insertMany(unit.broadcastsCreated.map((b) => toDoc(b)), { session, ordered: true });
  for (const { id, patch } of unit.broadcastUpdates ?? []) await setById(m.Broadcast, 'broadcast', id, definedPatch(patch, ['id']), session);
  if (unit.noticesCreated?.length) await m.Notice.insertMany(unit.noticesCreated.map((n) => toDoc(n)), { session, ordered: true });
  for (const { id, patch } of unit.noticeUpdates ?? []) await setById(m.Notice, 'notice', id, definedPatch(patch, ['id']), session);
  for (const subscription of unit.noticeSubscriptions ?? []) {
    await m.NoticeSubscription.updateOne(
      { _id: subscriptionId(subscription.residentId, subscription.localityId) },
      { $set: { ...subscription } },
      { upsert: true, session },
    );
  }
  for (const row of unit.outboxIfAbsent ?? []) {
    // Upsert with $setOnInsert: an existing row (same derived id) is left exactly as it is.
    const { _id: _sameId, ...fields } = toDoc(row, ord());
    await m.OutboxMessage.updateOne({ _id: row.id }, { $setOnInsert: fields }, { upsert: true, session });
  }
  return links;
}

function subscriptionId(residentId: string, localityId: string): string {
  return `${residentId}|${localityId}`;
}

export async function getIncident(m: StoreModels, id: string): Promise<IncidentSummary | null> {
  const incident = await one<Incident>(m.Incident.findById(id));
  return incident ? summaryOf(m, incident) : null;
}

export async function listIncidents(m: StoreModels, filter: IncidentFilter): Promise<IncidentSummary[]> {
  const query: StoreDoc = {};
  if (filter.localityIds !== undefined) query.localityId = { $in: filter.localityIds };
  if (filter.statuses !== undefined) query.status = { $in: filter.statuses };
  if (filter.categories !== undefined) query.category = { $in: filter.categories };
  const incidents = await many<Incident>(m.Incident.find(query).sort({ createdAt: -1, _id: -1 }).limit(filter.limit ?? 100));
  return Promise.all(incidents.map((incident) => summaryOf(m, incident)));
}

export function listIncidentTickets(m: StoreModels, incidentId: string): Promise<Ticket[]> {
  return many<Ticket>(m.Ticket.find({ incidentId }).sort({ createdAt: 1, _id: 1 }));
}

export function getBroadcast(m: StoreModels, id: string): Promise<Broadcast | null> {
  return one<Broadcast>(m.Broadcast.findById(id));
}

export function listBroadcasts(m: StoreModels, filter: { incidentId?: string; noticeId?: string; statuses?: Broadcast['status'][] }): Promise<Broadcast[]> {
  const query: StoreDoc = {};
  if (filter.incidentId !== undefined) query.incidentId = filter.incidentId;
  if (filter.noticeId !== undefined) query.noticeId = filter.noticeId;
  if (filter.statuses !== undefined) query.status = { $in: filter.statuses };
  return many<Broadcast>(m.Broadcast.find(query).sort({ createdAt: 1, _id: 1 }).limit(500));
}

export async function countOutboxByBroadcast(m: StoreModels, broadcastId: string): Promise<Array<{ status: OutboxStatus; count: number }>> {
  const rows = (await m.OutboxMessage.aggregate([
    { $match: { broadcastId } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ])) as Array<{ _id: OutboxStatus; count: number }>;
  return rows.map((row) => ({ status: row._id, count: row.count }));
}

export function getNotice(m: StoreModels, id: string): Promise<Notice | null> {
  return one<Notice>(m.Notice.findById(id));
}

export function listNotices(m: StoreModels, filter: { localityId: string; activeAt?: string; limit?: number }): Promise<Notice[]> {
  const query: StoreDoc = { localityId: filter.localityId };
  if (filter.activeAt !== undefined) Object.assign(query, { cancelledAt: null, startsAt: { $lte: filter.activeAt }, endsAt: { $gt: filter.activeAt } });
  return many<Notice>(m.Notice.find(query).sort({ startsAt: -1, _id: 1 }).limit(filter.limit ?? 100));
}

/** Resident ids a notice reaches (see the port); the residents are then read in id order. */
async function recipientIds(m: StoreModels, query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): Promise<Set<string>> {
  const [reported, subscribed, stopped] = await Promise.all([
    m.Ticket.distinct('residentId', { localityId: query.localityId, sector: { $in: query.sectors } }),
    m.NoticeSubscription.distinct('residentId', { localityId: query.localityId, active: true, sector: { $in: query.sectors } }),
    m.NoticeSubscription.distinct('residentId', { localityId: query.localityId, active: false }),
  ]);
  const blocked = new Set(stopped.map(String));
  return new Set([...reported, ...subscribed].map(String).filter((id) => !blocked.has(id)));
}

export async function listNoticeRecipients(m: StoreModels, query: NoticeRecipientQuery): Promise<Resident[]> {
  if (query.sectors.length === 0) return [];
  const ids = [...(await recipientIds(m, query))].filter((id) => id > (query.afterResidentId ?? '')).sort();
  if (ids.length === 0) return [];
  return many<Resident>(
    m.Resident.find({ _id: { $in: ids }, optedOut: false, localityId: query.localityId }).sort({ _id: 1 }).limit(query.limit),
  );
}

export async function countNoticeRecipients(m: StoreModels, query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): Promise<number> {
  if (query.sectors.length === 0) return 0;
  const ids = [...(await recipientIds(m, query))];
  return m.Resident.countDocuments({ _id: { $in: ids }, optedOut: false, localityId: query.localityId });
}

export async function getNoticeSubscription(m: StoreModels, residentId: string, localityId: string): Promise<NoticeSubscription | null> {
  const doc = (await m.NoticeSubscription.findById(subscriptionId(residentId, localityId)).lean()) as StoreDoc | null;
  if (!doc) return null;
  return { residentId: String(doc.residentId), localityId: String(doc.localityId), sector: (doc.sector as string | null) ?? null, active: Boolean(doc.active), updatedAt: String(doc.updatedAt) };
}

export async function findResidentSector(m: StoreModels, residentId: string, localityId: string): Promise<string | null> {
  const subscription = await getNoticeSubscription(m, residentId, localityId);
  if (subscription?.active && subscription.sector) return subscription.sector;
  const ticket = await one<Ticket>(m.Ticket.findOne({ residentId, localityId, sector: { $type: 'string' } }).sort({ createdAt: -1 }));
  return ticket?.sector ?? null;
}
