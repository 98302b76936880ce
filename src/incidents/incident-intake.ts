/**
 * What a resident's turn adds for issue 9, built by the host (never by the pure engine):
 *
 * - {@link incidentLinkFor}: the request that links a new ticket to its open incident inside the
 *   turn's commit, and, when the incident already existed, the resident's "Ya sabemos del corte
 *   en Barrio Alto: 37 vecinos lo reportaron…" row (rendered in the store's transaction from
 *   the incident as stored, so the count is true even in a burst). Its id is derived from the
 *   ticket, so a retried turn never stores it twice.
 * - {@link noticesToTellFirst}: planned cuts in force for the resident's sector, told once per
 *   notice before the flow's first reply when a fresh conversation starts.
 */
import type { Incident, Notice } from '../domain/incident';
import type { InboundMessage, OutboxMessage } from '../domain/message';
import type { Language, Resident } from '../domain/resident';
import type { Category, Ticket } from '../domain/ticket';
import type { Translator } from '../i18n/translator';
import { derivedId } from '../alerts/derived-id';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { IncidentLinkRequest, Repository } from '../store/repository';
import { placeOfIncident } from './incident-link-effects';
import { sectorLinkKey } from './incident-link-rules';
import { formatNoticeTime } from './notice-time';

export const INCIDENT_KNOWN_KIND = 'incident_known';
export const NOTICE_TOLD_FIRST_KIND = 'notice_told_first';

export interface IncidentLinkingOptions {
  /** INCIDENT_CATEGORIES: billing is personal and never grouped. */
  categories: readonly Category[];
  windowMinutes: number;
  maxDistanceMeters: number;
}

export interface IncidentLinkInput {
  ticket: Ticket;
  resident: Pick<Resident, 'id' | 'phone'>;
  message: Pick<InboundMessage, 'channel' | 'toPhone'>;
  language: Language;
  /** The instant of the "we already know" row: right after the ticket's confirmation. */
  noticeAt: string;
  newId: () => string;
}

/** The place an incident is about, as residents read it: its sectors or "su zona". */
export function incidentPlace(translator: Pick<Translator, 'render'>, incident: Pick<Incident, 'sectors'>, language: Language): string {
  return placeOfIncident(incident, translator.render('incident.near_you', language));
}

export function incidentLinkFor(
  options: IncidentLinkingOptions,
  translator: Pick<Translator, 'render' | 'source'>,
  input: IncidentLinkInput,
): IncidentLinkRequest | null {
  const { ticket } = input;
  if (!options.categories.includes(ticket.category)) return null;
  if (!ticket.sector && !ticket.location) return null;
  const at = ticket.createdAt;
  const windowStartsAt = new Date(Date.parse(at) - options.windowMinutes * 60_000).toISOString();
  const newIncident: Incident = {
    id: input.newId(),
    localityId: ticket.localityId,
    category: ticket.category,
    status: 'open',
    sectors: [],
    location: null,
    linkKey: null,
    title: null,
    createdBy: 'system',
    createdAt: at,
    updatedAt: at,
    lastReportAt: at,
    resolvedAt: null,
    resolutionNote: null,
    mergedIntoId: null,
    truckAlertedAt: null,
  };
  return {
    ticketId: ticket.id,
    localityId: ticket.localityId,
    category: ticket.category,
    sectorKey: ticket.sector ? sectorLinkKey(ticket.localityId, ticket.category, ticket.sector) : null,
    sector: ticket.sector,
    location: ticket.location,
    at,
    windowStartsAt,
    maxDistanceMeters: options.maxDistanceMeters,
    newIncident,
    effects: {
      timeline: {
        id: derivedId('incident_linked', ticket.id),
        ticketId: ticket.id,
        at,
        type: 'incident_linked',
        actor: 'system',
        text: null,
        isPublic: false,
        data: { automatic: true },
      },
      joined: {
        outbox: newOutboxMessage({
          id: derivedId(INCIDENT_KNOWN_KIND, ticket.id),
          now: input.noticeAt,
          channel: input.message.channel,
          toPhone: input.resident.phone,
          fromPhone: input.message.toPhone,
          text: '',
          kind: INCIDENT_KNOWN_KIND,
          residentId: input.resident.id,
          ticketId: ticket.id,
        }),
        message: translator.source('incident.known', input.language),
        params: { category: ticket.category, reference: ticket.reference },
        placeWithoutSector: translator.render('incident.near_you', input.language),
      },
    },
  };
}

export interface TellFirstInput {
  repo: Pick<Repository, 'listNotices' | 'findResidentSector'>;
  translator: Pick<Translator, 'render'>;
  resident: Pick<Resident, 'id' | 'phone'>;
  localityId: string;
  timeZone: string;
  message: Pick<InboundMessage, 'channel' | 'toPhone'>;
  language: Language;
  at: string;
}

/**
 * The notices in force for this resident (their known sector, or every one of the town when we
 * do not know where they live), newest first, at most two, as rows to store only if absent: a
 * resident is told of one notice once. `now` of each row is given by the caller.
 */
export async function noticesToTellFirst(input: TellFirstInput): Promise<Array<{ notice: Notice; row: (now: string) => OutboxMessage }>> {
  const notices = await input.repo.listNotices({ localityId: input.localityId, activeAt: input.at, limit: 10 });
  if (notices.length === 0) return [];
  const sector = await input.repo.findResidentSector(input.resident.id, input.localityId);
  const mine = sector ? notices.filter((n) => n.sectors.includes(sector)) : notices;
  return mine.slice(0, 2).map((notice) => ({
    notice,
    row: (now: string) =>
      newOutboxMessage({
        id: derivedId(NOTICE_TOLD_FIRST_KIND, notice.id, input.resident.id),
        now,
        channel: input.message.channel,
        toPhone: input.resident.phone,
        fromPhone: input.message.toPhone,
        text: input.translator.render('notice.told_first', input.language, {
          kind: notice.kind,
          sectors: notice.sectors.join(', '),
          to: formatNoticeTime(notice.endsAt, input.timeZone, input.language),
          text: notice.text,
        }),
        kind: NOTICE_TOLD_FIRST_KIND,
        residentId: input.resident.id,
        ticketId: null,
      }),
  }));
}
