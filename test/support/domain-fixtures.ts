/**
 * Builders for the plain domain objects, complete with every field, so that no test spells out
 * a whole ticket, resident, user, locality or inbound message by hand and a new field is added
 * in one place. Defaults are fixed, readable values from one town (San Martín): no clock, no
 * randomness (but for `aStaffUser`'s username, which must be unique in a store), so a unit test
 * can assert on them. A test that stores several objects passes its own ids, phones and times;
 * every test overrides only what it is about.
 */
import { randomBytes } from 'node:crypto';
import type { Locality } from '../../src/domain/locality';
import type { InboundMessage } from '../../src/domain/message';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { Role, User } from '../../src/domain/user';

const SET_UP_AT = '2025-01-01T00:00:00.000Z';
const REPORTED_AT = '2025-03-07T14:00:00.000Z';

/** A town with two sectors and one Twilio number. */
export function aLocality(overrides: Partial<Locality> = {}): Locality {
  return {
    id: 'loc-san-martin',
    slug: 'san-martin',
    name: 'San Martín',
    timeZone: 'America/Lima',
    sectors: ['Centro', 'Barrio Alto'],
    phoneNumbers: ['+51940000001'],
    isCatchAll: false,
    createdAt: SET_UP_AT,
    ...overrides,
  };
}

/** A resident the store knows but who has not been through a conversation yet. */
export function aResident(overrides: Partial<Resident> = {}): Resident {
  return {
    id: 'resident-1',
    phone: '+51987654321',
    localityId: 'loc-san-martin',
    language: 'es',
    gender: null,
    genderAskedAt: null,
    privacyNoticeSentAt: null,
    optedOut: false,
    lastInboundAt: null,
    lastWhatsappInboundAt: null,
    createdAt: REPORTED_AT,
    updatedAt: REPORTED_AT,
    ...overrides,
  };
}

/** A resident as their first SMS at `at` leaves them: created then, privacy notice sent then. */
export function aResidentWhoWroteAt(at: string, overrides: Partial<Resident> = {}): Resident {
  return aResident({ privacyNoticeSentAt: at, lastInboundAt: at, createdAt: at, updatedAt: at, ...overrides });
}

/** A plain open ticket as the store returns it: a woman's SMS outage report from Barrio Alto. */
export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'ticket-1',
    reference: '4821937',
    localityId: 'loc-san-martin',
    residentId: 'resident-1',
    category: 'outage',
    details: { since: 'ayer', scope: 'street' },
    sector: 'Barrio Alto',
    location: null,
    channel: 'sms',
    reporterGender: 'woman',
    reporterLanguage: 'es',
    priority: 'normal',
    status: 'open',
    needsOperator: false,
    assigneeId: null,
    createdAt: REPORTED_AT,
    updatedAt: REPORTED_AT,
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
    ...overrides,
  };
}

/** An operator on duty in San Martín; the password hash is not a real one. */
export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: 'user-1',
    username: 'rosa',
    name: 'Rosa Quispe',
    role: 'operator',
    phone: null,
    localityIds: ['loc-san-martin'],
    onDuty: true,
    passwordHash: 'not-a-real-hash',
    createdAt: SET_UP_AT,
    updatedAt: SET_UP_AT,
    ...overrides,
  };
}

/** A staff account for tests where only its role matters: `operator-1a2b3c`, "Test operator". */
export function aStaffUser(role: Role, overrides: Partial<User> = {}): User {
  return aUser({ username: `${role}-${randomBytes(3).toString('hex')}`, name: `Test ${role}`, role, ...overrides });
}

/** An SMS to the town number as intake stores it, before any processing. */
export function anInboundMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    id: 'inbound-1',
    providerSid: 'SM00000000000000000000000000000001',
    channel: 'sms',
    fromPhone: '+51987654321',
    toPhone: '+51940000001',
    body: 'no hay agua desde ayer',
    media: [],
    location: null,
    receivedAt: REPORTED_AT,
    processedAt: null,
    residentId: null,
    localityId: null,
    ...overrides,
  };
}
