/**
 * Ordered sending: replies queued together for one person reach their phone in the order they
 * were written, even though the sender runs five jobs at once; different people do not wait on
 * each other. Real SQLite, real Redis and BullMQ, the real twilio library against the fake API.
 */
import { sendLockKey } from '../../../src/messaging/outbound/send-processor';
import { newId } from '../../../src/shared/ids';
import { createRepository } from '../../../src/store/create-repository';
import type { Repository } from '../../../src/store/repository';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { tempSqlitePath } from '../../support/sqlite';
import {
  commitReplies,
  seedResident,
  silentLogger,
  startOutboundHarness,
  uniquePhone,
  waitForOutbox,
  type OutboundHarness,
} from './outbound-harness';

const NOTICE = 'Sus datos se usan solo para atender su reclamo.';
const QUESTION = 'Que problema tiene? 1 Corte de agua 2 Fuga 3 Otro';
const CLOSING = 'Gracias. Le avisaremos por este medio.';

describe('sending is ordered per recipient', () => {
  const sqlite = tempSqlitePath('outbound-order');
  let repo: Repository;
  let fake: FakeTwilioApi;
  let harness: OutboundHarness;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
    harness = startOutboundHarness({ label: 'outbound-order', repo, fake, concurrency: 5 });
  });

  afterAll(async () => {
    await harness.close();
    await fake.close();
    await repo.close();
    sqlite.cleanup();
  });

  const requestsTo = (phone: string) => fake.requests.filter((request) => request.to === phone);
  const bodiesReceivedBy = (phone: string) => fake.messages.filter((message) => message.to === phone).map((message) => message.body);
  const allSent = (ids: string[]) => Promise.all(ids.map((id) => waitForOutbox(repo, id, (row) => row.status === 'sent')));

  it("delivers one resident's three replies in the order they were written, in every round", async () => {
    for (let round = 0; round < 5; round += 1) {
      const resident = await seedResident(repo);
      const rows = await commitReplies(repo, { to: { residentId: resident.id, phone: resident.phone }, texts: [NOTICE, QUESTION, CLOSING] });
      const ids = rows.map((row) => row.id);
      // Odd rounds enqueue newest first, so a job for a later reply is picked up first.
      await harness.dispatcher.enqueue(round % 2 === 0 ? ids : [...ids].reverse());
      await allSent(ids);

      expect({ round, bodies: bodiesReceivedBy(resident.phone) }).toEqual({ round, bodies: [NOTICE, QUESTION, CLOSING] });
      expect(requestsTo(resident.phone)).toHaveLength(3);
    }
  });

  it("delivers a staff member's alerts in the order they were written", async () => {
    const staff = { userId: newId(), phone: uniquePhone() };
    const texts = ['Nuevo reclamo 1111111: corte de agua, Centro.', 'Nuevo reclamo 2222222: fuga, San Juan.', 'Nuevo reclamo 3333333: otro, Centro.'];
    const rows = await commitReplies(repo, { to: staff, texts, kind: 'alert' });

    await harness.dispatcher.enqueue(rows.map((row) => row.id).reverse());
    await allSent(rows.map((row) => row.id));

    expect(bodiesReceivedBy(staff.phone)).toEqual(texts);
  });

  it('holds back the second and third replies while the first waits to be retried after a 500', async () => {
    const resident = await seedResident(repo);
    const rows = await commitReplies(repo, { to: { residentId: resident.id, phone: resident.phone }, texts: [NOTICE, QUESTION, CLOSING] });
    fake.failNext({ status: 500 });

    await harness.dispatcher.enqueue(rows.map((row) => row.id));
    await allSent(rows.map((row) => row.id));

    expect(requestsTo(resident.phone).map((request) => [request.body, request.responseStatus])).toEqual([
      [NOTICE, 500],
      [NOTICE, 201],
      [QUESTION, 201],
      [CLOSING, 201],
    ]);
    const [first, second, third] = await Promise.all(rows.map((row) => repo.getOutbox(row.id)));
    expect([first?.attempts, second?.attempts, third?.attempts]).toEqual([2, 1, 1]);
  });

  it('defers, without using up an attempt, a reply whose earlier message waits for its own retry', async () => {
    const resident = await seedResident(repo);
    const [earlier, later] = await commitReplies(repo, { to: { residentId: resident.id, phone: resident.phone }, texts: [NOTICE, QUESTION] });
    await repo.updateOutbox(earlier!.id, { status: 'queued', attempts: 1, errorCode: 'http_503' });

    await harness.dispatcher.enqueue([later!.id]);
    await waitUntil(async () => (await harness.queues.send.getJobState(later!.id)) === 'delayed');
    const deferred = await harness.queues.send.getJob(later!.id);
    expect(deferred?.attemptsMade).toBe(0);
    expect(requestsTo(resident.phone)).toHaveLength(0);
    expect(await repo.getOutbox(later!.id)).toMatchObject({ status: 'queued', attempts: 0 });

    await harness.dispatcher.enqueue([earlier!.id]);
    await allSent([earlier!.id, later!.id]);

    expect(bodiesReceivedBy(resident.phone)).toEqual([NOTICE, QUESTION]);
  });

  it('goes on with the next replies after the first one fails for good', async () => {
    const resident = await seedResident(repo);
    const rows = await commitReplies(repo, { to: { residentId: resident.id, phone: resident.phone }, texts: [NOTICE, QUESTION, CLOSING] });
    fake.failNext({ status: 400, code: 21614 });

    await harness.dispatcher.enqueue(rows.map((row) => row.id));
    await allSent(rows.slice(1).map((row) => row.id));

    expect(await repo.getOutbox(rows[0]!.id)).toMatchObject({ status: 'failed', errorCode: '21614' });
    expect(requestsTo(resident.phone).map((request) => [request.body, request.responseStatus])).toEqual([
      [NOTICE, 400],
      [QUESTION, 201],
      [CLOSING, 201],
    ]);
  });

  it("sends another resident's replies while one resident's sending is held up", async () => {
    const waiting = await seedResident(repo);
    const other = await seedResident(repo);
    const [waitingRow] = await commitReplies(repo, { to: { residentId: waiting.id, phone: waiting.phone }, texts: [NOTICE] });
    const otherRows = await commitReplies(repo, { to: { residentId: other.id, phone: other.phone }, texts: [NOTICE, QUESTION] });

    await harness.sendLock.withLock(sendLockKey({ residentId: waiting.id }), async () => {
      await harness.dispatcher.enqueue([waitingRow!.id, ...otherRows.map((row) => row.id)]);
      await allSent(otherRows.map((row) => row.id));
      expect(await repo.getOutbox(waitingRow!.id)).toMatchObject({ status: 'queued', attempts: 0 });
      expect(requestsTo(waiting.phone)).toHaveLength(0);
    });
    await allSent([waitingRow!.id]);

    expect(bodiesReceivedBy(other.phone)).toEqual([NOTICE, QUESTION]);
    expect(bodiesReceivedBy(waiting.phone)).toEqual([NOTICE]);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
