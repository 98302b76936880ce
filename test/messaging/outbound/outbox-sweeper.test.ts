import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createOutboxSweeper } from '../../../src/messaging/outbound/outbox-sweeper';
import { createSendDispatcher } from '../../../src/messaging/outbound/send-dispatcher';
import { QUEUE_NAMES, type SendJob } from '../../../src/queues/queues';
import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { tempSqlitePath } from '../../support/sqlite';
import {
  TEST_BACKOFF_MS,
  commitOutbox,
  seedResident,
  silentLogger,
  startOutboundHarness,
  waitForOutbox,
  type OutboundHarness,
} from './outbound-harness';

const MINUTE = 60_000;

describe('outbox sweeper and Redis outages at enqueue time', () => {
  const sqlite = tempSqlitePath('outbound-sweeper');
  let repo: Repository;
  let fake: FakeTwilioApi;
  let harness: OutboundHarness;
  let deadRedis: Redis;
  let deadQueue: Queue<SendJob>;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
    harness = startOutboundHarness({ label: 'outbound-sweeper', repo, fake });
    deadRedis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: null,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
      disconnectTimeout: 10,
    });
    deadRedis.on('error', () => undefined);
    deadQueue = new Queue<SendJob>(QUEUE_NAMES.send, { connection: deadRedis, prefix: harness.prefix });
    deadQueue.on('error', () => undefined);
  });

  afterAll(async () => {
    await deadQueue.close().catch(() => undefined);
    deadRedis.disconnect();
    await harness.close();
    await fake.close();
    await repo.close();
    sqlite.cleanup();
  });

  it('does not throw when Redis is down at enqueue time, and the sweeper later gets the row sent', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.', createdAt: new Date(Date.now() - 5 * MINUTE) });
    const downDispatcher = createSendDispatcher({ queue: deadQueue, logger: silentLogger, enqueueTimeoutMs: 500 });

    const outcome = await downDispatcher.enqueue([row.id]);
    const stillQueued = await repo.getOutbox(row.id);
    const sweeper = createOutboxSweeper({ repo, queue: harness.queues.send, logger: silentLogger, now: () => new Date(), backoffMs: TEST_BACKOFF_MS });
    const { requeued } = await sweeper.sweep();
    const sent = await waitForOutbox(repo, row.id, (current) => current.status === 'sent');

    expect(outcome).toEqual({ enqueued: [], deferred: [row.id] });
    expect(stillQueued?.status).toBe('queued');
    expect(requeued).toContain(row.id);
    expect(sent.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.messages.filter((message) => message.to === resident.phone)).toHaveLength(1);
  });

  it('puts only the outbox id in the job it enqueues, never the phone number', async () => {
    await harness.sender.worker.pause();
    try {
      const resident = await seedResident(repo);
      const row = await commitOutbox(repo, { resident, text: 'Hola.', createdAt: new Date(Date.now() - 5 * MINUTE) });
      const sweeper = createOutboxSweeper({ repo, queue: harness.queues.send, logger: silentLogger, now: () => new Date() });

      await sweeper.sweep();
      const job = await harness.queues.send.getJob(row.id);

      expect(job?.data).toEqual({ outboxId: row.id });
      expect(JSON.stringify(job?.data)).not.toContain(resident.phone.slice(1));
    } finally {
      harness.sender.worker.resume();
    }
  });

  it('leaves rows younger than the threshold alone', async () => {
    const resident = await seedResident(repo);
    const now = new Date();
    const row = await commitOutbox(repo, { resident, text: 'Hola.', createdAt: new Date(now.getTime() - 10_000) });
    const sweeper = createOutboxSweeper({ repo, queue: harness.queues.send, logger: silentLogger, now: () => now, olderThanSeconds: 60 });

    const { requeued } = await sweeper.sweep();

    expect(requeued).not.toContain(row.id);
    expect(await harness.queues.send.getJobState(row.id)).toBe('unknown');
  });

  it('does not re-enqueue a row whose send job is still waiting', async () => {
    await harness.sender.worker.pause();
    try {
      const resident = await seedResident(repo);
      const row = await commitOutbox(repo, { resident, text: 'Hola.', createdAt: new Date(Date.now() - 5 * MINUTE) });
      await harness.dispatcher.enqueue([row.id]);
      const sweeper = createOutboxSweeper({ repo, queue: harness.queues.send, logger: silentLogger, now: () => new Date() });

      const { requeued } = await sweeper.sweep();

      expect(requeued).not.toContain(row.id);
      expect(await harness.queues.send.getJobState(row.id)).toBe('waiting');
    } finally {
      harness.sender.worker.resume();
    }
  });
});
