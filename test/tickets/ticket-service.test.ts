import { join } from 'node:path';
import { ForbiddenError, type AuthenticatedUser } from '../../src/auth/auth-types';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { createTranslator } from '../../src/i18n/translator';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createQueues } from '../../src/queues/queues';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { NotFoundError } from '../../src/store/repository';
import { TicketActionError, TicketTransitionError } from '../../src/tickets/ticket-errors';
import { createTicketService } from '../../src/tickets/ticket-service';
import type { TicketActionInput } from '../../src/tickets/ticket-service-types';
import { createUserService } from '../../src/users/user-service';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { aLocality, aResident } from '../support/domain-fixtures';
import { tempSqlitePath } from '../support/sqlite';
import { makeTicket, ticketIn } from './ticket-fixture';

const logger = createLogger({ level: 'silent' });
let clock = Date.parse('2025-07-25T15:00:00.000Z');
const now = () => new Date(clock).toISOString();
const tick = (ms = 60_000) => {
  clock += ms;
};

const sqlite = tempSqlitePath('ticket-service');
const repo = createRepository({ sqlitePath: sqlite.path, logger });
const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
const redis = createTestRedis({ forBullmq: true });
const bullPrefix = uniquePrefix('ticket-service');
const queues = createQueues({ connection: redis, prefix: bullPrefix });
const dispatcher = createSendDispatcher({ queue: queues.send, logger });
const changes: Array<{ ticket: Ticket; action: TicketActionInput }> = [];
const tickets = createTicketService({
  repo,
  translator,
  dispatcher,
  now,
  newId,
  logger,
  onTicketChanged: (ticket, action) => {
    changes.push({ ticket, action });
  },
});
const users = createUserService({ repo, now, newId });

const TOWN_NUMBER = '+51940000001';
let operatorOfA: AuthenticatedUser;
let operatorOfB: AuthenticatedUser;
let admin: AuthenticatedUser;
let residentCount = 0;
let referenceCount = 0;

async function newResident(overrides: Partial<Resident> = {}): Promise<Resident> {
  residentCount += 1;
  return repo.upsertResidentByPhone(
    aResident({ id: newId(), phone: `+5198700${String(residentCount).padStart(4, '0')}`, localityId: 'loc-a', createdAt: now(), updatedAt: now(), ...overrides }),
  );
}

async function newTicket(resident: Resident, overrides: Partial<Ticket> = {}): Promise<Ticket> {
  referenceCount += 1;
  const ticket = makeTicket({
    id: newId(),
    reference: String(1_000_000 + referenceCount),
    residentId: resident.id,
    localityId: resident.localityId ?? 'loc-a',
    reporterLanguage: resident.language,
    createdAt: now(),
    updatedAt: now(),
    ...overrides,
  });
  await repo.commit({ ticketsCreated: [ticket] });
  return ticket;
}

/** Only the lifecycle fields of a ticket in `status`, to lay over a stored ticket. */
function lifecycleOf(status: Ticket['status']): Partial<Ticket> {
  const { status: _s, acknowledgedAt, firstResponseAt, resolvedAt, resolutionNote, closedAt } = ticketIn(status);
  return { status, acknowledgedAt, firstResponseAt, resolvedAt, resolutionNote, closedAt };
}

async function snapshot(ticket: Ticket) {
  return {
    ticket: await repo.getTicket(ticket.id),
    timeline: (await repo.listTimeline(ticket.id)).length,
    outbox: (await repo.listOutboxByResident(ticket.residentId, { limit: 100 })).length,
  };
}

beforeAll(async () => {
  await repo.init();
  for (const [id, phoneNumbers] of [
    ['loc-a', [TOWN_NUMBER]],
    ['loc-b', ['+51940000999']],
  ] as const) {
    await repo.createLocality(
      aLocality({ id, slug: id, name: id === 'loc-a' ? 'San Martín' : 'Santa Rosa', sectors: [], phoneNumbers: [...phoneNumbers], createdAt: now() }),
    );
  }
  const add = async (username: string, role: 'operator' | 'admin', localityIds: string[]) =>
    users.toAuthenticatedUser((await users.addUser({ username, name: username, role, localityIds, password: 'una-clave-larga' })).user);
  operatorOfA = await add('rosa', 'operator', ['loc-a']);
  operatorOfB = await add('beto', 'operator', ['loc-b']);
  admin = await add('jefa', 'admin', []);
});

