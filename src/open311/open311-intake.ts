/**
 * `POST /open311/v2/requests`: an Open311 client files a request, and it becomes a ticket with
 * channel `open311`, checked like a resident's report: the service code must be a category, a
 * location is required (lat/long, an address or an address id), the sector is matched against
 * the town's sectors as the flows match a resident's answer, and the new ticket gets its SLA
 * deadlines and the operators' alert like any other.
 *
 * The filer is anonymous: name, e-mail, phone and device id are accepted (the spec lists them)
 * but never stored, so the ticket's reporter is the locality's Open311 stand-in resident, who has
 * no phone channel and is opted out (no SMS can ever be addressed to it). Follow-up happens through
 * `GET /requests/{id}` and the operator's published replies.
 */
import { randomReference } from '../domain/reference';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import { matchSector } from '../flow-engine/sector-matcher';
import type { ComputeDeadlines } from '../conversation/ticket-opening';
import { withDeadlines } from '../conversation/ticket-opening';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { Open311Error } from './open311-errors';
import { isServiceCode } from './open311-services';

/** The spec's limit for `description` (request.json: maxLength 4000). */
export const MAX_DESCRIPTION = 4000;
export const MAX_ADDRESS = 500;
const REFERENCE_ATTEMPTS = 5;

export interface Open311IntakeDeps {
  repo: Repository;
  now: () => string;
  newId: () => string;
  logger: Logger;
  computeDeadlines?: ComputeDeadlines;
  /** Alerts, SLA jobs, metrics: what a ticket opened by a conversation also gets. */
  onTicketsOpened?: (tickets: Ticket[]) => unknown;
  newReference?: () => string;
}

export interface Open311Filing {
  service_code?: unknown;
  lat?: unknown;
  long?: unknown;
  address_string?: unknown;
  address_id?: unknown;
  description?: unknown;
}

/** The stand-in reporter of a locality's Open311 requests: never a real phone number. */
export function open311ResidentPhone(localityId: string): string {
  return `open311:${localityId}`;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Open311Error(400, `${field} must be text`);
  const clean = value.trim().replace(/\s+/g, ' ');
  if (clean.length > max) throw new Open311Error(400, `${field} is longer than ${max} characters`);
  return clean === '' ? null : clean;
}

function coordinate(value: unknown, field: 'lat' | 'long'): number | null {
  if (value === undefined || value === null || value === '') return null;
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const limit = field === 'lat' ? 90 : 180;
  if (!Number.isFinite(number) || Math.abs(number) > limit) throw new Open311Error(400, `${field} must be a number between -${limit} and ${limit}`);
  return number;
}

/** Validates a filing; throws {@link Open311Error} (400) naming the first bad field. */
export function parseFiling(filing: Open311Filing) {
  const code = typeof filing.service_code === 'string' ? filing.service_code.trim() : '';
  if (code === '') throw new Open311Error(400, 'service_code is required');
  if (!isServiceCode(code)) throw new Open311Error(400, `unknown service_code "${code.slice(0, 40)}"`);
  const lat = coordinate(filing.lat, 'lat');
  const long = coordinate(filing.long, 'long');
  if ((lat === null) !== (long === null)) throw new Open311Error(400, 'lat and long go together');
  const address = optionalText(filing.address_string, 'address_string', MAX_ADDRESS);
  const addressId = optionalText(filing.address_id, 'address_id', MAX_ADDRESS);
  if (lat === null && address === null && addressId === null) {
    throw new Open311Error(400, 'a location is required: lat and long, address_string or address_id');
  }
  const description = optionalText(filing.description, 'description', MAX_DESCRIPTION);
  return { category: code, lat, long, address: address ?? addressId, description };
}

/** The whole address, else one of its comma-separated parts ("Jr. Lima 3, Centro"), matched like a resident's answer. */
function sectorOf(address: string, sectors: readonly string[]): string | null {
  for (const candidate of [address, ...address.split(/[,;]/).map((part) => part.trim()).reverse()]) {
    const sector = candidate ? matchSector(candidate, sectors, new Map()) : null;
    if (sector) return sector;
  }
  return null;
}

export function createOpen311Intake(deps: Open311IntakeDeps) {
  const newReference = deps.newReference ?? randomReference;

  async function standInResident(locality: Locality, now: string): Promise<Resident> {
    return deps.repo.upsertResidentByPhone({
      id: deps.newId(),
      phone: open311ResidentPhone(locality.id),
      localityId: locality.id,
      language: 'es',
      gender: null,
      genderAskedAt: now,
      privacyNoticeSentAt: null,
      optedOut: true,
      lastInboundAt: null,
      lastWhatsappInboundAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  return {
    /** Files one request; returns the new ticket. */
    async file(locality: Locality, filing: Open311Filing, client: { keyId: string }): Promise<Ticket> {
      const parsed = parseFiling(filing);
      const now = deps.now();
      const resident = await standInResident(locality, now);
      const base: Ticket = {
        id: deps.newId(),
        reference: newReference(),
        localityId: locality.id,
        residentId: resident.id,
        category: parsed.category,
        details: { description: parsed.description, where: parsed.address },
        sector: parsed.address ? sectorOf(parsed.address, locality.sectors) : null,
        location: parsed.lat !== null && parsed.long !== null ? { lat: parsed.lat, lng: parsed.long, label: null } : null,
        channel: 'open311',
        reporterGender: null,
        reporterLanguage: 'es',
        priority: 'normal',
        status: 'open',
        needsOperator: false,
        assigneeId: null,
        createdAt: now,
        updatedAt: now,
        firstResponseAt: null,
        acknowledgedAt: null,
        resolvedAt: null,
        closedAt: null,
        reopenCount: 0,
        firstResponseDueAt: null,
        resolutionDueAt: null,
        slaBreachedAt: null,
        resolutionNote: null,
        residentConfirmedSolved: null,
        residentRating: null,
      };
      let ticket = await withDeadlines(base, deps.computeDeadlines, deps.logger);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await deps.repo.commit({
            ticketsCreated: [ticket],
            timeline: [
              {
                id: deps.newId(),
                ticketId: ticket.id,
                at: now,
                type: 'opened',
                actor: 'system',
                text: null,
                isPublic: false,
                data: { category: ticket.category, priority: ticket.priority, channel: 'open311', open311KeyId: client.keyId },
              },
            ],
          });
          break;
        } catch (error) {
          if (!(error instanceof UniqueViolationError) || error.field !== 'reference' || attempt >= REFERENCE_ATTEMPTS) throw error;
          ticket = { ...ticket, reference: newReference() };
        }
      }
      deps.logger.info({ ticketId: ticket.id, open311KeyId: client.keyId, category: ticket.category }, 'open311 request filed');
      if (deps.onTicketsOpened) {
        try {
          await deps.onTicketsOpened([ticket]);
        } catch (error) {
          deps.logger.error({ ticketId: ticket.id, err: String(error) }, 'onTicketsOpened hook failed for an open311 request');
        }
      }
      return ticket;
    },
  };
}

export type Open311Intake = ReturnType<typeof createOpen311Intake>;
