/**
 * Resolving an incident of 200 residents through the real workers and the fake Twilio API:
 * every ticket is resolved and every resident gets exactly ONE message (what was fixed and
 * "¿Ya tiene agua? 1 Sí 2 No"), even when the workers restart in the middle and the broadcast
 * job runs again (a retry, a second worker).
 */
import { startIncidentSystem, eventually, type IncidentSystem } from '../support/incident-system';
import { seedReport, type SeededReport } from '../support/incident-seed';

jest.setTimeout(120_000);

const RESIDENTS = 200;

describe('resolving an incident of 200 residents', () => {
  let s: IncidentSystem;
  let reports: SeededReport[];

  beforeAll(async () => {
    // 100 copies a second: the 200 sends spread over about two seconds, long enough to restart in the middle.
    s = await startIncidentSystem({ label: 'resolve', env: { BROADCAST_MESSAGES_PER_SECOND: '100' } });
    reports = [];
    for (let i = 0; i < RESIDENTS; i += 1) {
      reports.push(await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: `+5196${String(1_000_000 + i).slice(-7)}`, sector: 'Barrio Alto' }));
    }
  });

  afterAll(async () => {
    await s.close();
  });

  it('sends each resident exactly one message under a worker restart in the middle, and resolves every ticket', async () => {
    const incidentIds = new Set(reports.map((r) => r.ticket.incidentId));
    expect(incidentIds.size).toBe(1);
    const incidentId = [...incidentIds][0]!;
    const operator = await s.addOperator('rosa');
    const phones = reports.map((r) => r.resident.phone);
    const received = () => s.fakeTwilio.messages.filter((m) => phones.includes(m.to)).length;

    // The operator resolves while no worker runs; then the queued job and two more runs of the
    // same broadcast (a retried job, a second worker) go at once, and the workers restart mid-way.
    await s.stopWorkers();
    const broadcast = await s.container.incidents.resolve(operator, incidentId, 'Se cambió la tubería matriz.');
    const extraRuns = Promise.all([s.container.broadcasts.run(broadcast.id), s.container.broadcasts.run(broadcast.id)]);
    await s.startWorkers();
    await eventually(async () => received() >= 40, { what: 'the first copies to go out', timeoutMs: 30_000 });
    await s.stopWorkers();
    const beforeRestart = received();
    expect(beforeRestart).toBeLessThan(RESIDENTS);
    await s.startWorkers();
    await extraRuns;
    await eventually(async () => received() >= RESIDENTS, { what: 'a copy for every resident', timeoutMs: 60_000 });
    // Let anything that would be a duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    for (const report of reports) {
      const texts = s.phoneMessages(report.resident.phone);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain('Volvio el agua en Barrio Alto: Se cambio la tuberia matriz.');
      expect(texts[0]).toContain(`Responda 1 Si o 2 No. Reclamo ${report.ticket.reference}`);
    }
    const tickets = await s.container.repo.listIncidentTickets(incidentId);
    expect(tickets).toHaveLength(RESIDENTS);
    expect(tickets.every((t) => t.status === 'resolved' && t.resolutionNote === 'Se cambió la tubería matriz.')).toBe(true);
    for (const ticket of tickets.slice(0, 5)) {
      const resolved = (await s.container.repo.listTimeline(ticket.id)).filter((e) => e.type === 'resolved');
      expect(resolved).toHaveLength(1);
    }
    const view = await s.container.incidents.view(operator, incidentId);
    expect(view.incident.status).toBe('resolved');
    expect(view.broadcasts).toEqual([expect.objectContaining({ id: broadcast.id, status: 'done', recipientCount: RESIDENTS })]);
    await eventually(async () => {
      const [b] = (await s.container.incidents.view(operator, incidentId)).broadcasts;
      return b && b.delivery.sent === RESIDENTS ? b : undefined;
    }, { what: 'delivery counts' });
  });

  it('a resident who answers "No" gets their ticket reopened and out of the incident; "Sí" keeps it resolved', async () => {
    const operator = await s.addOperator('lucho');
    const [no, yes] = [
      await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51955500001', sector: 'La Florida' }),
      await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51955500002', sector: 'La Florida' }),
    ];
    const incidentId = no.ticket.incidentId!;
    expect(yes.ticket.incidentId).toBe(incidentId);
    await s.startWorkers();
    await s.container.incidents.resolve(operator, incidentId, 'Se destapó el buzón.');
    await eventually(async () => s.phoneMessages(no.resident.phone).length === 1 && s.phoneMessages(yes.resident.phone).length === 1, { what: 'both questions' });
    await s.text(no.resident.phone, '2');
    await s.text(yes.resident.phone, '1');
    const reopened = await eventually(async () => {
      const ticket = await s.container.repo.getTicket(no.ticket.id);
      return ticket?.status === 'open' ? ticket : undefined;
    }, { what: 'the reopened ticket' });
    expect(reopened.incidentId ?? null).toBeNull();
    expect((await s.container.repo.listTimeline(no.ticket.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['resolved', 'resident_feedback', 'reopened', 'incident_unlinked']));
    await eventually(async () => (await s.container.repo.getTicket(yes.ticket.id))?.residentConfirmedSolved === true, { what: 'the yes' });
    const kept = await s.container.repo.getTicket(yes.ticket.id);
    expect(kept).toMatchObject({ status: 'resolved', incidentId });
  });
});