afterAll(async () => {
  await queues.close();
  await deletePrefix(redis, bullPrefix);
  await redis.quit();
  await repo.close();
  sqlite.cleanup();
});

describe('ticket service: access', () => {
  it("refuses an operator of locality A another locality's ticket, changing nothing", async () => {
    const ticket = await newTicket(await newResident({ localityId: 'loc-b' }));
    const before = await snapshot(ticket);
    await expect(tickets.getTicketView(operatorOfA, ticket.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tickets.findTicket(operatorOfA, ticket.reference)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'acknowledge' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'reply', text: 'Hola' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await snapshot(ticket)).toEqual(before);
  });

  it("lets an admin see and act on any locality's ticket", async () => {
    const ticket = await newTicket(await newResident({ localityId: 'loc-b' }));
    await expect(tickets.getTicketView(admin, ticket.id)).resolves.toMatchObject({ ticket: { id: ticket.id }, localityName: 'Santa Rosa' });
    await expect(tickets.perform(admin, ticket.id, { type: 'acknowledge' })).resolves.toMatchObject({ status: 'acknowledged' });
  });

  it("lists only the operator's localities, even when the filter asks for another", async () => {
    const ownTicket = await newTicket(await newResident());
    const otherTicket = await newTicket(await newResident({ localityId: 'loc-b' }));
    const own = await tickets.listQueue(operatorOfA, { limit: 100 });
    expect(own.items.map((t) => t.localityId)).not.toContain('loc-b');
    expect(own.items.map((t) => t.id)).toContain(ownTicket.id);
    await expect(tickets.listQueue(operatorOfA, { localityIds: ['loc-b'] })).resolves.toEqual({ items: [], nextCursor: null });
    const all = await tickets.listQueue(admin, { limit: 100 });
    expect(all.items.map((t) => t.id)).toEqual(expect.arrayContaining([ownTicket.id, otherTicket.id]));
  });

  it('finds a ticket by its 7-digit reference as well as by id, and says NotFound for neither', async () => {
    const ticket = await newTicket(await newResident());
    await expect(tickets.findTicket(operatorOfA, ticket.reference)).resolves.toMatchObject({ id: ticket.id });
    await expect(tickets.findTicket(operatorOfA, ticket.id)).resolves.toMatchObject({ reference: ticket.reference });
    await expect(tickets.findTicket(operatorOfA, '9999990')).rejects.toBeInstanceOf(NotFoundError);
    await expect(tickets.getTicketView(operatorOfA, 'no-such-id')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses to assign a ticket to someone who does not work in its locality", async () => {
    const ticket = await newTicket(await newResident());
    const before = await snapshot(ticket);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'assign', assigneeId: operatorOfB.id })).rejects.toBeInstanceOf(
      TicketActionError,
    );
    expect(await snapshot(ticket)).toEqual(before);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'assign', assigneeId: operatorOfA.id })).resolves.toMatchObject({
      assigneeId: operatorOfA.id,
    });
  });
});

