/**
 * `/incidents` and `/notices` (issue 9): the same incident and notice services as the console
 * and the operator's SMS, so access rules, refusals and broadcasts are identical whichever door
 * the operator uses. Another locality's incident answers 404. A refused action is `409
 * conflict` (incidents) or `400 invalid_request` (notices) with `details.reason`.
 */
import { z } from 'zod';
import { ForbiddenError } from '../auth/auth-types';
import { INCIDENT_STATUSES, NOTICE_KINDS, type Broadcast, type IncidentSummary, type Notice } from '../domain/incident';
import type { BroadcastView, IncidentService } from '../incidents/incident-service';
import type { NoticePreview, NoticeService } from '../incidents/notice-service';
import { ApiError } from './api-errors';
import { defineEndpoint, type Endpoint } from './api-endpoint';
import { isoInstant, multiValue, nullableInstant } from './common-schemas';

export interface IncidentEndpointDeps {
  incidents: IncidentService;
  notices: NoticeService;
}

const incidentSchema = z
  .object({
    id: z.string(),
    locality_id: z.string(),
    category: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    sectors: z.array(z.string()),
    collecting: z.boolean().meta({ description: 'True while new reports of its sector join it automatically.' }),
    ticket_count: z.number().int(),
    open_ticket_count: z.number().int(),
    resident_count: z.number().int(),
    created_at: isoInstant,
    last_report_at: isoInstant,
    resolved_at: nullableInstant,
    merged_into_id: z.string().nullable(),
    truck_alerted_at: nullableInstant,
  })
  .meta({ id: 'Incident' });

const deliverySchema = z.record(z.string(), z.number().int());
const broadcastSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    text: z.string(),
    status: z.string(),
    recipient_count: z.number().int().nullable(),
    created_at: isoInstant,
    delivery: deliverySchema.meta({ description: 'Copies by outbox status: queued, sending, sent, delivered, read, undelivered, failed.' }),
  })
  .meta({ id: 'Broadcast' });

const incidentDetailSchema = incidentSchema.extend({
  tickets: z.array(z.object({ id: z.string(), reference: z.string(), status: z.string(), sector: z.string().nullable(), created_at: isoInstant })),
  broadcasts: z.array(broadcastSchema),
});

const ticketsBody = z.object({ tickets: z.array(z.string().min(1)).min(1).max(500).meta({ description: 'Ticket ids or 7-digit references.' }) });
const textBody = z.object({ text: z.string().min(1).max(1000) });
const noteBody = z.object({ note: z.string().min(1).max(1000) });
const noticeBody = z.object({
  locality_id: z.string().min(1),
  kind: z.enum(NOTICE_KINDS).default('planned_cut'),
  sectors: z.array(z.string().min(1)).min(1).max(50),
  starts_at: isoInstant,
  ends_at: isoInstant,
  text: z.string().min(1).max(1000),
});
const previewSchema = z.object({ sms: z.string(), segments: z.number().int(), residents: z.number().int(), committee: z.number().int(), total: z.number().int() }).meta({ id: 'NoticePreview' });
const noticeSchema = z
  .object({
    id: z.string(),
    locality_id: z.string(),
    kind: z.enum(NOTICE_KINDS),
    sectors: z.array(z.string()),
    starts_at: isoInstant,
    ends_at: isoInstant,
    text: z.string(),
    broadcast: broadcastSchema.nullable(),
  })
  .meta({ id: 'Notice' });

const idParams = z.object({ id: z.string().min(1).max(100) });
const TAGS = ['incidents'];

function incidentJson(incident: IncidentSummary): z.input<typeof incidentSchema> {
  return {
    id: incident.id,
    locality_id: incident.localityId,
    category: incident.category,
    status: incident.status,
    sectors: incident.sectors,
    collecting: incident.linkKey !== null,
    ticket_count: incident.ticketCount,
    open_ticket_count: incident.openTicketCount,
    resident_count: incident.residentCount,
    created_at: incident.createdAt,
    last_report_at: incident.lastReportAt,
    resolved_at: incident.resolvedAt,
    merged_into_id: incident.mergedIntoId,
    truck_alerted_at: incident.truckAlertedAt,
  };
}

