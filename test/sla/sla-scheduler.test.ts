import type { Worker } from 'bullmq';
import { createSlaBreachChecker, createSlaBreachWorker, type SlaBreachChecker } from '../../src/sla/sla-breach-worker';
import { createBusinessCalendar } from '../../src/sla/business-calendar';
import { createSlaDeadlines } from '../../src/sla/sla-calendar-cache';
import { createSlaScheduler, slaJobId, type SlaJob, type SlaScheduler } from '../../src/sla/sla-scheduler';
import type { Ticket } from '../../src/domain/ticket';
import { testLogger } from '../support/inbound-app';
import { createStaffHarness, eventually, type StaffHarness } from '../alerts/staff-harness';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('SLA deadlines per locality', () => {
  let h: StaffHarness;
  beforeAll(async () => {
    h = await createStaffHarness({ label: 'sla-deadlines' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts a billing complaint in business days on the town calendar, skipping Peru’s 28–29 July holidays', async () => {
    const sla = createSlaDeadlines({ repo: h.repo });
    // Friday 25 July 2025, 10:00 in Lima.
    const ticket = { category: 'billing' as const, priority: 'normal' as const, createdAt: '2025-07-25T15:00:00.000Z', localityId: h.locality.id };
    expect(await sla.computeDeadlines(ticket)).toEqual({
      // Wed 30, Thu 31, Fri 1 August: closing time 17:00 in Lima.
      firstResponseDueAt: '2025-08-01T22:00:00.000Z',
      // SUNASS: 15 business days, counted by hand: 30, 31 Jul; 1, 4, 5, 7, 8, 11–15, 18, 19, 20 Aug
      // (6 August, Battle of Junín, is a holiday), closing time 17:00 in Lima.
      resolutionDueAt: '2025-08-20T22:00:00.000Z',
    });
    expect(sla.deadlinesFor({ ...ticket, category: 'outage' }, h.locality)).toEqual({
      firstResponseDueAt: '2025-07-25T17:00:00.000Z',
      resolutionDueAt: '2025-07-26T15:00:00.000Z',
    });
  });

  it('gives no deadlines to a ticket whose locality is unknown instead of failing the resident’s turn', async () => {
    const sla = createSlaDeadlines({ repo: h.repo });
    expect(
      await sla.computeDeadlines({ category: 'outage', priority: 'normal', createdAt: '2025-07-25T15:00:00.000Z', localityId: 'gone' }),
    ).toEqual({ firstResponseDueAt: null, resolutionDueAt: null });
  });
});

describe('SLA jobs and breaches', () => {
  let h: StaffHarness;
  let scheduler: SlaScheduler;
  let checker: SlaBreachChecker;
  let worker: Worker;
  const breaches: string[] = [];

  beforeAll(async () => {
    h = await createStaffHarness({ label: 'sla-scheduler' });
    const now = () => new Date().toISOString();
    scheduler = createSlaScheduler({ repo: h.repo, slaQueue: h.queues.sla, logger: testLogger, now, deadlines: createSlaDeadlines({ repo: h.repo }) });
    checker = createSlaBreachChecker({
      repo: h.repo,
      translator: h.translator,
      dispatcher: h.dispatcher,
      scheduler,
      now,
      logger: testLogger,
      onBreach: (ticket) => breaches.push(ticket.id),
    });
  });
  afterAll(async () => {
    await worker?.close();
    await h.close();
  });

  const jobOf = async (ticket: Ticket, dueAt: string) => h.queues.sla.getJob(slaJobId(ticket.id, dueAt));

  it('schedules one delayed job per ticket and deadline, carrying ids only, and scheduling it again is a no-op', async () => {
    const ticket = await h.addTicket({ firstResponseDueAt: inMs(3_600_000), resolutionDueAt: inMs(86_400_000) });
    const first = await scheduler.schedule(ticket);
    const again = await scheduler.schedule(ticket);

    expect(first).toEqual({ jobId: slaJobId(ticket.id, ticket.firstResponseDueAt!), dueAt: ticket.firstResponseDueAt, kind: 'first_response' });
    expect(again).toEqual(first);
    const job = await jobOf(ticket, ticket.firstResponseDueAt!);
    expect(job?.data).toEqual({ ticketId: ticket.id, dueAt: ticket.firstResponseDueAt!, kind: 'first_response' } satisfies SlaJob);
    expect(job?.opts.delay).toBeGreaterThan(3_590_000);
    expect(await job?.isDelayed()).toBe(true);
    const sameTicketJobs = (await h.queues.sla.getJobs(['delayed'])).filter((j) => j.data.ticketId === ticket.id);
    expect(sameTicketJobs).toHaveLength(1);
  });

  it('schedules the tickets a conversation just opened (the processor’s onTicketsOpened hook)', async () => {
    const ticket = await h.addTicket({ firstResponseDueAt: inMs(7_200_000), resolutionDueAt: inMs(86_400_000) });
    await scheduler.ticketsOpened([ticket]);
    expect((await jobOf(ticket, ticket.firstResponseDueAt!))?.data).toMatchObject({ ticketId: ticket.id, kind: 'first_response' });
  });

  it('watches nothing on a closed ticket or one whose breach is already recorded', async () => {
    const closed = await h.addTicket({ status: 'closed', closedAt: inMs(0), firstResponseDueAt: inMs(60_000) });
    const breached = await h.addTicket({ slaBreachedAt: inMs(-1000), resolutionDueAt: inMs(60_000) });
    expect(await scheduler.schedule(closed)).toBeNull();
    expect(await scheduler.schedule(breached)).toBeNull();
  });

  it('rebuilds every pending deadline from the store after the queue was obliterated', async () => {
    const open = await h.addTicket({ firstResponseDueAt: inMs(7_200_000), resolutionDueAt: inMs(90_000_000) });
    const answered = await h.addTicket({
      status: 'acknowledged',
      firstResponseAt: inMs(-1000),
      firstResponseDueAt: inMs(3_600_000),
      resolutionDueAt: inMs(50_000_000),
    });
    const closed = await h.addTicket({ status: 'closed', closedAt: inMs(0), resolutionDueAt: inMs(60_000_000) });
    await scheduler.schedule(open);
    await h.queues.sla.obliterate({ force: true });
    expect(await jobOf(open, open.firstResponseDueAt!)).toBeUndefined();

    const rebuilt = await scheduler.rebuildFromStore();

    expect(rebuilt.scheduled).toBeGreaterThanOrEqual(2);
    expect((await jobOf(open, open.firstResponseDueAt!))?.data.kind).toBe('first_response');
    expect((await jobOf(answered, answered.resolutionDueAt!))?.data.kind).toBe('resolution');
    expect((await h.queues.sla.getJobs(['delayed', 'waiting'])).some((j) => j.data.ticketId === closed.id)).toBe(false);
  });

  it('gives a deadline missed during downtime a job that runs at once', async () => {
    const late = await h.addTicket({ firstResponseDueAt: inMs(-60_000), resolutionDueAt: inMs(3_600_000) });
    const scheduled = await scheduler.schedule(late);
    expect(scheduled?.dueAt).toBe(late.firstResponseDueAt);
    expect((await jobOf(late, late.firstResponseDueAt!))?.opts.delay).toBe(0);
  });

  it('at the deadline marks the ticket breached once and alerts the locality’s supervisors once, even when the job runs twice', async () => {
    const locality = await h.addLocality({ sectors: ['Barrio Alto'] });
    const supervisor = await h.addUser({ role: 'supervisor', localityIds: [locality.id] });
    const operator = await h.addUser({ role: 'operator', localityIds: [locality.id] });
    const ticket = await h.addTicket({ localityId: locality.id, firstResponseDueAt: inMs(400), resolutionDueAt: inMs(86_400_000) });
    await h.queues.sla.obliterate({ force: true });
    worker = createSlaBreachWorker({ connection: h.bullmq, prefix: h.prefix, checker, logger: testLogger });
    await scheduler.schedule(ticket);

    const stored = await eventually(async () => {
      const current = await h.repo.getTicket(ticket.id);
      return current?.slaBreachedAt ? current : undefined;
    });
    expect(stored.slaBreachedAt).toBe(ticket.firstResponseDueAt);

    const job: SlaJob = { ticketId: ticket.id, dueAt: ticket.firstResponseDueAt!, kind: 'first_response' };
    const rerun = await h.queues.sla.add('sla_check', job, { jobId: `rerun-${ticket.id}` });
    await eventually(async () => ((await rerun.isCompleted()) ? true : undefined));
    expect((await h.queues.sla.getJob(rerun.id!))?.returnvalue).toEqual({ outcome: 'already_recorded' });
    expect(await checker.check(job)).toEqual({ outcome: 'already_recorded' });
    await scheduler.rebuildFromStore();
    expect(await jobOf(ticket, ticket.resolutionDueAt!)).toBeUndefined();

    const entries = (await h.repo.listTimeline(ticket.id)).filter((e) => e.type === 'sla_breached');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'system', isPublic: false, data: { kind: 'first_response', dueAt: ticket.firstResponseDueAt } });
    const alerts = (await h.queuedOutbox()).filter((row) => row.ticketId === ticket.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ userId: supervisor.id, toPhone: supervisor.phone, kind: 'sla_alert', residentId: null });
    expect(alerts[0]!.body).toMatch(new RegExp(`^Plazo vencido: reclamo ${ticket.reference} \\(Corte de agua, Barrio Alto\\) sin primera respuesta`));
    expect(alerts.some((row) => row.userId === operator.id)).toBe(false);
    expect(breaches.filter((id) => id === ticket.id)).toHaveLength(1);
  });

  it('records a breach once when two workers judge the same ticket at the same time', async () => {
    const locality = await h.addLocality();
    await h.addUser({ role: 'supervisor', localityIds: [locality.id] });
    const ticket = await h.addTicket({ localityId: locality.id, firstResponseDueAt: inMs(-5000) });
    const job: SlaJob = { ticketId: ticket.id, dueAt: ticket.firstResponseDueAt!, kind: 'first_response' };

    const outcomes = await Promise.all([checker.check(job), checker.check(job), checker.check(job)]);

    expect(outcomes.filter((o) => o.outcome === 'breached')).toHaveLength(1);
    expect((await h.repo.listTimeline(ticket.id)).filter((e) => e.type === 'sla_breached')).toHaveLength(1);
    expect((await h.queuedOutbox()).filter((row) => row.ticketId === ticket.id)).toHaveLength(1);
  });

  it('alerts every admin with a phone when the locality has no supervisor', async () => {
    const locality = await h.addLocality();
    const admin = await h.addUser({ role: 'admin', localityIds: [] });
    const ticket = await h.addTicket({ localityId: locality.id, resolutionDueAt: inMs(-1000) });
    const outcome = await checker.check({ ticketId: ticket.id, dueAt: ticket.resolutionDueAt!, kind: 'resolution' });
    expect(outcome.outcome).toBe('breached');
    const rows = (await h.queuedOutbox()).filter((row) => row.ticketId === ticket.id);
    expect(rows.map((row) => row.userId)).toContain(admin.id);
    expect(rows[0]!.body).toContain('sin solucion desde');
  });

  it('when the deadline was met, records nothing and schedules the next pending deadline', async () => {
    const ticket = await h.addTicket({
      status: 'acknowledged',
      firstResponseAt: inMs(-10_000),
      firstResponseDueAt: inMs(-1000),
      resolutionDueAt: inMs(3_600_000),
    });
    const outcome = await checker.check({ ticketId: ticket.id, dueAt: ticket.firstResponseDueAt!, kind: 'first_response' });
    expect(outcome).toEqual({ outcome: 'not_breached', next: ticket.resolutionDueAt });
    expect((await h.repo.getTicket(ticket.id))?.slaBreachedAt).toBeNull();
    expect((await jobOf(ticket, ticket.resolutionDueAt!))?.data.kind).toBe('resolution');
  });

  it('after a reopen stores a new resolution deadline counted from the reopen and schedules it', async () => {
    const reopenedAt = inMs(0);
    const ticket = await h.addTicket({
      status: 'open',
      reopenCount: 1,
      firstResponseAt: inMs(-7_200_000),
      firstResponseDueAt: inMs(-3_600_000),
      resolutionDueAt: inMs(-60_000),
      updatedAt: reopenedAt,
    });
    await scheduler.ticketChanged(ticket, { type: 'reopen' });
    const stored = await h.repo.getTicket(ticket.id);
    expect(stored?.resolutionDueAt).toBe(new Date(Date.parse(reopenedAt) + 24 * 3_600_000).toISOString());
    expect((await jobOf(ticket, stored!.resolutionDueAt!))?.data.kind).toBe('resolution');
  });
});
