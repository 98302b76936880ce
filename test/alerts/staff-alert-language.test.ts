/**
 * Staff texts in the staff member's own language (issue 10): the same new ticket alerts a
 * Spanish-, an English- and a Quechua-speaking operator each in their language, and a disabled
 * account gets no alert. Real Redis, BullMQ, SQLite and locales.
 */
import type { Worker } from 'bullmq';
import { createAlertsWorker } from '../../src/alerts/alerts-worker';
import { newTicketAlertText } from '../../src/alerts/alert-texts';
import { createNewTicketAlerts } from '../../src/alerts/new-ticket-alerts';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { newId } from '../../src/shared/ids';
import { testLogger } from '../support/inbound-app';
import { createStaffHarness, eventually, type StaffHarness } from './staff-harness';

describe('staff alerts in each staff member’s language', () => {
  let h: StaffHarness;
  let worker: Worker;
  let alerts: ReturnType<typeof createNewTicketAlerts>;

  beforeAll(async () => {
    h = await createStaffHarness({ label: 'alert-language' });
    alerts = createNewTicketAlerts({ repo: h.repo, alertsQueue: h.queues.alerts, redis: h.redis, translator: h.translator, dispatcher: h.dispatcher, now: () => new Date().toISOString(), newId, logger: testLogger, digestSeconds: 0 });
    worker = createAlertsWorker({ connection: h.bullmq, prefix: h.prefix, alerts, logger: testLogger });
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
  });

  it('renders one new-ticket alert per recipient in their language; a disabled account gets none', async () => {
    const locality = await h.addLocality({ sectors: ['Centro'] });
    const es = await h.addUser({ role: 'operator', localityIds: [locality.id] });
    const en = await h.repo.updateUser((await h.addUser({ role: 'operator', localityIds: [locality.id] })).id, { language: 'en' });
    const qu = await h.repo.updateUser((await h.addUser({ role: 'operator', localityIds: [locality.id] })).id, { language: 'qu' });
    const disabled = await h.repo.updateUser((await h.addUser({ role: 'operator', localityIds: [locality.id] })).id, { disabledAt: new Date().toISOString() });
    const ticket = await h.addTicket({ localityId: locality.id, sector: 'Centro', details: { description: 'no hay agua' } });

    await alerts.ticketsOpened([ticket]);
    const rows = await eventually(async () => {
      const found = (await h.queuedOutbox()).filter((row) => row.ticketId === ticket.id && row.kind === 'alert');
      return found.length >= 3 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 700));

    const bodyFor = (userId: string) => rows.find((row) => row.userId === userId)?.body;
    expect(bodyFor(es.id)).toBe(adaptForChannel(newTicketAlertText(h.translator, ticket, 'es'), 'sms'));
    expect(bodyFor(en.id)).toBe(adaptForChannel(newTicketAlertText(h.translator, ticket, 'en'), 'sms'));
    expect(bodyFor(en.id)).toMatch(/^New complaint /);
    expect(bodyFor(qu.id)).toMatch(/^Musuq reclamo /);
    expect((await h.queuedOutbox()).filter((row) => row.ticketId === ticket.id).map((row) => row.userId)).not.toContain(disabled.id);
  });
});
