/**
 * One message that can never be processed must not silence its resident: after five failures
 * that are not outages it is dead-lettered, an operator gets its text as a ticket, and the
 * resident's later messages are answered. An outage is never counted: that message waits for the
 * dependency to come back, however long. Real SQLite file, real Redis, real engine and flows; the
 * only injected fault is a store wrapper whose commit fails for one message's turn.
 */
import Redis from 'ioredis';
import pino from 'pino';
import { createConversationProcessor, type ConversationProcessor } from '../../src/conversation/conversation-processor';
import type { DeadLettered } from '../../src/conversation/inbound-failure-guard';
import type { InboundMessage } from '../../src/domain/message';
import { sweepStuckIntake } from '../../src/messaging/inbound/intake-sweeper';
import { REDACTED_PATHS } from '../../src/shared/logger';
import { createSessionStore } from '../../src/conversation/session-store';
import { StoreUnavailableError, type Repository, type UnitOfWork } from '../../src/store/repository';
import { createConversationHarness, postWebhook, testLogger, twilioForm, type ConversationHarness } from '../support/inbound-app';

/** The real store, except that `fault` may refuse a commit given the message the unit settles. */
function withFaultyCommit(repo: Repository, fault: (unit: UnitOfWork, message: InboundMessage | null) => Error | null): Repository {
  return new Proxy(repo, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
      return async (unit: UnitOfWork) => {
        const settled = unit.inboundProcessed ?? unit.inboundFailed;
        const message = settled ? await target.getInboundMessage(settled.id) : null;
        const error = fault(unit, message);
        if (error) throw error;
        return target.commit(unit);
      };
    },
  });
}

/** A pino logger with the production redaction, writing into an array. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

const POISON = 'mensaje que rompe el turno';
const brokenTurn = () => new Error('CHECK constraint failed: broken turn');

describe('a message whose processing always fails for a reason that is not an outage', () => {
  let h: ConversationHarness;
  let processor: ConversationProcessor;
  let lines: string[];
  const deadLettered: DeadLettered[] = [];

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'dead-letter' });
    const capture = capturingLogger();
    lines = capture.lines;
    processor = createConversationProcessor({
      ...h.processorDeps,
      logger: capture.logger,
      repo: withFaultyCommit(h.repo, (unit, message) => (unit.inboundProcessed && message?.body === POISON ? brokenTurn() : null)),
      onDeadLettered: (event) => deadLettered.push(event),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("is retried, dead-lettered at the fifth failure with an operator ticket, and the resident's next message is answered", async () => {
    const from = '+51977000001';
    const expectedGreeting = await h.say('+51977000099', 'hola');
    await postWebhook(h.app, twilioForm({ From: from, Body: POISON })).expect(200);
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [bad, later] = await h.repo.listUnprocessedInboundFrom(from);

    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await expect(processor.processInboundMessage(later!.id)).rejects.toThrow('broken turn');
      expect(await h.repo.getInboundMessage(bad!.id)).toMatchObject({ processingFailures: attempt, processedAt: null, lastFailureReason: 'Error' });
      expect(await h.repliesTo(from)).toEqual([]);
    }
    const turns = await processor.processInboundMessage(later!.id);

    expect(turns.map((t) => [t.messageId, t.outcome])).toEqual([
      [bad!.id, 'dead_lettered'],
      [later!.id, 'processed'],
    ]);
    expect((await h.repliesTo(from)).map((row) => row.body)).toEqual([h.text('system.try_again_later'), ...expectedGreeting]);
    const stored = await h.repo.getInboundMessage(bad!.id);
    expect(stored).toMatchObject({ processingFailures: 5, processedAt: null, failedAt: expect.any(String) });
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);

    const resident = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toEqual([
      expect.objectContaining({ localityId: h.locality.id, category: 'other', needsOperator: true, details: { description: POISON } }),
    ]);
    expect(deadLettered.filter((event) => event.messageId === bad!.id)).toEqual([{ messageId: bad!.id, failures: 5, ticketIds: [items[0]!.id] }]);
  });

  /** The poison message from `from`, processed until it is dead-lettered (five failures). */
  async function deadLetterPoison(from: string): Promise<InboundMessage> {
    await postWebhook(h.app, twilioForm({ From: from, Body: POISON })).expect(200);
    const [bad] = await h.repo.listUnprocessedInboundFrom(from);
    for (let attempt = 1; attempt <= 4; attempt += 1) await expect(processor.processInboundMessage(bad!.id)).rejects.toThrow('broken turn');
    expect((await processor.processInboundMessage(bad!.id)).map((t) => t.outcome)).toEqual(['dead_lettered']);
    return bad!;
  }

  it('is logged at error level by message id, and no log line carries the phone', async () => {
    const bad = await deadLetterPoison('+51977000006');
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; messageId?: string });
    expect(entries).toContainEqual(expect.objectContaining({ level: 50, messageId: bad.id, msg: expect.stringContaining('dead-lettered') }));
    expect(entries.filter((e) => e.level === 40 && e.messageId === bad.id)).toHaveLength(4);
    expect(lines.join('\n')).not.toContain('977000006');
  });

  it('is not re-enqueued by the intake sweeper', async () => {
    const bad = await deadLetterPoison('+51977000007');
    await h.queues.inbound.remove(bad.id);
    const sweep = await sweepStuckIntake({
      repo: h.repo,
      queue: h.queues.inbound,
      logger: testLogger,
      now: new Date(Date.now() + 60 * 60_000),
      olderThanSeconds: 120,
    });
    expect(sweep).toEqual({ requeued: 0, pending: 0 });
    expect(await h.queues.inbound.getJob(bad.id)).toBeUndefined();
  });

  it('counted to the limit by an attempt that stopped before dead-lettering it, is dead-lettered at once without running its turn', async () => {
    const from = '+51977000002';
    await postWebhook(h.app, twilioForm({ From: from, Body: 'no hay agua' })).expect(200);
    const [message] = await h.repo.listUnprocessedInboundFrom(from);
    for (let i = 0; i < 5; i += 1) await h.repo.recordInboundFailure(message!.id, { at: new Date().toISOString(), reason: 'Error' });

    const turns = await processor.processInboundMessage(message!.id);

    expect(turns).toEqual([expect.objectContaining({ messageId: message!.id, outcome: 'dead_lettered', ticketIds: [expect.any(String)] })]);
    expect((await h.repliesTo(from)).map((row) => row.body)).toEqual([h.text('system.try_again_later')]);
    expect(await h.repo.getTicket(turns[0]!.ticketIds[0]!)).toMatchObject({ needsOperator: true, details: { description: 'no hay agua' } });
  });
});

