/**
 * Issue 9 in the store: automatic incident linking inside the commit (sector key, link window,
 * pins within a distance, the resident's "we already know" rows), merges, broadcasts with
 * idempotent rows and delivery counts, notices and who they reach.
 */
import { randomUUID } from 'node:crypto';
import type { Incident, Notice } from '../../../src/domain/incident';
import type { Ticket } from '../../../src/domain/ticket';
import { sectorLinkKey } from '../../../src/incidents/incident-link-rules';
import type { IncidentLinkEffects, IncidentLinkRequest, Repository } from '../../../src/store/repository';
import { aLocality, aResident, aTicket, aTimelineEntry, anOutbox, at, seedOwner } from './store-fixtures';

export function anIncident(localityId: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id: randomUUID(),
    localityId,
    category: 'outage',
    status: 'open',
    sectors: [],
    location: null,
    linkKey: null,
    title: null,
    createdBy: 'system',
    createdAt: at(0),
    updatedAt: at(0),
    lastReportAt: at(0),
    resolvedAt: null,
    resolutionNote: null,
    mergedIntoId: null,
    truckAlertedAt: null,
    ...overrides,
  };
}

function linkRequest(ticket: Ticket, minutes: number, overrides: Partial<IncidentLinkRequest> = {}): IncidentLinkRequest {
  return {
    ticketId: ticket.id,
    localityId: ticket.localityId,
    category: ticket.category,
    sectorKey: ticket.sector ? sectorLinkKey(ticket.localityId, ticket.category, ticket.sector) : null,
    sector: ticket.sector,
    location: ticket.location,
    at: at(minutes),
    windowStartsAt: at(minutes - 60),
    maxDistanceMeters: 300,
    newIncident: anIncident(ticket.localityId, { createdAt: at(minutes), updatedAt: at(minutes), lastReportAt: at(minutes) }),
    ...overrides,
  };
}