function broadcastJson(b: BroadcastView): z.input<typeof broadcastSchema> {
  return { id: b.id, kind: b.kind, text: b.text, status: b.status, recipient_count: b.recipientCount, created_at: b.createdAt, delivery: b.delivery };
}

function previewJson(p: NoticePreview): z.input<typeof previewSchema> {
  return { sms: p.sms, segments: p.segments, residents: p.residents, committee: p.committee, total: p.total };
}

function noticeRequest(body: z.output<typeof noticeBody>) {
  return { localityId: body.locality_id, kind: body.kind, sectors: body.sectors, startsAt: body.starts_at, endsAt: body.ends_at, text: body.text };
}

/** Another town's incident is answered as if it did not exist. */
async function asNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ForbiddenError) throw new ApiError('not_found', 'not found');
    throw error;
  }
}

export function incidentEndpoints(deps: IncidentEndpointDeps): Endpoint[] {
  const { incidents, notices } = deps;
  const detail = async (user: Parameters<IncidentService['view']>[0], id: string) => {
    const view = await incidents.view(user, id);
    return {
      ...incidentJson(view.incident),
      tickets: view.tickets.map((t) => ({ id: t.id, reference: t.reference, status: t.status, sector: t.sector, created_at: t.createdAt })),
      broadcasts: view.broadcasts.map(broadcastJson),
    };
  };
  const broadcastOut = async (b: Broadcast) => broadcastJson(await incidents.deliveryOf(b));
  const noticeJson = async (notice: Notice, b: Broadcast | null): Promise<z.input<typeof noticeSchema>> => ({
    id: notice.id,
    locality_id: notice.localityId,
    kind: notice.kind,
    sectors: notice.sectors,
    starts_at: notice.startsAt,
    ends_at: notice.endsAt,
    text: notice.text,
    broadcast: b ? await broadcastOut(b) : null,
  });

  return [
    defineEndpoint({
      method: 'get',
      path: '/incidents',
      operationId: 'listIncidents',
      summary: 'Incidents of your localities (open ones unless `status` says otherwise), newest first, with size and sectors',
      tags: TAGS,
      request: { query: z.object({ status: multiValue(z.enum(INCIDENT_STATUSES)) }) },
      response: { status: 200, description: 'The incidents', schema: z.object({ items: z.array(incidentSchema) }) },
      errors: [400],
      handle: async ({ user, query }) => ({ items: (await incidents.list(user, { statuses: query.status })).map(incidentJson) }),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents',
      operationId: 'createIncident',
      summary: 'Create an incident around tickets (moved from any incident they were in)',
      tags: TAGS,
      request: { body: ticketsBody },
      response: { status: 201, description: 'The new incident', schema: incidentSchema },
      errors: [400, 404, 409],
      handle: async ({ user, body }) => asNotFound(async () => incidentJson(await incidents.create(user, body.tickets))),
    }),
    defineEndpoint({
      method: 'get',
      path: '/incidents/:id',
      operationId: 'getIncident',
      summary: 'One incident with its tickets and its broadcasts (with delivery counts)',
      tags: TAGS,
      request: { params: idParams },
      response: { status: 200, description: 'The incident', schema: incidentDetailSchema },
      errors: [404],
      handle: async ({ user, params }) => asNotFound(() => detail(user, params.id)),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/:id/merge',
      operationId: 'mergeIncident',
      summary: 'Move every ticket of `source_id` into this incident (same locality only)',
      tags: TAGS,
      request: { params: idParams, body: z.object({ source_id: z.string().min(1) }) },
      response: { status: 200, description: 'The merged incident', schema: incidentSchema },
      errors: [400, 404, 409],
      handle: async ({ user, params, body }) => asNotFound(async () => incidentJson(await incidents.merge(user, params.id, body.source_id))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/:id/split',
      operationId: 'splitIncident',
      summary: 'Move these tickets of the incident into a new incident',
      tags: TAGS,
      request: { params: idParams, body: ticketsBody },
      response: { status: 201, description: 'The new incident', schema: incidentSchema },
      errors: [400, 404, 409],
      handle: async ({ user, params, body }) => asNotFound(async () => incidentJson(await incidents.split(user, params.id, body.tickets))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/:id/tickets',
      operationId: 'attachTicket',
      summary: 'Move a ticket into this incident',
      tags: TAGS,
      request: { params: idParams, body: z.object({ ticket: z.string().min(1) }) },
      response: { status: 200, description: 'The incident', schema: incidentSchema },
      errors: [400, 404, 409],
      handle: async ({ user, params, body }) => asNotFound(async () => incidentJson(await incidents.attach(user, params.id, body.ticket))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/detach',
      operationId: 'detachTicket',
      summary: 'Take a ticket out of its incident',
      tags: TAGS,
      request: { body: z.object({ ticket: z.string().min(1) }) },
      response: { status: 200, description: 'Done', schema: z.object({ ticket_id: z.string(), incident_id: z.string().nullable() }) },
      errors: [400, 404, 409],
      handle: async ({ user, body }) => asNotFound(async () => {
        const ticket = await incidents.detach(user, body.ticket);
        return { ticket_id: ticket.id, incident_id: ticket.incidentId ?? null };
      }),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/:id/updates',
      operationId: 'postIncidentUpdate',
      summary: 'Send an update to every resident linked to the incident (once each)',
      tags: TAGS,
      request: { params: idParams, body: textBody },
      response: { status: 201, description: 'The broadcast', schema: broadcastSchema },
      errors: [400, 404, 409],
      handle: async ({ user, params, body }) => asNotFound(async () => broadcastOut(await incidents.postUpdate(user, params.id, body.text))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/incidents/:id/resolve',
      operationId: 'resolveIncident',
      summary: 'Resolve the incident: its tickets are resolved and each resident is asked once whether it is fixed',
      tags: TAGS,
      request: { params: idParams, body: noteBody },
      response: { status: 201, description: 'The broadcast', schema: broadcastSchema },
      errors: [400, 404, 409],
      handle: async ({ user, params, body }) => asNotFound(async () => broadcastOut(await incidents.resolve(user, params.id, body.note))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/notices/preview',
      operationId: 'previewNotice',
      summary: 'The planned-cut SMS as residents will read it and how many it will reach; nothing is sent',
      tags: TAGS,
      request: { body: noticeBody },
      response: { status: 200, description: 'The preview', schema: previewSchema },
      errors: [400, 404],
      handle: async ({ user, body }) => asNotFound(async () => previewJson(await notices.preview(user, noticeRequest(body)))),
    }),
    defineEndpoint({
      method: 'post',
      path: '/notices',
      operationId: 'sendNotice',
      summary: 'Announce a planned cut or water-truck schedule to the residents of these sectors and the committee',
      tags: TAGS,
      request: { body: noticeBody },
      response: { status: 201, description: 'The stored notice and its broadcast', schema: noticeSchema.extend({ preview: previewSchema }) },
      errors: [400, 404],
      handle: async ({ user, body }) =>
        asNotFound(async () => {
          const sent = await notices.send(user, noticeRequest(body));
          return { ...(await noticeJson(sent.notice, sent.broadcast)), preview: previewJson(sent.preview) };
        }),
    }),
    defineEndpoint({
      method: 'get',
      path: '/notices',
      operationId: 'listNotices',
      summary: 'Notices of a locality, newest first, with delivery counts',
      tags: TAGS,
      request: { query: z.object({ locality_id: z.string().min(1) }) },
      response: { status: 200, description: 'The notices', schema: z.object({ items: z.array(noticeSchema) }) },
      errors: [400, 404],
      handle: async ({ user, query }) =>
        asNotFound(async () => ({ items: await Promise.all((await notices.list(user, query.locality_id)).map((n) => noticeJson(n.notice, n.broadcast))) })),
    }),
  ];
}