describe('ticket service: actions', () => {
  it("sends a reply to an English-speaking resident in English, as one outbox row with the send job queued, and sets firstResponseAt", async () => {
    const resident = await newResident({ language: 'en' });
    const ticket = await newTicket(resident);
    tick();
    const updated = await tickets.perform(operatorOfA, ticket.reference, { type: 'reply', text: 'The crew arrives at 3 pm.' });

    expect(updated.firstResponseAt).toBe(now());
    const outbox = await repo.listOutboxByResident(resident.id, { limit: 10 });
    expect(outbox).toHaveLength(1);
    const params = { reference: ticket.reference, text: 'The crew arrives at 3 pm.' };
    const english = translator.render('notify.operator_reply', 'en', params);
    expect(english).not.toBe(translator.render('notify.operator_reply', 'es', params));
    expect(outbox[0]).toMatchObject({
      body: adaptForChannel(english, 'sms'),
      channel: 'sms',
      toPhone: resident.phone,
      fromPhone: TOWN_NUMBER,
      kind: 'operator_reply',
      ticketId: ticket.id,
      status: 'queued',
    });
    const timeline = await repo.listTimeline(ticket.id);
    expect(timeline).toEqual([
      expect.objectContaining({ type: 'replied', actor: operatorOfA.id, isPublic: true, data: expect.objectContaining({ residentNotified: true, outboxId: outbox[0]!.id }) }),
    ]);
    const job = await queues.send.getJob(outbox[0]!.id);
    expect(job?.data).toEqual({ outboxId: outbox[0]!.id });
  });

  it("renders a canned reply in the resident's language", async () => {
    const resident = await newResident({ language: 'en' });
    const ticket = await newTicket(resident);
    await tickets.perform(operatorOfA, ticket.id, { type: 'reply', cannedKey: 'canned.crew_on_the_way' });
    const canned = translator.render('canned.crew_on_the_way', 'en', { reference: ticket.reference, locality: 'San Martín' });
    const [entry] = await repo.listTimeline(ticket.id);
    expect(entry?.text).toBe(canned);
    const [row] = await repo.listOutboxByResident(resident.id, { limit: 10 });
    expect(row?.body).toBe(adaptForChannel(translator.render('notify.operator_reply', 'en', { reference: ticket.reference, text: canned }), 'sms'));
  });

  it('refuses an unknown canned reply and changes nothing', async () => {
    const ticket = await newTicket(await newResident());
    const before = await snapshot(ticket);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'reply', cannedKey: 'notify.resolved' })).rejects.toBeInstanceOf(TicketActionError);
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'reply', text: '   ' })).rejects.toBeInstanceOf(TicketActionError);
    expect(await snapshot(ticket)).toEqual(before);
  });

  it('refuses resident feedback sent as an operator action and changes nothing', async () => {
    const ticket = await newTicket(await newResident(), lifecycleOf('resolved'));
    const before = await snapshot(ticket);
    const forged = { type: 'record_feedback', solved: false } as unknown as TicketActionInput;
    await expect(tickets.perform(operatorOfA, ticket.id, forged)).rejects.toBeInstanceOf(TicketActionError);
    expect(await snapshot(ticket)).toEqual(before);
  });

  it('refuses to resolve a closed ticket and changes nothing: ticket, timeline and outbox stay the same', async () => {
    const ticket = await newTicket(await newResident(), lifecycleOf('closed'));
    const before = await snapshot(ticket);
    const hookCalls = changes.length;
    await expect(tickets.perform(operatorOfA, ticket.id, { type: 'resolve', note: 'Otra vez' })).rejects.toBeInstanceOf(TicketTransitionError);
    expect(await snapshot(ticket)).toEqual(before);
    expect(changes).toHaveLength(hookCalls);
  });

  it('keeps an internal note off the resident phone', async () => {
    const resident = await newResident();
    const ticket = await newTicket(resident);
    await tickets.perform(operatorOfA, ticket.id, { type: 'add_note', text: 'Revisar la válvula del sector 3' });
    expect(await repo.listOutboxByResident(resident.id, { limit: 10 })).toEqual([]);
    expect(await repo.listTimeline(ticket.id)).toEqual([expect.objectContaining({ type: 'note_added', isPublic: false })]);
  });

  it('records the action of an opted-out resident but sends nothing, and says so in the timeline', async () => {
    const resident = await newResident({ optedOut: true });
    const ticket = await newTicket(resident);
    const updated = await tickets.perform(operatorOfA, ticket.id, { type: 'acknowledge' });
    expect(updated.status).toBe('acknowledged');
    expect(await repo.listOutboxByResident(resident.id, { limit: 10 })).toEqual([]);
    const [entry] = await repo.listTimeline(ticket.id);
    expect(entry?.data).toMatchObject({ residentNotified: false, notNotifiedReason: 'resident_opted_out' });
  });

  it('tells the host after a resolution is stored, with the stored ticket', async () => {
    const ticket = await newTicket(await newResident(), lifecycleOf('in_progress'));
    await tickets.perform(operatorOfA, ticket.id, { type: 'resolve', note: 'Se cambió la válvula' });
    const last = changes.at(-1);
    expect(last?.action).toEqual({ type: 'resolve', note: 'Se cambió la válvula' });
    expect(last?.ticket).toEqual(await repo.getTicket(ticket.id));
    expect(last?.ticket.status).toBe('resolved');
  });
});

