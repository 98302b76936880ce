/**
 * What an operator does with incidents over the REST API (the console and SMS use the same
 * service): merge and split keep every ticket and its own timeline, a ticket moves in and out,
 * an update reaches every linked resident once and counts as each ticket's first response, the
 * response-time statistics still count every ticket, and incidents of two towns never merge.
 */
import { isoWeekContaining } from '../../src/publication/aligned-period';
import request from 'supertest';
import { addLocality } from '../support/console-app';
import { eventually, startIncidentSystem, type IncidentSystem } from '../support/incident-system';
import { seedReport, type SeededReport } from '../support/incident-seed';

jest.setTimeout(60_000);

describe('operating on incidents through the API', () => {
  let s: IncidentSystem;
  let token: string;
  let phoneSeq = 0;

  beforeAll(async () => {
    s = await startIncidentSystem({ label: 'incident-ops' });
    await s.startWorkers();
    const operator = await s.addOperator('ana');
    token = (await s.container.apiTokens.issueToken(operator.id, 'tests')).token;
  });

  afterAll(async () => {
    await s.close();
  });

  const api = () => ({
    get: (path: string) => request(s.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) => request(s.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });

  async function reports(sector: string, count: number, options: { category?: 'outage' | 'leak' } = {}): Promise<SeededReport[]> {
    const out: SeededReport[] = [];
    for (let i = 0; i < count; i += 1) {
      phoneSeq += 1;
      out.push(await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: `+5194${String(4_000_000 + phoneSeq).slice(-7)}`, sector, category: options.category }));
    }
    return out;
  }

  it('merge then split keep every ticket, each with its own timeline, and the statistics count every ticket', async () => {
    const centro = await reports('Centro', 3);
    const sanJuan = await reports('San Juan', 2);
    const [a, b] = [centro[0]!.ticket.incidentId!, sanJuan[0]!.ticket.incidentId!];
    expect(a).not.toBe(b);

    const merged = await api().post(`/incidents/${a}/merge`, { source_id: b }).expect(200);
    expect(merged.body).toMatchObject({ id: a, ticket_count: 5, sectors: ['Centro', 'San Juan'] });
    const source = await api().get(`/incidents/${b}`).expect(200);
    expect(source.body).toMatchObject({ status: 'merged', merged_into_id: a, ticket_count: 0 });

    const split = await api().post(`/incidents/${a}/split`, { tickets: sanJuan.map((r) => r.ticket.reference) }).expect(201);
    expect(split.body).toMatchObject({ ticket_count: 2, sectors: ['San Juan'], collecting: false });
    const after = await api().get(`/incidents/${a}`).expect(200);
    expect(after.body.tickets.map((t: { reference: string }) => t.reference).sort()).toEqual(centro.map((r) => r.ticket.reference).sort());

    for (const r of [...centro, ...sanJuan]) {
      const ticket = await s.container.repo.getTicket(r.ticket.id);
      expect(ticket).toMatchObject({ reference: r.ticket.reference, status: 'open', createdAt: r.ticket.createdAt });
      const types = (await s.container.repo.listTimeline(r.ticket.id)).map((e) => e.type);
      expect(types.filter((t) => t === 'incident_linked').length).toBeGreaterThanOrEqual(r.ticket.sector === 'San Juan' ? 2 : 0);
    }
    const movedTwice = (await s.container.repo.listTimeline(sanJuan[0]!.ticket.id)).map((e) => [e.type, e.data.reason]);
    expect(movedTwice).toEqual([
      ['incident_unlinked', 'merged'],
      ['incident_linked', 'merged'],
      ['incident_unlinked', 'split'],
      ['incident_linked', 'split'],
    ]);

    // The published figures (issue 6) count every resident's ticket, incident or not. The metrics
    // API publishes only complete weeks, so read this week's figures as the committee's RESUMEN does.
    const locality = (await s.container.repo.getLocality(s.locality.id))!;
    const week = isoWeekContaining(new Date(), locality.timeZone);
    const figures = await s.container.publication.periodFigures(locality, week);
    const stored = (await s.container.repo.listTickets({ localityIds: [s.locality.id], categories: ['outage'], limit: 500 })).items.length;
    expect(figures.reports.byCategory.outage).toBe(stored);
    expect(stored).toBeGreaterThanOrEqual(5);
  });

  it('a ticket moves out of and into an incident; merging incidents of two towns is refused', async () => {
    const [one, two] = await reports('La Florida', 2, { category: 'leak' });
    const incidentId = one!.ticket.incidentId!;
    const out = await api().post('/incidents/detach', { ticket: two!.ticket.reference }).expect(200);
    expect(out.body).toEqual({ ticket_id: two!.ticket.id, incident_id: null });
    await api().post('/incidents/detach', { ticket: two!.ticket.reference }).expect(409);
    const back = await api().post(`/incidents/${incidentId}/tickets`, { ticket: two!.ticket.reference }).expect(200);
    expect(back.body.ticket_count).toBe(2);

    const other = await addLocality(s.container.repo, { sectors: ['Barrio Alto'] });
    const admin = await s.container.users.addUser({ username: 'jefa', name: 'Jefa', role: 'admin', localityIds: [], password: 'agua-segura-2025' });
    const adminToken = (await s.container.apiTokens.issueToken(admin.user.id, 'tests')).token;
    const foreign = await seedReport(s.container.repo, s.container.translator, { locality: other, phone: '+51945550001', sector: 'Barrio Alto' });
    const refused = await request(s.app)
      .post(`/api/v1/incidents/${incidentId}/merge`)
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ source_id: foreign.ticket.incidentId })
      .expect(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', details: { reason: 'different_locality' } });
    // An operator of one town does not even see the other town's incident.
    await api().post(`/incidents/${incidentId}/merge`, { source_id: foreign.ticket.incidentId }).expect(404);
    expect((await s.container.repo.getIncident(foreign.ticket.incidentId!))!.ticketCount).toBe(1);
  });

  it('an update reaches every linked resident once, counts as each ticket’s first response, and shows its delivery counts', async () => {
    const linked = await reports('Barrio Alto', 4);
    const incidentId = linked[0]!.ticket.incidentId!;
    const posted = await api().post(`/incidents/${incidentId}/updates`, { text: 'La cuadrilla llega a las 15:00.' }).expect(201);
    for (const r of linked) {
      await eventually(async () => s.phoneMessages(r.resident.phone).length === 1, { what: 'the update' });
    }
    await s.container.broadcasts.run(posted.body.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const r of linked) {
      expect(s.phoneMessages(r.resident.phone)).toEqual(['Sobre el corte de agua en Barrio Alto: La cuadrilla llega a las 15:00.']);
      const ticket = await s.container.repo.getTicket(r.ticket.id);
      expect(ticket!.firstResponseAt).toEqual(expect.any(String));
      expect((await s.container.repo.listTimeline(r.ticket.id)).filter((e) => e.type === 'replied')).toHaveLength(1);
    }
    const view = await eventually(async () => {
      const res = await api().get(`/incidents/${incidentId}`).expect(200);
      return res.body.broadcasts[0]?.delivery.sent === 4 ? res.body : undefined;
    }, { what: 'delivery counts' });
    expect(view.broadcasts[0]).toMatchObject({ kind: 'incident_update', status: 'done', recipient_count: 4 });
    const tooLong = await api().post(`/incidents/${incidentId}/updates`, { text: 'La cuadrilla llega pronto. '.repeat(15) }).expect(409);
    expect(tooLong.body.error.details).toEqual({ reason: 'text_too_long' });
  });
});
