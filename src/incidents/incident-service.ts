/**
 * What operators do with incidents, from the console, the REST API or an SMS command: list and
 * look, create one around tickets, merge two, split some tickets off, move a ticket in or out,
 * post an update to every linked resident, and resolve it (which resolves its tickets and asks
 * each resident once whether it is fixed). Access is checked against the operator's localities;
 * a refused action throws {@link IncidentActionError} and stores nothing.
 *
 * Moves never touch a ticket's own history: each moved ticket gets an `incident_linked` or
 * `incident_unlinked` timeline entry, and keeps its reference, SLA deadlines and statistics.
 * Updates and resolutions are broadcasts (see broadcast-runner): stored here, sent by a job.
 *
 * @example
 *   const incidents = createIncidentService({ repo, translator, now, newId, logger, dispatchBroadcast });
 *   await incidents.postUpdate(user, incidentId, 'La cuadrilla llega a las 15:00');
 */
import { REFERENCE_DIGITS } from '../domain/reference';
import { assertLocalityAccess } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { Broadcast, Incident, IncidentSummary } from '../domain/incident';
import type { OutboxStatus } from '../domain/message';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import type { Logger } from '../shared/logger';
import { NotFoundError, type Repository, type UnitOfWork } from '../store/repository';
import { fitsSmsBudget } from '../broadcasts/broadcast-text';
import { IncidentActionError } from './incident-errors';
import { incidentPlace } from './incident-intake';
import { withSector } from './incident-link-rules';

export interface IncidentServiceDeps {
  repo: Repository;
  translator: Pick<Translator, 'render'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /** Hands a stored broadcast to its job (the broadcast worker); a failure is repaired at start-up. */
  dispatchBroadcast: (broadcastId: string) => Promise<void>;
}

export interface BroadcastView extends Broadcast {
  delivery: Record<OutboxStatus, number>;
}

export interface IncidentView {
  incident: IncidentSummary;
  tickets: Ticket[];
  broadcasts: BroadcastView[];
}


export interface IncidentService {
  list(user: AuthenticatedUser, options?: { statuses?: Incident['status'][]; limit?: number }): Promise<IncidentSummary[]>;
  view(user: AuthenticatedUser, incidentId: string): Promise<IncidentView>;
  /** The incident a ticket (id or reference) is linked to; `not_linked` otherwise. */
  findByTicket(user: AuthenticatedUser, ticketIdOrReference: string): Promise<IncidentSummary>;
  /** A new incident (not collecting automatically) holding these tickets, taken from wherever they were. */
  create(user: AuthenticatedUser, ticketIdsOrReferences: string[], options?: { title?: string }): Promise<IncidentSummary>;
  /** Every ticket of `sourceId` moves into `targetId`; the source ends `merged`. Same locality only. */
  merge(user: AuthenticatedUser, targetId: string, sourceId: string): Promise<IncidentSummary>;
  /** These tickets of the incident move to a new incident. */
  split(user: AuthenticatedUser, incidentId: string, ticketIdsOrReferences: string[]): Promise<IncidentSummary>;
  attach(user: AuthenticatedUser, incidentId: string, ticketIdOrReference: string): Promise<IncidentSummary>;
  detach(user: AuthenticatedUser, ticketIdOrReference: string): Promise<Ticket>;
  /** Stores an update broadcast to every linked resident and hands it to the worker. */
  postUpdate(user: AuthenticatedUser, incidentId: string, text: string): Promise<Broadcast>;
  /** Resolves the incident; its tickets are resolved and each resident asked once, by the broadcast. */
  resolve(user: AuthenticatedUser, incidentId: string, note: string): Promise<Broadcast>;
  deliveryOf(broadcast: Broadcast): Promise<BroadcastView>;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { repo } = deps;

  async function load(user: AuthenticatedUser, id: string): Promise<IncidentSummary> {
    const incident = await repo.getIncident(id);
    if (!incident) throw new NotFoundError('incident', id);
    assertLocalityAccess(user, incident.localityId);
    return incident;
  }

  async function loadOpen(user: AuthenticatedUser, id: string): Promise<IncidentSummary> {
    const incident = await load(user, id);
    if (incident.status !== 'open') throw new IncidentActionError('not_open', `incident ${id} is ${incident.status}`);
    return incident;
  }

  async function loadTicket(user: AuthenticatedUser, key: string): Promise<Ticket> {
    const trimmed = key.trim();
    const ticket = REFERENCE_DIGITS.test(trimmed) ? ((await repo.findTicketByReference(trimmed)) ?? (await repo.getTicket(trimmed))) : await repo.getTicket(trimmed);
    if (!ticket) throw new NotFoundError('ticket', trimmed);
    assertLocalityAccess(user, ticket.localityId);
    return ticket;
  }

