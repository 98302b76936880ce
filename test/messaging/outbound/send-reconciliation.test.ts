/**
 * Issue 7.6: a message whose last attempt has no known outcome is not sent twice. Before
 * re-sending a row left `sending` (the process died mid-send), or after a timeout, the sender
 * lists Twilio's messages to that number (from our number, since the row existed) and compares
 * bodies; it sends only when Twilio does not have it. Real sender worker, real Redis, real
 * SQLite, the twilio library over HTTP to the fake Twilio API (which now lists messages too).
 */
import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { createTwilioTransport } from '../../../src/messaging/outbound/twilio-transport';
import { createOutboxSweeper } from '../../../src/messaging/outbound/outbox-sweeper';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { tempSqlitePath } from '../../support/sqlite';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  LOCALITY_NUMBER,
  commitOutbox,
  nextJobEvent,
  seedResident,
  silentLogger,
  startOutboundHarness,
  waitForOutbox,
  type OutboundHarness,
} from './outbound-harness';

describe('re-sending a message whose outcome is unknown', () => {
  const sqlite = tempSqlitePath('send-reconcile');
  let repo: Repository;
  let fake: FakeTwilioApi;
  let harness: OutboundHarness;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
    harness = startOutboundHarness({ label: 'send-reconcile', repo, fake, twilioTimeoutMs: 400 });
  });
  afterAll(async () => {
    await harness.close();
    await fake.close();
    await repo.close();
    sqlite.cleanup();
  });

  const postsTo = (phone: string) => fake.requests.filter((r) => r.method === 'POST' && r.to === phone);

  it('does not send again a row left `sending` whose message Twilio already has', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo 4821 fue registrado.' });
    // What the killed process did: marked the row `sending`, and Twilio took the message.
    await repo.updateOutbox(row.id, { status: 'sending', attempts: 1, updatedAt: new Date().toISOString() });
    const direct = createTwilioTransport({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: fake.baseUrl });
    const accepted = await direct.send({ to: resident.phone, from: LOCALITY_NUMBER, body: row.body, channel: 'sms' });
    const completed = nextJobEvent(harness.sender, row.id, 'completed');

    await harness.dispatcher.enqueue([row.id]);
    const { result } = await completed;

    expect(result).toMatchObject({ outcome: 'sent', providerSid: accepted.providerSid });
    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'sent', providerSid: accepted.providerSid });
    expect(postsTo(resident.phone)).toHaveLength(1);
    expect(fake.requests.some((r) => r.method === 'GET')).toBe(true);
  });

  it('sends a row left `sending` whose message never reached Twilio, once', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo 4822 fue registrado.' });
    await repo.updateOutbox(row.id, { status: 'sending', attempts: 1, updatedAt: new Date().toISOString() });

    await harness.dispatcher.enqueue([row.id]);
    const sent = await waitForOutbox(repo, row.id, (stored) => stored.status === 'sent');

    expect(postsTo(resident.phone)).toHaveLength(1);
    expect(sent.providerSid).toBe(fake.messages.find((m) => m.to === resident.phone)?.sid);
  });

  it('does not send twice when Twilio accepted the message after the client timed out', async () => {
    const resident = await seedResident(repo);
    const row = await commitOutbox(repo, { resident, text: 'El operador respondio: manana llega la cisterna.' });
    fake.failNext({ acceptAfterMs: 1_500 });

    await harness.dispatcher.enqueue([row.id]);
    const sent = await waitForOutbox(repo, row.id, (stored) => stored.status === 'sent');
    // Let any retry that would resend run first.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(fake.messages.filter((m) => m.to === resident.phone)).toHaveLength(1);
    expect(postsTo(resident.phone)).toHaveLength(1);
    expect(sent.providerSid).toBe(fake.messages.find((m) => m.to === resident.phone)?.sid);
  });

  it('a different text to the same number is still sent', async () => {
    const resident = await seedResident(repo);
    const earlier = await commitOutbox(repo, { resident, text: 'Primer mensaje' });
    await harness.dispatcher.enqueue([earlier.id]);
    await waitForOutbox(repo, earlier.id, (stored) => stored.status === 'sent');
    const row = await commitOutbox(repo, { resident, text: 'Segundo mensaje' });
    await repo.updateOutbox(row.id, { status: 'sending', attempts: 1, updatedAt: new Date().toISOString() });

    await harness.dispatcher.enqueue([row.id]);
    await waitForOutbox(repo, row.id, (stored) => stored.status === 'sent');

    expect(fake.messages.filter((m) => m.to === resident.phone).map((m) => m.body)).toEqual(['Primer mensaje', 'Segundo mensaje']);
  });

  it('the sweeper re-enqueues a stale `sending` row whose job Redis lost, and Twilio is asked before re-sending', async () => {
    const resident = await seedResident(repo);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    const row = await commitOutbox(repo, { resident, text: 'Su reclamo 4823 fue registrado.', createdAt: new Date(Date.now() - 11 * 60_000) });
    await repo.updateOutbox(row.id, { status: 'sending', attempts: 1, updatedAt: tenMinutesAgo });
    const direct = createTwilioTransport({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: fake.baseUrl });
    const accepted = await direct.send({ to: resident.phone, from: LOCALITY_NUMBER, body: row.body, channel: 'sms' });
    const sweeper = createOutboxSweeper({ repo, queue: harness.queues.send, logger: silentLogger, now: () => new Date() });

    const { requeued } = await sweeper.sweep();
    const sent = await waitForOutbox(repo, row.id, (stored) => stored.status === 'sent');

    expect(requeued).toContain(row.id);
    expect(sent.providerSid).toBe(accepted.providerSid);
    expect(postsTo(resident.phone)).toHaveLength(1);
  });
});