export function incidentContract(repo: () => Repository): void {
  describe('incidents (issue 9)', () => {
    async function report(localityId: string, minutes: number, ticket: Partial<Ticket>, effects?: (ticketId: string) => IncidentLinkEffects) {
      const resident = await repo().upsertResidentByPhone(aResident({ localityId }));
      const created = aTicket({ localityId, residentId: resident.id }, { category: 'outage', createdAt: at(minutes), ...ticket });
      const result = await repo().commit({ ticketsCreated: [created], incidentLinks: [linkRequest(created, minutes, effects ? { effects: effects(created.id) } : {})] });
      return { ticket: (await repo().getTicket(created.id))!, residentId: resident.id, result };
    }

    it('reports of one sector within the window join one incident, whatever the sector spelling', async () => {
      const locality = await repo().createLocality(aLocality());
      const first = await report(locality.id, 0, { sector: 'Barrio Alto' });
      const second = await report(locality.id, 10, { sector: 'barrio  ALTO' });
      expect(first.ticket.incidentId).toBeTruthy();
      expect(second.ticket.incidentId).toBe(first.ticket.incidentId);
      const incident = await repo().getIncident(first.ticket.incidentId!);
      expect(incident).toMatchObject({ ticketCount: 2, openTicketCount: 2, residentCount: 2, sectors: ['Barrio Alto'], lastReportAt: at(10) });
      expect((await repo().listIncidentTickets(incident!.id)).map((t) => t.id)).toEqual([first.ticket.id, second.ticket.id]);
    });

    it('another sector, another category or a report after the window opens another incident', async () => {
      const locality = await repo().createLocality(aLocality());
      const first = await report(locality.id, 0, { sector: 'Centro' });
      const otherSector = await report(locality.id, 1, { sector: 'Barrio Alto' });
      const otherCategory = await report(locality.id, 2, { sector: 'Centro', category: 'leak' });
      const late = await report(locality.id, 200, { sector: 'Centro' });
      const ids = [first, otherSector, otherCategory, late].map((r) => r.ticket.incidentId);
      expect(new Set(ids).size).toBe(4);
      // The lapsed one stays open for the operator but no longer collects reports.
      expect(await repo().getIncident(first.ticket.incidentId!)).toMatchObject({ status: 'open', linkKey: null });
    });

    it('pins without a sector join the nearest open pin incident within the distance only', async () => {
      const locality = await repo().createLocality(aLocality());
      const pin = { lat: -11.3, lng: -74.5, label: null };
      const near = { lat: -11.3018, lng: -74.5, label: null }; // about 200 m
      const far = { lat: -11.31, lng: -74.5, label: null }; // about 1.1 km
      const a = await report(locality.id, 0, { location: pin });
      const b = await report(locality.id, 5, { location: near });
      const c = await report(locality.id, 6, { location: far });
      expect(b.ticket.incidentId).toBe(a.ticket.incidentId);
      expect(c.ticket.incidentId).not.toBe(a.ticket.incidentId);
      const none = await report(locality.id, 7, {});
      expect(none.ticket.incidentId ?? null).toBeNull();
    });

    it('stores the rows the link asks for in the same commit, with the place and neighbour count as stored, and returns the links', async () => {
      const locality = await repo().createLocality(aLocality());
      // Plain data (it crosses to the store thread): the store formats the message once it knows the incident.
      const effects = (ticketId: string): IncidentLinkEffects => ({
        timeline: aTimelineEntry(ticketId, { id: `linked-${ticketId}`, type: 'incident_linked', actor: 'system', data: { automatic: true } }),
        joined: {
          outbox: anOutbox({ id: `known-${ticketId}`, ticketId, channel: 'sms', body: '' }),
          message: { text: 'Ya sabemos: {place}, {count, plural, one {# vecino} other {# vecinos}}. Reclamo {reference}', locale: 'es-PE' },
          params: { reference: '4821' },
          placeWithoutSector: 'su zona',
        },
      });
      const first = await report(locality.id, 0, { sector: 'Centro' }, effects);
      const second = await report(locality.id, 1, { sector: 'Centro' }, effects);
      expect(first.result.incidentLinks).toEqual([expect.objectContaining({ ticketId: first.ticket.id, created: true, residentCount: 1 })]);
      expect(second.result.incidentLinks).toEqual([
        expect.objectContaining({ ticketId: second.ticket.id, created: false, residentCount: 2, incident: expect.objectContaining({ id: first.ticket.incidentId }) }),
      ]);
      // The first report created the incident: no "we already know" row for it.
      await expect(repo().getOutbox(`known-${first.ticket.id}`)).resolves.toBeNull();
      await expect(repo().getOutbox(`known-${second.ticket.id}`)).resolves.toMatchObject({ body: 'Ya sabemos: Centro, 2 vecinos. Reclamo 4821', ticketId: second.ticket.id });
      const timeline = await repo().listTimeline(second.ticket.id);
      expect(timeline).toEqual([expect.objectContaining({ id: `linked-${second.ticket.id}`, type: 'incident_linked' })]);
      expect(timeline[0]!.data).toEqual({ automatic: true, incidentId: first.ticket.incidentId, createdIncident: false });
      expect((await repo().listTimeline(first.ticket.id))[0]!.data).toEqual({ automatic: true, incidentId: first.ticket.incidentId, createdIncident: true });
    });

    it('a pin report that joins names the place from the request when the incident has no sector', async () => {
      const locality = await repo().createLocality(aLocality());
      const pin = { lat: -11.3, lng: -74.5, label: null };
      const effects = (ticketId: string): IncidentLinkEffects => ({
        timeline: aTimelineEntry(ticketId, { type: 'incident_linked' }),
        joined: { outbox: anOutbox({ id: `known-${ticketId}`, body: '' }), message: { text: 'en {place}: {count}', locale: 'es-PE' }, params: {}, placeWithoutSector: 'su zona' },
      });
      await report(locality.id, 0, { location: pin }, effects);
      const second = await report(locality.id, 1, { location: pin }, effects);
      await expect(repo().getOutbox(`known-${second.ticket.id}`)).resolves.toMatchObject({ body: 'en su zona: 2' });
    });

    it('a merge moves every ticket of one incident to the other', async () => {
      const owner = await seedOwner(repo());
      const target = anIncident(owner.localityId);
      const source = anIncident(owner.localityId);
      const t1 = aTicket(owner, { incidentId: source.id });
      const t2 = aTicket(owner, { incidentId: source.id });
      await repo().commit({ incidentsCreated: [target, source], ticketsCreated: [t1, t2] });
      await repo().commit({
        incidentUpdates: [{ id: source.id, patch: { status: 'merged', mergedIntoId: target.id, linkKey: null, updatedAt: at(5) } }],
        incidentTicketMoves: [{ fromIncidentId: source.id, toIncidentId: target.id, at: at(5) }],
      });
      expect(await repo().getIncident(target.id)).toMatchObject({ ticketCount: 2 });
      expect(await repo().getIncident(source.id)).toMatchObject({ ticketCount: 0, status: 'merged', mergedIntoId: target.id });
      expect(await repo().listIncidents({ localityIds: [owner.localityId], statuses: ['open'] })).toEqual([expect.objectContaining({ id: target.id })]);
    });

    it('unlinking stores the ticket without an incident again', async () => {
      const owner = await seedOwner(repo());
      const incident = anIncident(owner.localityId);
      const ticket = aTicket(owner, { incidentId: incident.id });
      await repo().commit({ incidentsCreated: [incident], ticketsCreated: [ticket] });
      await repo().commit({ ticketUpdates: [{ id: ticket.id, patch: { incidentId: null } }] });
      const { incidentId: _dropped, ...withoutIncident } = ticket;
      await expect(repo().getTicket(ticket.id)).resolves.toEqual(withoutIncident);
    });
  });

  describe('broadcasts and notices (issue 9)', () => {
    it('rows written twice with the same derived id are stored once and counted by status', async () => {
      const owner = await seedOwner(repo());
      const broadcast = {
        id: randomUUID(),
        localityId: owner.localityId,
        kind: 'incident_update' as const,
        incidentId: null,
        noticeId: null,
        text: 'La cuadrilla llega a las 15:00',
        createdBy: 'system',
        createdAt: at(0),
        status: 'pending' as const,
        recipientCount: null,
        completedAt: null,
      };
      await repo().commit({ broadcastsCreated: [broadcast] });
      const row = anOutbox({ id: randomUUID(), residentId: owner.residentId, broadcastId: broadcast.id });
      await repo().commit({ outboxIfAbsent: [row] });
      await repo().updateOutbox(row.id, { status: 'sent', providerSid: 'SM1', updatedAt: at(1) });
      await repo().commit({ outboxIfAbsent: [row, anOutbox({ broadcastId: broadcast.id })] });
      await expect(repo().getOutbox(row.id)).resolves.toMatchObject({ status: 'sent' });
      expect(await repo().countOutboxByBroadcast(broadcast.id)).toEqual([
        { status: 'queued', count: 1 },
        { status: 'sent', count: 1 },
      ]);
      await repo().commit({ broadcastUpdates: [{ id: broadcast.id, patch: { status: 'done', recipientCount: 2, completedAt: at(2) } }] });
      expect(await repo().listBroadcasts({ statuses: ['pending', 'sending'] })).toEqual([]);
      await expect(repo().getBroadcast(broadcast.id)).resolves.toMatchObject({ status: 'done', recipientCount: 2 });
    });

    it('a notice reaches residents who reported in its sectors or subscribed, not opted-out or stopped ones', async () => {
      const locality = await repo().createLocality(aLocality());
      const make = async (resident: Partial<Parameters<typeof aResident>[0]> = {}) => repo().upsertResidentByPhone(aResident({ localityId: locality.id, ...resident }));
      const reporterCentro = await make();
      const reporterAlto = await make();
      const reporterPinos = await make();
      const optedOut = await make({ optedOut: true });
      const subscriber = await make();
      const stopped = await make();
      const otherTown = await repo().upsertResidentByPhone(aResident({ localityId: null }));
      const ticketIn = (residentId: string, sector: string) => aTicket({ localityId: locality.id, residentId }, { sector });
      await repo().commit({
        ticketsCreated: [
          ticketIn(reporterCentro.id, 'Centro'),
          ticketIn(reporterAlto.id, 'Barrio Alto'),
          ticketIn(reporterPinos.id, 'AA.HH. Los Pinos'),
          ticketIn(optedOut.id, 'Centro'),
          ticketIn(stopped.id, 'Centro'),
        ],
        noticeSubscriptions: [
          { residentId: subscriber.id, localityId: locality.id, sector: 'Barrio Alto', active: true, updatedAt: at(0) },
          { residentId: stopped.id, localityId: locality.id, sector: null, active: false, updatedAt: at(0) },
        ],
      });
      const query = { localityId: locality.id, sectors: ['Centro', 'Barrio Alto'] };
      const expected = [reporterCentro.id, reporterAlto.id, subscriber.id].sort();
      expect((await repo().listNoticeRecipients({ ...query, limit: 10 })).map((r) => r.id)).toEqual(expected);
      expect(await repo().countNoticeRecipients(query)).toBe(3);
      const firstPage = await repo().listNoticeRecipients({ ...query, limit: 2 });
      const secondPage = await repo().listNoticeRecipients({ ...query, limit: 2, afterResidentId: firstPage.at(-1)!.id });
      expect([...firstPage, ...secondPage].map((r) => r.id)).toEqual(expected);
      expect(otherTown.id).not.toBe(undefined);
      await expect(repo().findResidentSector(subscriber.id, locality.id)).resolves.toBe('Barrio Alto');
      await expect(repo().findResidentSector(reporterPinos.id, locality.id)).resolves.toBe('AA.HH. Los Pinos');
      await expect(repo().getNoticeSubscription(stopped.id, locality.id)).resolves.toMatchObject({ active: false, sector: null });
    });

    it('lists the notices in force at an instant, leaving out cancelled and past ones', async () => {
      const locality = await repo().createLocality(aLocality());
      const notice = (overrides: Partial<Notice>): Notice => ({
        id: randomUUID(),
        localityId: locality.id,
        kind: 'planned_cut',
        sectors: ['Centro'],
        startsAt: at(0),
        endsAt: at(120),
        text: 'cambio de válvula',
        createdBy: 'system',
        createdAt: at(0),
        cancelledAt: null,
        broadcastId: null,
        ...overrides,
      });
      const inForce = notice({});
      const cancelled = notice({ cancelledAt: at(1) });
      const past = notice({ startsAt: at(-200), endsAt: at(-100) });
      await repo().commit({ noticesCreated: [inForce, cancelled, past] });
      expect((await repo().listNotices({ localityId: locality.id, activeAt: at(60) })).map((n) => n.id)).toEqual([inForce.id]);
      expect(await repo().listNotices({ localityId: locality.id })).toHaveLength(3);
      await repo().commit({ noticeUpdates: [{ id: inForce.id, patch: { broadcastId: 'b1' } }] });
      await expect(repo().getNotice(inForce.id)).resolves.toMatchObject({ broadcastId: 'b1' });
    });
  });
}