  function moveEntries(ticket: Ticket, to: string | null, user: AuthenticatedUser, at: string, reason: string): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    const from = ticket.incidentId ?? null;
    if (from) {
      entries.push({ id: deps.newId(), ticketId: ticket.id, at, type: 'incident_unlinked', actor: user.id, text: null, isPublic: false, data: { incidentId: from, reason, toIncidentId: to } });
    }
    if (to) {
      entries.push({ id: deps.newId(), ticketId: ticket.id, at, type: 'incident_linked', actor: user.id, text: null, isPublic: false, data: { incidentId: to, reason, fromIncidentId: from } });
    }
    return entries;
  }

  function manualIncident(localityId: string, category: Ticket['category'], tickets: Ticket[], user: AuthenticatedUser, at: string, title: string | null): Incident {
    return {
      id: deps.newId(),
      localityId,
      category,
      status: 'open',
      sectors: tickets.reduce<string[]>((sectors, t) => withSector(sectors, t.sector), []),
      location: null,
      linkKey: null,
      title,
      createdBy: user.id,
      createdAt: at,
      updatedAt: at,
      lastReportAt: tickets.map((t) => t.createdAt).sort().at(-1) ?? at,
      resolvedAt: null,
      resolutionNote: null,
      mergedIntoId: null,
      truckAlertedAt: null,
    };
  }

  async function moveTickets(user: AuthenticatedUser, tickets: Ticket[], to: Incident | null, at: string, reason: string, extra: UnitOfWork = {}): Promise<void> {
    const unit: UnitOfWork = {
      ...extra,
      ticketUpdates: tickets.map((t) => ({ id: t.id, patch: { incidentId: to?.id ?? null, updatedAt: at } })),
      timeline: tickets.flatMap((t) => moveEntries(t, to?.id ?? null, user, at, reason)),
    };
    await repo.commit(unit);
  }

  function uniqueTickets(tickets: Ticket[]): Ticket[] {
    return [...new Map(tickets.map((t) => [t.id, t])).values()];
  }

  async function broadcast(user: AuthenticatedUser, incident: IncidentSummary, kind: Broadcast['kind'], text: string, extra: UnitOfWork = {}): Promise<Broadcast> {
    const now = deps.now();
    const row: Broadcast = {
      id: deps.newId(),
      localityId: incident.localityId,
      kind,
      incidentId: incident.id,
      noticeId: null,
      text,
      createdBy: user.id,
      createdAt: now,
      status: 'pending',
      recipientCount: null,
      completedAt: null,
    };
    await repo.commit({ ...extra, broadcastsCreated: [row] });
    deps.logger.info({ incidentId: incident.id, broadcastId: row.id, kind, userId: user.id }, 'incident broadcast stored');
    await deps.dispatchBroadcast(row.id).catch((error: unknown) =>
      deps.logger.warn({ broadcastId: row.id, err: { message: (error as Error).message } }, 'broadcast not queued now; the start-up rebuild queues it'),
    );
    return row;
  }

  function checkText(text: string, render: (language: Parameters<IncidentServiceDeps['translator']['render']>[1], value: string) => string): string {
    const value = text.replace(/\s+/g, ' ').trim();
    if (value === '') throw new IncidentActionError('empty_text', 'the text is empty');
    if (!fitsSmsBudget((language) => render(language, value))) throw new IncidentActionError('text_too_long', 'the message would need more than 2 SMS segments');
    return value;
  }

  async function deliveryOf(b: Broadcast): Promise<BroadcastView> {
    const counts = await repo.countOutboxByBroadcast(b.id);
    const delivery = { queued: 0, sending: 0, sent: 0, delivered: 0, read: 0, undelivered: 0, failed: 0 } as Record<OutboxStatus, number>;
    for (const { status, count } of counts) delivery[status] = count;
    return { ...b, delivery };
  }

  return {
    async list(user, options = {}) {
      const localityIds = user.role === 'admin' ? undefined : user.localityIds;
      return repo.listIncidents({ localityIds, statuses: options.statuses ?? ['open'], limit: options.limit ?? 50 });
    },

    async view(user, incidentId) {
      const incident = await load(user, incidentId);
      const [tickets, broadcasts] = await Promise.all([repo.listIncidentTickets(incident.id), repo.listBroadcasts({ incidentId: incident.id })]);
      return { incident, tickets, broadcasts: await Promise.all(broadcasts.map(deliveryOf)) };
    },

    async findByTicket(user, key) {
      const ticket = await loadTicket(user, key);
      if (!ticket.incidentId) throw new IncidentActionError('not_linked', `ticket ${ticket.reference} is not in an incident`);
      return load(user, ticket.incidentId);
    },

    async create(user, keys, options = {}) {
      const tickets = uniqueTickets(await Promise.all(keys.map((key) => loadTicket(user, key))));
      const [first] = tickets;
      if (!first) throw new IncidentActionError('no_tickets', 'an incident needs at least one ticket');
      if (tickets.some((t) => t.localityId !== first.localityId)) throw new IncidentActionError('different_locality', 'the tickets belong to different localities');
      const at = deps.now();
      const incident = manualIncident(first.localityId, first.category, tickets, user, at, options.title?.trim() || null);
      await moveTickets(user, tickets, incident, at, 'created', { incidentsCreated: [incident] });
      deps.logger.info({ incidentId: incident.id, userId: user.id, tickets: tickets.length }, 'incident created by an operator');
      return (await repo.getIncident(incident.id))!;
    },

    async merge(user, targetId, sourceId) {
      if (targetId === sourceId) throw new IncidentActionError('same_incident', 'an incident cannot be merged into itself');
      const [target, source] = [await loadOpen(user, targetId), await loadOpen(user, sourceId)];
      if (target.localityId !== source.localityId) throw new IncidentActionError('different_locality', 'incidents of different localities cannot be merged');
      const at = deps.now();
      const moved = await repo.listIncidentTickets(source.id);
      const sectors = source.sectors.reduce((all, s) => withSector(all, s), target.sectors);
      await repo.commit({
        incidentUpdates: [
          { id: source.id, patch: { status: 'merged', mergedIntoId: target.id, linkKey: null, updatedAt: at } },
          { id: target.id, patch: { sectors, lastReportAt: [target.lastReportAt, source.lastReportAt].sort().at(-1)!, updatedAt: at } },
        ],
        incidentTicketMoves: [{ fromIncidentId: source.id, toIncidentId: target.id, at }],
        timeline: moved.flatMap((t) => moveEntries(t, target.id, user, at, 'merged')),
      });
      deps.logger.info({ targetId, sourceId, userId: user.id, tickets: moved.length }, 'incidents merged');
      return (await repo.getIncident(target.id))!;
    },

    async split(user, incidentId, keys) {
      const incident = await loadOpen(user, incidentId);
      const tickets = uniqueTickets(await Promise.all(keys.map((key) => loadTicket(user, key))));
      if (tickets.length === 0) throw new IncidentActionError('no_tickets', 'choose the tickets to split off');
      if (tickets.some((t) => t.incidentId !== incident.id)) throw new IncidentActionError('not_linked', 'every ticket to split off must be in this incident');
      const at = deps.now();
      const created = manualIncident(incident.localityId, incident.category, tickets, user, at, null);
      await moveTickets(user, tickets, created, at, 'split', { incidentsCreated: [created] });
      deps.logger.info({ incidentId, newIncidentId: created.id, userId: user.id, tickets: tickets.length }, 'incident split');
      return (await repo.getIncident(created.id))!;
    },

    async attach(user, incidentId, key) {
      const incident = await loadOpen(user, incidentId);
      const ticket = await loadTicket(user, key);
      if (ticket.localityId !== incident.localityId) throw new IncidentActionError('different_locality', 'the ticket belongs to another locality');
      if (ticket.incidentId === incident.id) throw new IncidentActionError('same_incident', 'the ticket is already in this incident');
      const at = deps.now();
      await moveTickets(user, [ticket], incident, at, 'attached', {
        incidentUpdates: [{ id: incident.id, patch: { sectors: withSector(incident.sectors, ticket.sector), updatedAt: at } }],
      });
      return (await repo.getIncident(incident.id))!;
    },

    async detach(user, key) {
      const ticket = await loadTicket(user, key);
      if (!ticket.incidentId) throw new IncidentActionError('not_linked', `ticket ${ticket.reference} is not in an incident`);
      await moveTickets(user, [ticket], null, deps.now(), 'detached');
      return (await repo.getTicket(ticket.id))!;
    },

    async postUpdate(user, incidentId, text) {
      const incident = await loadOpen(user, incidentId);
      const value = checkText(text, (language, v) =>
        deps.translator.render('incident.update', language, { category: incident.category, place: incidentPlace(deps.translator, incident, language), text: v }),
      );
      return broadcast(user, incident, 'incident_update', value, { incidentUpdates: [{ id: incident.id, patch: { updatedAt: deps.now() } }] });
    },

    async resolve(user, incidentId, note) {
      const incident = await loadOpen(user, incidentId);
      const value = checkText(note, (language, v) =>
        deps.translator.render('incident.ask_water_back', language, {
          incident_category: incident.category,
          incident_place: incidentPlace(deps.translator, incident, language),
          incident_note: v,
          reference: '0000000',
        }),
      );
      const at = deps.now();
      return broadcast(user, incident, 'incident_resolved', value, {
        incidentUpdates: [{ id: incident.id, patch: { status: 'resolved', linkKey: null, resolvedAt: at, resolutionNote: value, updatedAt: at } }],
      });
    },

    deliveryOf,
  };
}
