/**
 * Redis is down while Twilio posts (the shared test Redis is not touched: intake is pointed at a
 * port where nothing listens). The message must still be stored and answered 200; the sweeper
 * enqueues it once Redis is back.
 */
import { Queue } from 'bullmq';
import express from 'express';
import Redis from 'ioredis';
import { createInboundDedupe } from '../../src/messaging/inbound/inbound-dedupe';
import { createInboundRouter, EMPTY_TWIML } from '../../src/messaging/inbound/inbound-router';
import { createIntakeSpool } from '../../src/messaging/inbound/intake-spool';
import { sweepStuckIntake } from '../../src/messaging/inbound/intake-sweeper';
import type { InboundJob } from '../../src/queues/queues';
import {
  createIntakeHarness,
  postWebhook,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  testLogger,
  twilioForm,
  type IntakeHarness,
} from '../support/inbound-app';

const NOTHING_LISTENS = { host: '127.0.0.1', port: 1, disconnectTimeout: 20 };

describe('intake while Redis is unreachable', () => {
  let h: IntakeHarness;
  let deadRedis: Redis;
  let deadQueueConnection: Redis;
  let deadQueue: Queue<InboundJob>;
  let app: express.Express;

  beforeAll(async () => {
    h = await createIntakeHarness({ label: 'redis-down-intake' });
    deadRedis = new Redis({ ...NOTHING_LISTENS, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    deadQueueConnection = new Redis({ ...NOTHING_LISTENS, maxRetriesPerRequest: null, enableOfflineQueue: false, retryStrategy: () => null });
    deadQueueConnection.on('error', () => undefined);
    deadQueue = new Queue<InboundJob>('inbound', { connection: deadQueueConnection, prefix: h.prefix });
    deadQueue.on('error', () => undefined);
    app = express();
    app.use(
      createInboundRouter({
        repo: h.repo,
        dedupe: createInboundDedupe({ redis: deadRedis, prefix: h.prefix }),
        spool: createIntakeSpool({ dir: h.spoolDir }),
        queue: deadQueue,
        logger: testLogger,
        authToken: TEST_AUTH_TOKEN,
        publicBaseUrl: TEST_PUBLIC_BASE_URL,
      }),
    );
  });
  afterAll(async () => {
    deadQueueConnection.disconnect();
    await deadQueue.close().catch(() => undefined);
    deadRedis.disconnect();
    await h.close();
  });

  it('stores the message and answers 200 without dedupe key or job, and the sweeper enqueues it later', async () => {
    const from = '+51933000001';
    const form = twilioForm({ From: from, Body: 'desague rebalsa en la calle' });

    const response = await postWebhook(app, form);

    expect(response.status).toBe(200);
    expect(response.text).toBe(EMPTY_TWIML);
    const [stored] = await h.repo.listUnprocessedInboundFrom(from);
    expect(stored?.body).toBe('desague rebalsa en la calle');
    expect(await h.queues.inbound.getJob(stored!.id)).toBeUndefined();

    const later = new Date(Date.now() + 10 * 60_000);
    await sweepStuckIntake({ repo: h.repo, queue: h.queues.inbound, logger: testLogger, now: later, olderThanSeconds: 120 });

    expect((await h.queues.inbound.getJob(stored!.id))?.data).toEqual({ messageId: stored!.id });
  });

  it('still deduplicates a redelivery through the store when Redis is down', async () => {
    const from = '+51933000002';
    const form = twilioForm({ From: from });

    const statuses = [(await postWebhook(app, form)).status, (await postWebhook(app, form)).status];

    expect(statuses).toEqual([200, 200]);
    expect(await h.repo.listUnprocessedInboundFrom(from)).toHaveLength(1);
  });
});
