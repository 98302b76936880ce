/**
 * What Open311 publishes of a ticket. It is public data, so it carries no phone, no name, no
 * gender and no text the resident did not mean to publish:
 * - `description` and the exact location only for requests filed through Open311 (the filer
 *   wrote them for this public channel); a resident's SMS text and WhatsApp pin stay private;
 * - `address` of an SMS/WhatsApp ticket is at most its sector (a neighbourhood, not a house);
 * - `status_notes` only from the latest operator reply marked public (`isPublished`).
 * Times are ISO-8601 with the locality's offset, as the spec's examples.
 */
import { DateTime } from 'luxon';
import type { Locality } from '../domain/locality';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { Open311Service } from './open311-services';

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** Every field a published request may have: the test checks that nothing else leaks out. */
export const OPEN311_REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
  'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode',
  'lat', 'long', 'media_url',
] as const satisfies ReadonlyArray<keyof Open311Request>;

export function open311Status(ticket: Pick<Ticket, 'status'>): 'open' | 'closed' {
  return ticket.status === 'resolved' || ticket.status === 'closed' ? 'closed' : 'open';
}

export function localIso(iso: string | null, timeZone: string): string | null {
  if (!iso) return null;
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).startOf('second').toISO({ suppressMilliseconds: true });
}

/** The latest reply the operator marked public, or null. */
export function publishedNote(timeline: readonly TimelineEntry[]): string | null {
  const published = timeline.filter((e) => e.type === 'replied' && e.isPublished === true && e.text);
  return published.length > 0 ? published[published.length - 1]!.text : null;
}

export function toOpen311Request(input: {
  ticket: Ticket;
  locality: Pick<Locality, 'timeZone'>;
  agency: string;
  service: Pick<Open311Service, 'service_name'> | null;
  timeline: readonly TimelineEntry[];
}): Open311Request {
  const { ticket } = input;
  const zone = input.locality.timeZone;
  const fromOpen311 = ticket.channel === 'open311';
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const closedAt = ticket.closedAt ?? ticket.resolvedAt;
  return {
    service_request_id: ticket.id,
    status: open311Status(ticket),
    status_notes: publishedNote(input.timeline),
    service_name: input.service?.service_name ?? null,
    service_code: ticket.category,
    description: fromOpen311 ? text(ticket.details.description) : null,
    agency_responsible: input.agency,
    service_notice: null,
    requested_datetime: localIso(ticket.createdAt, zone)!,
    updated_datetime: localIso(open311Status(ticket) === 'closed' && closedAt ? closedAt : ticket.updatedAt, zone),
    expected_datetime: localIso(ticket.resolutionDueAt, zone),
    address: fromOpen311 ? (text(ticket.details.where) ?? ticket.sector) : ticket.sector,
    address_id: null,
    zipcode: null,
    lat: fromOpen311 && ticket.location ? ticket.location.lat : null,
    long: fromOpen311 && ticket.location ? ticket.location.lng : null,
    media_url: null,
  };
}
