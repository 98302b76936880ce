/**
 * Redis restarts and comes back empty (no AOF, or a failover) in the middle of conversations:
 * sessions, dedupe keys, locks and queued jobs are gone. The shared test Redis is not restarted;
 * the loss is simulated by deleting every key under this file's prefix. Tickets already opened
 * live in the store, a message whose job was lost is found by the sweeper, and the resident's
 * next message gets a sensible answer (a fresh conversation).
 */
import Redis from 'ioredis';
import { createConversationProcessor } from '../../src/conversation/conversation-processor';
import { createResidentLock } from '../../src/shared/resident-lock';
import { createSessionStore } from '../../src/conversation/session-store';
import { sweepStuckIntake } from '../../src/messaging/inbound/intake-sweeper';
import { deletePrefix } from '../support/redis';
import { createConversationHarness, postWebhook, testLogger, twilioForm, type ConversationHarness } from '../support/inbound-app';

describe('Redis restarted mid-conversation', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'redis-restart' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps opened tickets, finds the message whose job was lost, and answers the next message with a fresh menu', async () => {
    const from = '+51955100001';
    for (const text of ['hola', '1', '1', '1', '0', '4']) await h.say(from, text);
    const resident = await h.repo.findResidentByPhone(from);
    const before = (await h.repo.listTickets({ residentId: resident!.id })).items;
    expect(before).toHaveLength(1);
    await h.say(from, 'fuga');
    expect(await h.sessions.get(resident!.id)).not.toBeNull();

    await postWebhook(h.app, twilioForm({ From: from, Body: 'Jr. Amazonas 120' })).expect(200);
    await deletePrefix(h.redis, h.prefix);

    expect(await h.queues.inbound.getJobs(['waiting'])).toEqual([]);
    const sweep = await sweepStuckIntake({
      repo: h.repo,
      queue: h.queues.inbound,
      logger: testLogger,
      now: new Date(Date.now() + 10 * 60_000),
      olderThanSeconds: 120,
    });
    expect(sweep.requeued).toBe(1);
    await h.drainInbound();

    const pending = (await h.repliesTo(from)).slice(-1)[0];
    expect(pending?.body).toEqual(expect.stringContaining('Villa Rica'));
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
    expect((await h.repo.listTickets({ residentId: resident!.id })).items.map((t) => t.id)).toEqual(before.map((t) => t.id));

    const status = await h.say(from, `ESTADO ${before[0]!.reference}`);
    expect(status[0]).toBe(h.text('status.reply', { reference: before[0]!.reference, status: 'open' }));
  });

  it('leaves the message unprocessed when Redis cannot be reached while processing, and processes it once Redis is back', async () => {
    const from = '+51955100002';
    await postWebhook(h.app, twilioForm({ From: from, Body: 'no hay agua' })).expect(200);
    const [message] = await h.repo.listUnprocessedInboundFrom(from);
    const unreachable = new Redis({ host: '127.0.0.1', port: 1, disconnectTimeout: 20, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    const cutOff = createConversationProcessor({
      ...h.processorDeps,
      sessions: createSessionStore({ redis: unreachable, prefix: h.prefix }),
      lock: createResidentLock({ redis: unreachable, prefix: h.prefix }),
    });

    try {
      await expect(cutOff.processInboundMessage(message!.id)).rejects.toThrow();
    } finally {
      unreachable.disconnect();
    }
    expect((await h.repo.getInboundMessage(message!.id))?.processedAt).toBeNull();
    expect(await h.repliesTo(from)).toEqual([]);

    await h.processor.processInboundMessage(message!.id);
    expect((await h.repo.getInboundMessage(message!.id))?.processedAt).not.toBeNull();
    expect((await h.repliesTo(from)).map((row) => row.body)).toContain(h.text('outage.ask_scope'));
  });
});
