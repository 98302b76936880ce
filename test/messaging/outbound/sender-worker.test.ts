import { createSendDispatcher } from '../../../src/messaging/outbound/send-dispatcher';
import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { tempSqlitePath } from '../../support/sqlite';
import {
  ACCOUNT_SID,
  LOCALITY_NUMBER,
  PUBLIC_BASE_URL,
  TEST_BACKOFF_MS,
  commitOutbox,
  nextJobEvent,
  seedResident,
  silentLogger,
  startOutboundHarness,
  waitForOutbox,
  type OutboundHarness,
} from './outbound-harness';

describe('sender worker against the fake Twilio REST API', () => {
  const sqlite = tempSqlitePath('outbound-sender');
  let repo: Repository;
  let fake: FakeTwilioApi;
  let harness: OutboundHarness;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
    harness = startOutboundHarness({ label: 'outbound-sender', repo, fake });
  });

  afterAll(async () => {
    await harness.close();
    await fake.close();
    await repo.close();
    sqlite.cleanup();
  });

  const requestsTo = (phone: string) => fake.requests.filter((request) => request.to === phone);
  const messagesTo = (phone: string) => fake.messages.filter((message) => message.to === phone);

  it('sends a queued SMS once, in GSM-7, and stores the MessageSid on the row', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo 4821 está registrado. Recibirá una respuesta pronto.' });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    const stored = await repo.getOutbox(row.id);
    const [request] = requestsTo(resident.phone);
    expect(result).toEqual({ outcome: 'sent', providerSid: fake.messages.at(-1)?.sid, route: 'as_stored' });
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, errorCode: null, providerSid: fake.messages.at(-1)?.sid });
    expect(request).toMatchObject({
      path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
      authUser: ACCOUNT_SID,
      to: resident.phone,
      from: LOCALITY_NUMBER,
      body: 'Su reclamo 4821 esta registrado. Recibira una respuesta pronto.',
      statusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status`,
      contentSid: null,
    });
  });

  it('does not send again when the job for an already-sent row runs a second time', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Gracias por su reporte.' });
    const first = nextJobEvent(harness.sender, row.id, 'completed');
    await harness.dispatcher.enqueue([row.id]);
    await first;

    const second = nextJobEvent(harness.sender, row.id, 'completed');
    await harness.dispatcher.enqueue([row.id]);
    const { result } = await second;

    expect(result).toEqual({ outcome: 'skipped', reason: 'already_sent' });
    expect(requestsTo(resident.phone)).toHaveLength(1);
  });

  it('retries after a 429 no sooner than Retry-After, then sends once', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue asignado.' });
    fake.failNext({ status: 429, retryAfterSeconds: 1 });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    await completed;

    const [throttled, accepted] = requestsTo(resident.phone);
    expect(throttled?.responseStatus).toBe(429);
    expect(accepted?.responseStatus).toBe(201);
    expect(accepted!.receivedAt.getTime() - throttled!.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
    expect(messagesTo(resident.phone)).toHaveLength(1);
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', attempts: 2, errorCode: null });
  });

  it('retries after a 500 and sends the message exactly once', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue atendido.' });
    fake.failNext({ status: 500 });
    const failedOnce = nextJobEvent(harness.sender, row.id, 'failed');
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { error } = await failedOnce;
    await completed;

    expect(error?.name).toBe('TransientSendError');
    expect(requestsTo(resident.phone).map((request) => request.responseStatus)).toEqual([500, 201]);
    expect(messagesTo(resident.phone)).toHaveLength(1);
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', attempts: 2, providerSid: messagesTo(resident.phone)[0]?.sid });
  });

  it('marks the row failed with 21211 and does not retry an invalid number', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    fake.failNext({ status: 400, code: 21211 });
    const failed = nextJobEvent(harness.sender, row.id, 'failed');

    await harness.dispatcher.enqueue([row.id]);
    const { error, job } = await failed;

    expect(error?.name).toBe('UnrecoverableError');
    expect(await harness.queues.send.getJobState(job.id!)).toBe('failed');
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'failed', errorCode: '21211', attempts: 1, providerSid: null });
    expect(requestsTo(resident.phone)).toHaveLength(1);
    expect((await repo.getResident(resident.id))?.optedOut).toBe(false);
  });

  it('marks the row failed and the resident opted out on 21610, and sends them nothing more', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    fake.failNext({ status: 400, code: 21610 });
    const failed = nextJobEvent(harness.sender, row.id, 'failed');
    await harness.dispatcher.enqueue([row.id]);
    await failed;

    const later = await commitOutbox(repo, { resident, text: 'Su reclamo fue cerrado.' });
    const skipped = nextJobEvent(harness.sender, later.id, 'completed');
    await harness.dispatcher.enqueue([later.id]);
    const { result } = await skipped;

    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'failed', errorCode: '21610' });
    expect((await repo.getResident(resident.id))?.optedOut).toBe(true);
    expect(result).toEqual({ outcome: 'opted_out' });
    expect(await repo.getOutbox(later.id)).toMatchObject({ status: 'failed', errorCode: 'opted_out', attempts: 0 });
    expect(requestsTo(resident.phone)).toHaveLength(1);
  });

  it('does not call Twilio for a resident who opted out', async () => {
    const resident = await seedResident(repo, { optedOut: true });
    const row = await commitOutbox(repo, { resident, text: 'Hay corte programado mañana.' });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    expect(result).toEqual({ outcome: 'opted_out' });
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'failed', errorCode: 'opted_out' });
    expect(requestsTo(resident.phone)).toHaveLength(0);
  });

  it('still confirms an opt-out to a resident who just opted out', async () => {
    const resident = await seedResident(repo, { optedOut: true });
    const row = await commitOutbox(repo, { resident, text: 'Ya no recibirá mensajes.', kind: 'opt_out_confirmation' });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    expect(result).toMatchObject({ outcome: 'sent' });
    expect(requestsTo(resident.phone)).toHaveLength(1);
  });

  it('keeps the row queued while Twilio is unreachable and sends it once it is back', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    await fake.pause();
    try {
      await harness.dispatcher.enqueue([row.id]);
      const failedAttempt = await waitForOutbox(repo, row.id, (current) => current.errorCode !== null);
      expect(failedAttempt).toMatchObject({ status: 'queued', errorCode: 'network_ECONNREFUSED' });
    } finally {
      await fake.resume();
    }

    const sent = await waitForOutbox(repo, row.id, (current) => current.status === 'sent');

    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(sent.errorCode).toBeNull();
    expect(messagesTo(resident.phone)).toHaveLength(1);
  });

  it('marks the row failed with the last error once every attempt is used up', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    const twoAttempts = createSendDispatcher({ queue: harness.queues.send, logger: silentLogger, attempts: 2, backoffMs: TEST_BACKOFF_MS });
    fake.failNext({ status: 503 });
    fake.failNext({ status: 503 });
    const firstFailure = nextJobEvent(harness.sender, row.id, 'failed');

    await twoAttempts.enqueue([row.id]);
    await firstFailure;
    const lastFailure = nextJobEvent(harness.sender, row.id, 'failed');
    const { job } = await lastFailure;

    expect(job.attemptsMade).toBe(2);
    expect(await harness.queues.send.getJobState(row.id)).toBe('failed');
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'failed', errorCode: 'http_503', attempts: 2 });
    expect(fake.messages.filter((message) => message.to === resident.phone)).toHaveLength(0);
  });

  it('sends again a row left in sending by a crashed attempt (at-least-once)', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo fue registrado.' });
    await repo.updateOutbox(row.id, { status: 'sending', attempts: 1 });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    expect(result).toMatchObject({ outcome: 'sent' });
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(requestsTo(resident.phone)).toHaveLength(1);
  });
});
