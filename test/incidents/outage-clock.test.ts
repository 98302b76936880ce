/**
 * The outage clock: an outage incident open for 18 hours alerts the supervisors once that
 * water-truck supply is due. Its delayed job is rebuilt from the store at start-up, so a Redis
 * that lost its data still fires it; firing twice alerts nobody twice.
 */
import { installIncidentJobs } from '../../src/incidents/incident-worker';
import { createOutageClock } from '../../src/incidents/outage-clock';
import { eventually, startIncidentSystem, type IncidentSystem } from '../support/incident-system';
import { seedReport } from '../support/incident-seed';

jest.setTimeout(60_000);

describe('the 18-hour outage clock', () => {
  let s: IncidentSystem;

  beforeAll(async () => {
    s = await startIncidentSystem({ label: 'outage-clock' });
  });

  afterAll(async () => {
    await s.close();
  });

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

  it('an outage open past 18 h alerts each supervisor once, after Redis lost the job and the worker restarted', async () => {
    const supervisor = await s.addOperator('supervisora', { phone: '+51977700001', role: 'supervisor' });
    await s.addOperator('operario', { phone: '+51977700002' });
    const old = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51977711111', sector: 'Centro', at: hoursAgo(19) });
    const young = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51977722222', sector: 'San Juan', at: hoursAgo(2) });
    const leak = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51977733333', sector: 'Centro', at: hoursAgo(20), category: 'leak' });
    // Redis lost everything: no job exists. Start-up installs them from the store.
    await s.container.queues.incidents.obliterate({ force: true });
    const installed = await installIncidentJobs({ repo: s.container.repo, queue: s.container.queues.incidents, clock: s.container.outageClock, logger: s.container.logger });
    expect(installed.clocks).toBe(2);
    expect(await s.container.queues.incidents.getJob(`truck-${young.ticket.incidentId}`)).toBeDefined();
    await s.startWorkers();

    const alert = await eventually(async () => s.phoneMessages(supervisor.phone!)[0], { what: 'the supervisor alert' });
    expect(alert).toBe('Corte en Centro abierto hace 19 h (1 vecino): toca abastecer con cisterna (SUNASS). Vea el incidente en la consola.');
    expect((await s.container.repo.getIncident(old.ticket.incidentId!))!.truckAlertedAt).toEqual(expect.any(String));
    // Firing again (a rebuild, a second worker) alerts nobody twice; young and leak incidents stay quiet.
    await expect(s.container.outageClock.check(old.ticket.incidentId!)).resolves.toEqual({ outcome: 'skipped', reason: 'already_alerted' });
    await expect(s.container.outageClock.check(young.ticket.incidentId!)).resolves.toMatchObject({ outcome: 'not_due' });
    await expect(s.container.outageClock.check(leak.ticket.incidentId!)).resolves.toEqual({ outcome: 'skipped', reason: 'not_outage' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.phoneMessages(supervisor.phone!)).toHaveLength(1);
    expect(s.phoneMessages('+51977700002')).toEqual([]);
  });

  it('a burst of reports joining one outage incident adds its job once a minute, not once per report', async () => {
    const first = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51977744444', sector: 'La Punta', at: hoursAgo(1) });
    const second = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51977755555', sector: 'La Punta', at: hoursAgo(1) });
    const incidentId = first.ticket.incidentId!;
    expect(second.ticket.incidentId).toBe(incidentId);
    let nowMs = Date.now();
    const { repo, queues, translator, dispatcher, logger } = s.container;
    const clock = createOutageClock({ repo, queue: queues.incidents, translator, dispatcher, logger, now: () => new Date(nowMs).toISOString(), hours: 18 });
    const jobId = `truck-${incidentId}`;
    await queues.incidents.remove(jobId);

    await clock.ticketsOpened([first.ticket]);
    expect(await queues.incidents.getJob(jobId)).toBeDefined();
    // The job went missing; the next report of the same minute does not add it again…
    await queues.incidents.remove(jobId);
    await clock.ticketsOpened([second.ticket]);
    expect(await queues.incidents.getJob(jobId)).toBeUndefined();
    // …a report a minute later does, and a leak report never does.
    nowMs += 61_000;
    await clock.ticketsOpened([{ ...second.ticket, category: 'leak' }]);
    expect(await queues.incidents.getJob(jobId)).toBeUndefined();
    await clock.ticketsOpened([second.ticket]);
    expect(await queues.incidents.getJob(jobId)).toBeDefined();
  });
});
