/**
 * Builders for the contract suite: complete domain objects (from test/support/domain-fixtures)
 * with fixed times (no clock reads) and values unique per call (ids, phones, references, sids).
 */
import { randomUUID } from 'node:crypto';
import type { Locality } from '../../../src/domain/locality';
import type { InboundMessage, OutboxMessage } from '../../../src/domain/message';
import type { Resident } from '../../../src/domain/resident';
import type { Ticket, TimelineEntry } from '../../../src/domain/ticket';
import type { ApiToken, User } from '../../../src/domain/user';
import { UniqueViolationError, type Repository, type TicketFilter } from '../../../src/store/repository';
import * as domain from '../../support/domain-fixtures';

/** A function that opens a fresh, empty, initialised store and a way to throw it away. */
export type MakeRepository = () => Promise<{ repo: Repository; dispose(): Promise<void> }>;

const T0 = Date.parse('2025-07-01T13:00:00.000Z');

/** `minutes` after a fixed instant, as the ISO string the domain uses. */
export function at(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

let counter = 0;
function next(): number {
  counter += 1;
  return counter;
}

export function aPhone(): string {
  return `+519${String(10_000_000 + next()).slice(-8)}`;
}

export function aLocality(overrides: Partial<Locality> = {}): Locality {
  const n = next();
  return domain.aLocality({
    id: randomUUID(),
    slug: `pueblo-${n}`,
    name: `Pueblo ${n}`,
    sectors: ['Centro', 'Barrio Alto', 'AA.HH. Los Pinos'],
    phoneNumbers: [aPhone()],
    createdAt: at(n),
    ...overrides,
  });
}

export function aResident(overrides: Partial<Resident> = {}): Resident {
  return domain.aResident({ id: randomUUID(), phone: aPhone(), localityId: null, createdAt: at(0), updatedAt: at(0), ...overrides });
}

export function anInbound(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return domain.anInboundMessage({
    id: randomUUID(),
    providerSid: `SM${randomUUID().replace(/-/g, '')}`,
    fromPhone: aPhone(),
    toPhone: '+51100000001',
    receivedAt: at(0),
    ...overrides,
  });
}

export function aTicket(owner: { localityId: string; residentId: string }, overrides: Partial<Ticket> = {}): Ticket {
  const n = next();
  return domain.aTicket({
    id: randomUUID(),
    reference: String(1_000_000 + n),
    localityId: owner.localityId,
    residentId: owner.residentId,
    details: {},
    sector: null,
    reporterGender: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  });
}

export function aTimelineEntry(ticketId: string, overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: randomUUID(),
    ticketId,
    at: at(0),
    type: 'opened',
    actor: 'resident',
    text: null,
    isPublic: false,
    data: {},
    ...overrides,
  };
}

export function anOutbox(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: randomUUID(),
    residentId: null,
    userId: null,
    ticketId: null,
    channel: 'sms',
    toPhone: aPhone(),
    fromPhone: null,
    body: 'Su reclamo fue registrado.',
    kind: 'flow_reply',
    status: 'queued',
    providerSid: null,
    attempts: 0,
    errorCode: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function aUser(overrides: Partial<User> = {}): User {
  const n = next();
  return domain.aUser({
    id: randomUUID(),
    username: `operador${n}`,
    name: `Operadora ${n}`,
    localityIds: [],
    onDuty: false,
    passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$hash${n}`,
    sessionVersion: 0,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  });
}

export function anApiToken(userId: string, overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: randomUUID(),
    userId,
    tokenHash: `sha256:${randomUUID()}`,
    label: 'integración municipal',
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** A locality and a resident in it: what every ticket needs to exist first. */
export async function seedOwner(repo: Repository): Promise<{ localityId: string; residentId: string }> {
  const locality = await repo.createLocality(aLocality());
  const resident = await repo.upsertResidentByPhone(aResident({ localityId: locality.id }));
  return { localityId: locality.id, residentId: resident.id };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export async function expectUniqueViolation(promise: Promise<unknown>, field: string): Promise<void> {
  const err = await rejectionOf(promise);
  expect(err).toBeInstanceOf(UniqueViolationError);
  expect((err as UniqueViolationError).field).toBe(field);
}

/** Every page of a listing, following cursors until the last one. */
export async function allPages(repo: Repository, filter: TicketFilter): Promise<Ticket[][]> {
  const pages: Ticket[][] = [];
  let cursor: string | null = null;
  do {
    const page = await repo.listTickets({ ...filter, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return pages;
}