async function inbound(resident: Resident, body: string, options: { at: number; localityId: string; toPhone?: string }) {
  await repo.insertInboundMessage({
    id: newId(),
    providerSid: `SM${newId().replace(/-/g, '')}`,
    channel: 'sms',
    fromPhone: resident.phone,
    toPhone: options.toPhone ?? TOWN_NUMBER,
    body,
    media: [],
    location: null,
    receivedAt: new Date(options.at).toISOString(),
    processedAt: null,
    residentId: resident.id,
    localityId: options.localityId,
  });
}

describe('ticket service: view', () => {
  it("leaves out what the resident wrote to another town's number", async () => {
    const resident = await newResident();
    const ticket = await newTicket(resident);
    await inbound(resident, 'Fuga en la plaza', { at: clock, localityId: 'loc-a' });
    await inbound(resident, 'Mensaje para Santa Rosa', { at: clock + 1000, localityId: 'loc-b', toPhone: '+51940000999' });
    const forA = await tickets.getTicketView(operatorOfA, ticket.id);
    expect(forA.transcript.map((line) => line.body)).toEqual(['Fuga en la plaza']);
    const forAdmin = await tickets.getTicketView(admin, ticket.id);
    expect(forAdmin.transcript).toHaveLength(2);
  });

  it("leaves out the bot's messages from another town's number that belong to no ticket", async () => {
    const resident = await newResident();
    const ticket = await newTicket(resident);
    const botRow = (id: string, body: string, fromPhone: string, at: number) => ({
      id,
      residentId: resident.id,
      userId: null,
      ticketId: null,
      channel: 'sms' as const,
      toPhone: resident.phone,
      fromPhone,
      body,
      kind: 'flow_reply',
      status: 'sent' as const,
      providerSid: null,
      attempts: 1,
      errorCode: null,
      createdAt: new Date(at).toISOString(),
      updatedAt: new Date(at).toISOString(),
    });
    await repo.commit({
      outbox: [
        botRow(newId(), 'Menu de Villa A', TOWN_NUMBER, clock + 1000),
        botRow(newId(), 'Menu de Santa Rosa', '+51940000999', clock + 2000),
        botRow(newId(), 'Su reclamo en Santa Rosa', '+51940000999', clock + 3000),
      ],
    });
    const forA = await tickets.getTicketView(operatorOfA, ticket.id);
    expect(forA.transcript.map((line) => line.body)).toEqual(['Menu de Villa A']);
    const forAdmin = await tickets.getTicketView(admin, ticket.id);
    expect(forAdmin.transcript.map((line) => line.body)).toEqual(['Menu de Villa A', 'Menu de Santa Rosa', 'Su reclamo en Santa Rosa']);
  });

  it('shows the conversation in time order, the masked phone and the actions the status allows', async () => {
    const resident = await newResident({ language: 'en' });
    const ticket = await newTicket(resident);
    await inbound(resident, 'No water since yesterday', { at: clock, localityId: 'loc-a' });
    await inbound(resident, 'Still nothing', { at: clock + 2 * 60_000, localityId: 'loc-a' });
    tick(60_000);
    await tickets.perform(operatorOfA, ticket.id, { type: 'reply', text: 'We are on it' });

    const view = await tickets.getTicketView(operatorOfA, ticket.reference);
    expect(view.transcript.map((line) => [line.direction, line.body.includes('on it') ? 'reply' : line.body])).toEqual([
      ['in', 'No water since yesterday'],
      ['out', 'reply'],
      ['in', 'Still nothing'],
    ]);
    expect(view.transcript[1]?.status).toBe('queued');
    expect(view.resident).toEqual({ maskedPhone: expect.stringMatching(new RegExp(`${resident.phone.slice(-4)}$`)), language: 'en', channel: 'sms', optedOut: false });
    expect(view.resident.maskedPhone).not.toContain(resident.phone.slice(0, 8));
    // The reply acknowledged the ticket: acknowledging again is no longer offered.
    expect(view.ticket.status).toBe('acknowledged');
    expect(view.allowedActions).toEqual(expect.arrayContaining(['reply', 'start', 'resolve']));
    expect(view.allowedActions).not.toContain('acknowledge');
    expect(view.allowedActions).not.toContain('close');
    expect(view.timeline.map((e) => e.type)).toEqual(['replied']);
  });
});
