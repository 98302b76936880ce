import type { Worker } from 'bullmq';
import { createAlertsWorker } from '../../src/alerts/alerts-worker';
import { digestAlertText, newTicketAlertText } from '../../src/alerts/alert-texts';
import { createNewTicketAlerts, type NewTicketAlerts } from '../../src/alerts/new-ticket-alerts';
import type { OutboxMessage } from '../../src/domain/message';
import type { Ticket } from '../../src/domain/ticket';
import type { User } from '../../src/domain/user';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { measureSms } from '../../src/i18n/sms-segments';
import { newId } from '../../src/shared/ids';
import { testLogger } from '../support/inbound-app';
import { createTestRedis } from '../support/redis';
import { createStaffHarness, eventually, type StaffHarness } from './staff-harness';

const DIGEST_SECONDS = 1;

describe('new-ticket alerts to the on-duty staff', () => {
  let h: StaffHarness;
  let alerts: NewTicketAlerts;
  let worker: Worker;

  beforeAll(async () => {
    h = await createStaffHarness({ label: 'alerts' });
    alerts = createNewTicketAlerts({
      repo: h.repo,
      alertsQueue: h.queues.alerts,
      redis: h.redis,
      translator: h.translator,
      dispatcher: h.dispatcher,
      now: () => new Date().toISOString(),
      newId,
      logger: testLogger,
      digestSeconds: DIGEST_SECONDS,
    });
    worker = createAlertsWorker({ connection: h.bullmq, prefix: h.prefix, alerts, logger: testLogger });
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
  });

  /** Alert rows queued for sending to these users, once at least `min` of them exist. */
  async function alertsTo(users: User[], min: number): Promise<OutboxMessage[]> {
    const ids = new Set(users.map((u) => u.id));
    return eventually(async () => {
      const rows = (await h.queuedOutbox()).filter((row) => row.userId !== null && ids.has(row.userId));
      return rows.length >= min ? rows : undefined;
    });
  }

  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, DIGEST_SECONDS * 1000 + 700));
  }

  it('sends one SMS per on-duty operator for a single ticket, and nothing to the off-duty, phoneless or other-town staff', async () => {
    const locality = await h.addLocality({ sectors: ['Barrio Alto'] });
    const onDuty = [await h.addUser({ role: 'operator', localityIds: [locality.id] }), await h.addUser({ role: 'supervisor', localityIds: [locality.id] })];
    const offDuty = await h.addUser({ role: 'operator', localityIds: [locality.id], onDuty: false });
    const noPhone = await h.addUser({ role: 'operator', localityIds: [locality.id], phone: null });
    const elsewhere = await h.addUser({ role: 'operator', localityIds: [h.locality.id] });
    const ticket = await h.addTicket({ localityId: locality.id, sector: 'Barrio Alto', details: { description: 'no hay agua desde ayer en toda la calle' } });

    await alerts.ticketsOpened([ticket]);
    const rows = await alertsTo(onDuty, 2);
    await settle();

    const expected = adaptForChannel(newTicketAlertText(h.translator, ticket, 'es'), 'sms');
    expect(expected).toBe(`Nuevo reclamo ${ticket.reference}: Corte de agua, Barrio Alto. no hay agua desde ayer en toda la calle`);
    expect(rows.map((row) => [row.userId, row.toPhone]).sort()).toEqual(onDuty.map((u) => [u.id, u.phone]).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ body: expected, kind: 'alert', residentId: null, ticketId: ticket.id, channel: 'sms', fromPhone: locality.phoneNumbers[0] });
    }
    const everyone = (await h.queuedOutbox()).map((row) => row.userId);
    for (const user of [offDuty, noPhone, elsewhere]) expect(everyone).not.toContain(user.id);
    expect(await alertsTo(onDuty, 2)).toHaveLength(2);
  });

  it('turns a burst of 10 tickets into ONE digest per operator, counted by category', async () => {
    // A window far longer than the burst takes, however loaded the machine: the digest job is then
    // brought forward by hand instead of waiting for the window to end.
    const slowWindow = createNewTicketAlerts({
      repo: h.repo,
      alertsQueue: h.queues.alerts,
      redis: h.redis,
      translator: h.translator,
      dispatcher: h.dispatcher,
      now: () => new Date().toISOString(),
      newId,
      logger: testLogger,
      digestSeconds: 3600,
    });
    const locality = await h.addLocality();
    const staff = [await h.addUser({ role: 'operator', localityIds: [locality.id] }), await h.addUser({ role: 'operator', localityIds: [locality.id] })];
    const tickets: Ticket[] = [];
    for (let i = 0; i < 10; i += 1) {
      const ticket = await h.addTicket({ localityId: locality.id, category: i < 6 ? 'outage' : i < 9 ? 'leak' : 'sewage' });
      tickets.push(ticket);
      await slowWindow.ticketsOpened([ticket]);
    }
    const digestJobs = (await h.queues.alerts.getJobs(['delayed'])).filter((job) => job.data.localityId === locality.id);
    expect(digestJobs).toHaveLength(1);
    await digestJobs[0]!.promote();

    const rows = await alertsTo(staff, 2);
    await settle();
    const after = (await h.queuedOutbox()).filter((row) => staff.some((u) => u.id === row.userId));

    expect(after).toHaveLength(2);
    const digest = adaptForChannel(digestAlertText(h.translator, tickets, 'es'), 'sms');
    expect(digest).toBe('10 reclamos nuevos: 6 corte, 3 fuga, 1 desagüe. Escriba LISTA');
    expect(rows.map((row) => row.body)).toEqual([digest, digest]);
    expect(rows.every((row) => row.ticketId === null && measureSms(row.body).segments === 1)).toBe(true);
  });

  it('leaves out a ticket that was acknowledged before the digest went out', async () => {
    const locality = await h.addLocality();
    const operator = await h.addUser({ role: 'operator', localityIds: [locality.id] });
    const waiting = await h.addTicket({ localityId: locality.id });
    const handled = await h.addTicket({ localityId: locality.id, category: 'billing' });
    await alerts.ticketsOpened([waiting, handled]);
    await h.repo.commit({ ticketUpdates: [{ id: handled.id, patch: { status: 'acknowledged' } }] });

    const [row] = await alertsTo([operator], 1);
    expect(row).toMatchObject({ ticketId: waiting.id, body: adaptForChannel(newTicketAlertText(h.translator, waiting, 'es'), 'sms') });
  });

  it('stores a digest once even when its job runs again after the commit', async () => {
    const locality = await h.addLocality();
    const operator = await h.addUser({ role: 'operator', localityIds: [locality.id] });
    const ticket = await h.addTicket({ localityId: locality.id });
    const windowId = `${Date.now()}.${ticket.id}`;
    await h.redis.sadd(`${h.prefix}:alerts-pending:${locality.id}`, ticket.id);
    await h.redis.set(`${h.prefix}:alerts-window:${locality.id}`, windowId);

    const first = await alerts.sendDigest({ localityId: locality.id, windowId });
    // A retry after a crash between the commit and cleaning up: the taken set is still there.
    await h.redis.sadd(`${h.prefix}:alerts-taken:${locality.id}:${windowId}`, ticket.id);
    const second = await alerts.sendDigest({ localityId: locality.id, windowId });

    expect(first.outboxIds).toHaveLength(1);
    expect(second.outboxIds).toEqual(first.outboxIds);
    expect((await h.queuedOutbox()).filter((row) => row.userId === operator.id)).toHaveLength(1);
  });

  it('opens a new window for a ticket that arrives after the digest went out', async () => {
    const locality = await h.addLocality();
    const operator = await h.addUser({ role: 'operator', localityIds: [locality.id] });
    const first = await h.addTicket({ localityId: locality.id });
    await alerts.ticketsOpened([first]);
    await alertsTo([operator], 1);
    const second = await h.addTicket({ localityId: locality.id, category: 'leak' });
    await alerts.ticketsOpened([second]);

    const rows = await alertsTo([operator], 2);
    expect(rows.map((row) => row.ticketId).sort()).toEqual([first.id, second.id].sort());
  });

  it('never fails the caller when Redis is gone and the alert cannot be scheduled', async () => {
    const gone = createTestRedis();
    gone.disconnect();
    const broken = createNewTicketAlerts({
      repo: h.repo,
      alertsQueue: h.queues.alerts,
      redis: gone,
      translator: h.translator,
      dispatcher: h.dispatcher,
      now: () => new Date().toISOString(),
      newId,
      logger: testLogger,
      digestSeconds: 1,
    });
    await expect(broken.ticketsOpened([{ id: 'x', localityId: h.locality.id }])).resolves.toBeUndefined();
  });
});
