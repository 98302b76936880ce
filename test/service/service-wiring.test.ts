/**
 * The wiring users depend on, through the service exactly as `aguavoz start` runs it
 * (test/support/service-harness.ts): signed webhooks over HTTP in, texts to the phones out of the
 * fake Twilio API, every worker and the maintenance schedulers running. Each planted bug in the
 * composition root (a listener, a hook, a scheduler left out) makes one of these fail.
 */
import { newTicketAlertText, reopenedAlertText } from '../../src/alerts/alert-texts';
import type { Ticket } from '../../src/domain/ticket';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { slaJobId } from '../../src/sla/sla-scheduler';
import { newId } from '../../src/shared/ids';
import { toAuthenticatedUser } from '../../src/users/user-service';
import { ASK_FEEDBACK_JOB } from '../../src/app/maintenance';
import { newMessageSid, TOWN_NUMBER } from '../support/inbound-app';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness';

// The harness waits up to WAIT_MS (45 s) for an outcome on a loaded machine; leave the test room.
jest.setTimeout(120_000);

describe('the running service (aguavoz start), end to end', () => {
  let h: ServiceHarness;
  let phoneSeq = 0;
  const newPhone = () => `+5195600${String(1000 + phoneSeq++).padStart(4, '0')}`;

  beforeAll(async () => {
    // One-second alert windows: an alert for a lone ticket arrives within the test.
    h = await startServiceHarness({ label: 'svc-wiring', env: { ALERT_DIGEST_SECONDS: '1' } });
  });
  afterAll(async () => {
    await h.close();
  });

  /** Sends one text and waits until the service has processed it (and everything before it). */
  async function say(from: string, body: string): Promise<void> {
    await h.send(from, body);
    await h.waitFor(`"${body}" from ${from} processed`, async () => (await h.repo.listUnprocessedInboundFrom(from)).length === 0);
  }

  /** The outage report of the operator-SMS test: menu, outage, street, since yesterday, San Juan, no gender. */
  async function reportOutage(from: string): Promise<Ticket> {
    for (const text of ['hola', '1', 'toda la calle', 'desde ayer', '2', '4']) await say(from, text);
    const resident = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toHaveLength(1);
    return items[0]!;
  }

  const slaJob = (ticketId: string, dueAt: string) => h.container.queues.sla.getJob(slaJobId(ticketId, dueAt));

  it('a resident’s report opens a ticket with its SLA deadlines scheduled, and the on-duty operator gets an SMS alert', async () => {
    const operator = await h.addStaff({ role: 'operator' });
    const offDuty = await h.addStaff({ role: 'operator', onDuty: false });
    const resident = newPhone();

    const ticket = await reportOutage(resident);

    expect(ticket).toMatchObject({ category: 'outage', sector: 'San Juan', status: 'open' });
    // Outage: first response within 2 h, resolution within 24 h, around the clock.
    expect(Date.parse(ticket.firstResponseDueAt!) - Date.parse(ticket.createdAt)).toBe(2 * 3_600_000);
    expect(Date.parse(ticket.resolutionDueAt!) - Date.parse(ticket.createdAt)).toBe(24 * 3_600_000);
    const job = await slaJob(ticket.id, ticket.firstResponseDueAt!);
    expect(job?.data).toEqual({ ticketId: ticket.id, dueAt: ticket.firstResponseDueAt, kind: 'first_response' });
    expect(await job!.getState()).toBe('delayed');

    const expectedAlert = adaptForChannel(newTicketAlertText(h.container.translator, ticket, 'es'), 'sms');
    await h.waitFor('the alert to the on-duty operator', () => h.phoneMessages(operator.phone!).includes(expectedAlert));
    expect(h.phoneMessages(offDuty.phone!)).toEqual([]);
    expect(h.phoneMessages(resident).join('\n')).toContain(ticket.reference);
  });

  it('an operator’s SMS command is answered through the webhook and the conversation processor, and acknowledging reschedules the SLA check', async () => {
    const operator = await h.addStaff({ role: 'operator' });
    const resident = newPhone();
    const ticket = await reportOutage(resident);

    await say(operator.phone!, `OK ${ticket.reference}`);

    await h.waitFor('the operator’s answer', () => h.phoneMessages(operator.phone!).includes(h.text('operator.acknowledged', { reference: ticket.reference })));
    await h.waitFor('the resident’s notice', () => h.phoneMessages(resident).includes(h.text('notify.acknowledged', { reference: ticket.reference })));
    expect(await h.repo.findResidentByPhone(operator.phone!)).toBeNull();
    const acknowledged = await h.repo.getTicket(ticket.id);
    expect(acknowledged).toMatchObject({ status: 'acknowledged', firstResponseAt: expect.any(String) });

    // The first response is in: the next check is the resolution deadline.
    const next = await h.waitFor('the resolution check', () => slaJob(ticket.id, ticket.resolutionDueAt!));
    expect(next.data).toEqual({ ticketId: ticket.id, dueAt: ticket.resolutionDueAt, kind: 'resolution' });
    expect(await next.getState()).toBe('delayed');
  });

  /** What the store holds for `phone` since `since`: every message the system will send them. */
  async function outboxSince(phone: string, since: string) {
    const who = await h.repo.findResidentByPhone(phone);
    return (await h.repo.listOutboxByResident(who!.id, { limit: 50 })).filter((row) => row.createdAt >= since).map((row) => row.body);
  }

  it('a resolution by SMS is announced in ONE SMS that also asks "was it solved?"; the "2" (No) to it reopens the ticket, with a new deadline scheduled, and alerts the operator', async () => {
    const operator = await h.addStaff({ role: 'operator' });
    const resident = newPhone();
    const ticket = await reportOutage(resident);
    const resolvedFrom = new Date().toISOString();
    await say(operator.phone!, `RESUELTO ${ticket.reference} Se cambió la válvula`);
    const combined = h.text('feedback.resolved_ask_solved', { reference: ticket.reference, resolution_note: 'Se cambió la válvula' });
    expect(combined).toBe(`Su reclamo ${ticket.reference} fue resuelto. Nota del operador: Se cambio la valvula\n¿Se resolvio su problema?\n1 Si\n2 No`);
    await h.waitFor('the one resolution SMS', () => h.phoneMessages(resident).includes(combined));
    // The operator's command is processed (and its hooks have run): nothing else was stored for the resident.
    expect(await outboxSince(resident, resolvedFrom)).toEqual([combined]);
    expect(h.phoneMessages(resident)).not.toContain(h.text('notify.resolved', { reference: ticket.reference, note: 'Se cambió la válvula' }));
    expect(h.phoneMessages(resident)).not.toContain(h.text('feedback.ask_solved', { reference: ticket.reference }));

    await say(resident, '2');

    const reopened = await h.repo.getTicket(ticket.id);
    expect(reopened).toMatchObject({ status: 'open', reopenCount: 1, residentConfirmedSolved: false });
    expect(Date.parse(reopened!.resolutionDueAt!)).toBeGreaterThan(Date.parse(ticket.resolutionDueAt!));
    const job = await h.waitFor('the SLA check of the reopened ticket', () => slaJob(ticket.id, reopened!.resolutionDueAt!));
    expect(job.data).toMatchObject({ ticketId: ticket.id, kind: 'resolution' });
    const alert = adaptForChannel(reopenedAlertText(h.container.translator, reopened!, 'es'), 'sms');
    await h.waitFor('the reopened alert to the operator', () => h.phoneMessages(operator.phone!).includes(alert));
  });

  it('a "1" (Yes) to the one resolution SMS records that it was solved and asks for the rating', async () => {
    const operator = await h.addStaff({ role: 'operator' });
    const resident = newPhone();
    const ticket = await reportOutage(resident);
    await say(operator.phone!, `RESUELTO ${ticket.reference} Listo`);
    await h.waitFor('the one resolution SMS', () => h.phoneMessages(resident).includes(h.text('feedback.resolved_ask_solved', { reference: ticket.reference, resolution_note: 'Listo' })));

    await say(resident, '1');

    expect(await h.repo.getTicket(ticket.id)).toMatchObject({ status: 'resolved', residentConfirmedSolved: true, residentRating: null });
    await h.waitFor('the rating question', () => h.phoneMessages(resident).includes(h.text('feedback.ask_rating')));
    expect((await h.repo.listTimeline(ticket.id)).at(-1)).toMatchObject({ type: 'resident_feedback', actor: 'resident', data: { solved: true, rating: null, reopened: false } });
  });

  /** A resident with a ticket who has started another report, and the operator resolving the first by SMS. */
  async function resolvedWhileBusy() {
    const operator = await h.addStaff({ role: 'operator' });
    const resident = newPhone();
    const ticket = await reportOutage(resident);
    await say(resident, 'hola');
    await say(resident, '1');
    const resolvedFrom = new Date().toISOString();
    await say(operator.phone!, `RESUELTO ${ticket.reference} Listo`);
    const retry = await h.waitFor('the ask-feedback retry job', () => h.container.queues.maintenance.getJob(`${ASK_FEEDBACK_JOB}-${ticket.id}-2`));
    expect(retry.data).toEqual({ ticketId: ticket.id, attempt: 2 });
    expect(await retry.getState()).toBe('delayed');
    // The resolution itself is told at once, alone: the question waits for the other report.
    const notice = h.text('notify.resolved', { reference: ticket.reference, note: 'Listo' });
    await h.waitFor('the resolution notice', () => h.phoneMessages(resident).includes(notice));
    expect(await outboxSince(resident, resolvedFrom)).toEqual([`Su reclamo ${ticket.reference} fue resuelto. Nota del operador: Listo`]);
    return { operator, resident, ticket, retry };
  }

  const jobGone = (id: string) => h.waitFor(`job ${id} done`, async () => (await h.container.queues.maintenance.getJob(id)) === undefined);

  it('asks a resident who was busy with another report later, by the maintenance worker’s ask-feedback retry', async () => {
    const { resident, ticket, retry } = await resolvedWhileBusy();
    const question = h.text('feedback.ask_solved', { reference: ticket.reference });
    expect(h.phoneMessages(resident)).not.toContain(question);

    // The other report was left (its session expired); the retry comes due.
    const who = await h.repo.findResidentByPhone(resident);
    await h.container.sessions.delete(who!.id);
    await retry.promote();

    await h.waitFor('the question asked by the retry', () => h.phoneMessages(resident).includes(question));
    expect(await h.container.sessions.get(who!.id)).toMatchObject({ flowId: 'resolution_feedback', stepId: 'ask_solved', vars: { reference: ticket.reference } });
    // Once: the notice, then the question, and neither again.
    expect(h.phoneMessages(resident).filter((text) => text === question)).toHaveLength(1);
    expect(h.phoneMessages(resident).filter((text) => text === h.text('notify.resolved', { reference: ticket.reference, note: 'Listo' }))).toHaveLength(1);

    await say(resident, '2');
    expect(await h.repo.getTicket(ticket.id)).toMatchObject({ status: 'open', residentConfirmedSolved: false });
  });

  it('drops the ask-feedback retry of a ticket that is not resolved any more (reopened meanwhile)', async () => {
    const { operator, resident, ticket, retry } = await resolvedWhileBusy();
    const who = await h.repo.findResidentByPhone(resident);
    await h.container.tickets.perform(toAuthenticatedUser((await h.repo.getUser(operator.id))!), ticket.id, { type: 'reopen' });
    await h.container.sessions.delete(who!.id);

    await retry.promote();
    await jobGone(String(retry.id));

    expect(h.phoneMessages(resident)).not.toContain(h.text('feedback.ask_solved', { reference: ticket.reference }));
    expect(await h.container.sessions.get(who!.id)).toBeNull();
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('open');
  });

  it('runs the intake and outbox sweeps on their schedule: a message stored but never queued is answered, a reply committed but never queued is sent', async () => {
    const schedulers = await h.container.queues.maintenance.getJobSchedulers();
    // The maintenance queue also carries the committee summary schedulers (issue 6).
    expect(schedulers.filter((s) => s.name.startsWith('sweep-')).map((s) => [s.name, s.every]).sort()).toEqual([
      ['sweep-intake', 300],
      ['sweep-outbox', 300],
    ]);

    // As the webhook leaves it when Redis refused the job: stored, unprocessed, no job.
    const lost = newPhone();
    const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000).toISOString();
    const { message } = await h.repo.insertInboundMessage({
      id: newId(),
      providerSid: newMessageSid(),
      channel: 'sms',
      fromPhone: lost,
      toPhone: TOWN_NUMBER,
      body: 'hola',
      media: [],
      location: null,
      receivedAt: fiveMinutesAgo,
      processedAt: null,
      residentId: null,
      localityId: null,
    });
    expect(await h.container.queues.inbound.getJob(message.id)).toBeUndefined();

    // As a commit leaves it when the process died before the enqueue: a queued row, no job.
    const operator = await h.addStaff({ role: 'operator' });
    const outboxId = newId();
    await h.repo.commit({
      outbox: [
        {
          id: outboxId,
          residentId: null,
          userId: operator.id,
          ticketId: null,
          channel: 'sms',
          toPhone: operator.phone!,
          fromPhone: TOWN_NUMBER,
          body: 'Mensaje que quedo sin enviar',
          kind: 'alert',
          status: 'queued',
          providerSid: null,
          errorCode: null,
          attempts: 0,
          createdAt: fiveMinutesAgo,
          updatedAt: fiveMinutesAgo,
        },
      ],
    });

    await h.waitForPhoneMessages(lost, 2);
    expect(h.phoneMessages(lost)).toEqual([h.text('privacy.notice'), h.text('menu.main', { locality: h.locality.name })]);
    await h.waitFor('the stuck reply sent', () => h.phoneMessages(operator.phone!).includes('Mensaje que quedo sin enviar'));
    expect((await h.repo.getOutbox(outboxId))?.status).not.toBe('queued');
  });

  it('replays the intake spool on its timer while running: a message spooled when the store was down is answered', async () => {
    const from = newPhone();
    await h.container.spool.append({
      id: newId(),
      providerSid: newMessageSid(),
      channel: 'sms',
      fromPhone: from,
      toPhone: TOWN_NUMBER,
      body: 'hola',
      media: [],
      location: null,
      receivedAt: new Date().toISOString(),
      processedAt: null,
      residentId: null,
      localityId: null,
    });

    await h.waitForPhoneMessages(from, 2);
    expect(h.phoneMessages(from)).toEqual([h.text('privacy.notice'), h.text('menu.main', { locality: h.locality.name })]);
  });

  it('answers /readyz 200 while running, and has no dev phone feed with Twilio credentials', async () => {
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', shuttingDown: false, checks: { store: 'ok', redis: 'ok', schedulers: 'ok' } });
    const feed = await fetch(`${h.baseUrl}/dev/phone/messages?phone=%2B51987000111`);
    expect(feed.status).toBe(404);
  });
});