describe('a dead-lettered message whose operator ticket cannot be stored either', () => {
  let h: ConversationHarness;
  let processor: ConversationProcessor;
  const deadLettered: DeadLettered[] = [];

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'dead-letter-no-ticket' });
    processor = createConversationProcessor({
      ...h.processorDeps,
      // The turn fails, and so does any unit that would open a ticket for this message.
      repo: withFaultyCommit(h.repo, (unit, message) =>
        message?.body === POISON && (unit.inboundProcessed || unit.ticketsCreated?.length) ? brokenTurn() : null,
      ),
      onDeadLettered: (event) => deadLettered.push(event),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('stays dead-lettered and readable, and the later message is still answered', async () => {
    const from = '+51977000003';
    await postWebhook(h.app, twilioForm({ From: from, Body: POISON })).expect(200);
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [bad, later] = await h.repo.listUnprocessedInboundFrom(from);
    for (let attempt = 1; attempt <= 4; attempt += 1) await expect(processor.processInboundMessage(later!.id)).rejects.toThrow('broken turn');

    const turns = await processor.processInboundMessage(later!.id);

    expect(turns.map((t) => t.outcome)).toEqual(['dead_lettered', 'processed']);
    expect(await h.repo.getInboundMessage(bad!.id)).toMatchObject({ body: POISON, processedAt: null, failedAt: expect.any(String) });
    const resident = await h.repo.findResidentByPhone(from);
    expect((await h.repo.listTickets({ residentId: resident!.id })).items).toEqual([]);
    expect(deadLettered).toEqual([{ messageId: bad!.id, failures: 5, ticketIds: [] }]);
    // The later "hola" gets exactly what a first "hola" gets: the privacy notice and the menu.
    expect((await h.repliesTo(from)).map((row) => row.body)).toEqual([h.text('privacy.notice'), h.text('menu.main', { locality: h.locality.name })]);
  });
});

