/**
 * Stores residents and their reports the way a conversation turn does (ticket created and
 * linked to its sector's incident in the same commit), without playing the conversation, for
 * tests about what happens after the reports: updates, resolution, notices, merges.
 */
import type { Locality } from '../../src/domain/locality';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import { randomReference } from '../../src/domain/reference';
import { incidentLinkFor } from '../../src/incidents/incident-intake';
import type { Translator } from '../../src/i18n/translator';
import { newId } from '../../src/shared/ids';
import type { Repository } from '../../src/store/repository';
import { aResidentWhoWroteAt, aTicket } from './domain-fixtures';

let seq = 0;
export function uniquePhone(): string {
  seq += 1;
  return `+5197${String(Date.now() % 100_000).padStart(5, '0')}${String(seq % 100).padStart(2, '0')}`.slice(0, 12);
}

export interface SeededReport {
  resident: Resident;
  ticket: Ticket;
}

export async function seedReport(
  repo: Repository,
  translator: Pick<Translator, 'render' | 'source'>,
  options: { locality: Locality; phone: string; sector: string | null; at?: string; category?: Ticket['category']; resident?: Partial<Resident>; link?: boolean },
): Promise<SeededReport> {
  const at = options.at ?? new Date().toISOString();
  const resident = await repo.upsertResidentByPhone(aResidentWhoWroteAt(at, { id: newId(), phone: options.phone, localityId: options.locality.id, ...options.resident }));
  let ticket = aTicket({
    id: newId(),
    reference: randomReference(),
    localityId: options.locality.id,
    residentId: resident.id,
    category: options.category ?? 'outage',
    details: { description: 'no hay agua', scope: 'street' },
    sector: options.sector,
    reporterGender: null,
    reporterLanguage: resident.language,
    channel: 'sms',
    createdAt: at,
    updatedAt: at,
  });
  const link =
    options.link === false
      ? null
      : incidentLinkFor({ categories: ['outage', 'quality', 'leak', 'sewage'], windowMinutes: 360, maxDistanceMeters: 300 }, translator, {
          ticket,
          resident,
          message: { channel: 'sms', toPhone: options.locality.phoneNumbers[0] ?? '+51940000001' },
          language: resident.language,
          noticeAt: at,
          newId,
        });
  // The "we already know" rows are not wanted here: only what comes after.
  await repo.commit({ ticketsCreated: [ticket], ...(link && { incidentLinks: [{ ...link, effects: undefined }] }) });
  ticket = (await repo.getTicket(ticket.id))!;
  return { resident, ticket };
}
