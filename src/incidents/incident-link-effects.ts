/**
 * The rows an automatic incident link stores with it (issue 9), computed from plain data the
 * turn prepared ({@link IncidentLinkEffects}) and the link as the store made it: both store
 * adapters call {@link linkedRows} inside the commit, so the "37 vecinos lo reportaron" count is
 * true even in a burst, and the unit stays data (it crosses to the SQLite store thread, and a
 * MongoDB transaction retry simply computes it again).
 */
import type { OutboxMessage } from '../domain/message';
import type { TimelineEntry } from '../domain/ticket';
import { adaptForChannel } from '../i18n/channel-text';
import { formatMessageSource } from '../i18n/message-source';
import type { CommitResult, IncidentLink, IncidentLinkEffects, UnitOfWork } from '../store/repository';

/** The place an incident is about, as residents read it: its sectors, or `withoutSector` ("su zona"). */
export function placeOfIncident(incident: { sectors: readonly string[] }, withoutSector: string): string {
  return incident.sectors.length > 0 ? incident.sectors.join(', ') : withoutSector;
}

export interface LinkedRows {
  timeline: TimelineEntry[];
  outbox: OutboxMessage[];
}

export function linkedRows(effects: IncidentLinkEffects | undefined, link: IncidentLink): LinkedRows {
  if (!effects) return { timeline: [], outbox: [] };
  const timeline: TimelineEntry = {
    ...effects.timeline,
    data: { ...effects.timeline.data, incidentId: link.incident.id, createdIncident: link.created },
  };
  if (link.created || !effects.joined) return { timeline: [timeline], outbox: [] };
  const { outbox, message, params, placeWithoutSector } = effects.joined;
  const place = placeOfIncident(link.incident, placeWithoutSector);
  const text = formatMessageSource(message, { ...params, place, count: link.residentCount });
  return { timeline: [timeline], outbox: [{ ...outbox, body: adaptForChannel(text, outbox.channel) }] };
}

/** Ids of the "we already know" rows a commit stored: to enqueue with the turn's own replies. */
export function joinedOutboxIds(unit: Pick<UnitOfWork, 'incidentLinks'>, result: CommitResult): string[] {
  const requests = new Map((unit.incidentLinks ?? []).map((request) => [request.ticketId, request]));
  const ids: string[] = [];
  for (const link of result.incidentLinks) {
    const joined = requests.get(link.ticketId)?.effects?.joined;
    if (!link.created && joined) ids.push(joined.outbox.id);
  }
  return ids;
}