describe('a message that fails only because a dependency is down', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'dead-letter-outage' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is never counted nor dead-lettered while the store is unavailable, and is answered once it is back', async () => {
    const from = '+51977000004';
    let storeDown = true;
    const processor = createConversationProcessor({
      ...h.processorDeps,
      repo: withFaultyCommit(h.repo, (unit) => (storeDown && unit.inboundProcessed ? new StoreUnavailableError('sqlite: SQLITE_BUSY: database is locked') : null)),
    });
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [message] = await h.repo.listUnprocessedInboundFrom(from);

    for (let attempt = 1; attempt <= 12; attempt += 1) {
      await expect(processor.processInboundMessage(message!.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    }
    const waiting = await h.repo.getInboundMessage(message!.id);
    expect(waiting).not.toHaveProperty('processingFailures');
    expect(waiting).not.toHaveProperty('failedAt');
    expect(await h.repo.listUnprocessedInboundFrom(from)).toHaveLength(1);

    storeDown = false;
    const turns = await processor.processInboundMessage(message!.id);

    expect(turns.map((t) => t.outcome)).toEqual(['processed']);
    expect((await h.repliesTo(from)).map((row) => row.body)).toEqual([h.text('privacy.notice'), h.text('menu.main', { locality: h.locality.name })]);
  });

  it('is never counted while Redis cannot be reached mid-turn, and is answered once it is back', async () => {
    const from = '+51977000005';
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [message] = await h.repo.listUnprocessedInboundFrom(from);
    const unreachable = new Redis({ host: '127.0.0.1', port: 1, disconnectTimeout: 20, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    // The lock still works: the turn itself meets the outage, reading the session.
    const cutOff = createConversationProcessor({ ...h.processorDeps, sessions: createSessionStore({ redis: unreachable, prefix: h.prefix }) });

    try {
      for (let attempt = 1; attempt <= 6; attempt += 1) await expect(cutOff.processInboundMessage(message!.id)).rejects.toThrow();
    } finally {
      unreachable.disconnect();
    }

    const waiting = await h.repo.getInboundMessage(message!.id);
    expect(waiting).toMatchObject({ processedAt: null });
    expect(waiting).not.toHaveProperty('processingFailures');
    expect(waiting).not.toHaveProperty('failedAt');
    await expect(h.processor.processInboundMessage(message!.id)).resolves.toEqual([expect.objectContaining({ outcome: 'processed' })]);
  });
});

describe('a message whose turn breaks a text, when even the apology cannot be rendered', () => {
  let h: ConversationHarness;
  let processor: ConversationProcessor;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'dead-letter-broken-texts' });
    const broken = new Set(['outage.ask_scope', 'system.try_again_later']);
    processor = createConversationProcessor({
      ...h.processorDeps,
      translator: {
        source: (key, language) => h.translator.source(key, language),
        render: (key, language, params) => {
          if (broken.has(key)) throw new Error(`broken ICU message ${key}`);
          return h.translator.render(key, language, params);
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is dead-lettered with an operator ticket and no reply, and the next message gets the menu', async () => {
    const from = '+51977000006';
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [hola] = await h.repo.listUnprocessedInboundFrom(from);
    await processor.processInboundMessage(hola!.id);
    const greeting = (await h.repliesTo(from)).map((row) => row.body);
    await postWebhook(h.app, twilioForm({ From: from, Body: '1' })).expect(200);
    await postWebhook(h.app, twilioForm({ From: from, Body: 'hola' })).expect(200);
    const [choice, again] = await h.repo.listUnprocessedInboundFrom(from);
    for (let attempt = 1; attempt <= 4; attempt += 1) await expect(processor.processInboundMessage(again!.id)).rejects.toThrow('broken ICU message');

    const turns = await processor.processInboundMessage(again!.id);

    expect(turns.map((t) => [t.messageId, t.outcome])).toEqual([
      [choice!.id, 'dead_lettered'],
      [again!.id, 'processed'],
    ]);
    const resident = await h.repo.findResidentByPhone(from);
    expect((await h.repo.listTickets({ residentId: resident!.id })).items).toEqual([
      expect.objectContaining({ category: 'other', needsOperator: true, details: { description: '1' } }),
    ]);
    // The menu again (the privacy notice is sent only once), and nothing in between.
    const menu = greeting.find((body) => body.includes('Villa Rica'));
    expect(menu).toBeDefined();
    expect((await h.repliesTo(from)).map((row) => row.body)).toEqual([...greeting, menu]);
  });
});
