/**
 * The console as an operator uses it (real login, CSRF, plain forms): the queue page shows the
 * open incidents with size, age and sectors; the incident page sends an update and shows its
 * delivery counts; a planned cut is previewed (SMS and reach) before it is confirmed and sent;
 * a refused notice says why and sends nothing.
 */
import { csrfTokenIn, loginAgent, OPERATOR_PASSWORD } from '../support/console-app';
import { eventually, startIncidentSystem, type IncidentSystem } from '../support/incident-system';
import { seedReport } from '../support/incident-seed';

jest.setTimeout(60_000);

describe('incidents and notices in the console', () => {
  let s: IncidentSystem;

  beforeAll(async () => {
    // An http:// public URL: the console's cookies are not `Secure`, so supertest's agent keeps them.
    s = await startIncidentSystem({ label: 'incident-console', env: { PUBLIC_BASE_URL: 'http://aguavoz.test' } });
    await s.startWorkers();
    await s.container.users.addUser({ username: 'rocio', name: 'Rocío', role: 'operator', localityIds: [s.locality.id], password: OPERATOR_PASSWORD });
  });

  afterAll(async () => {
    await s.close();
  });

  it('the queue shows the incident with its size, age and sectors; an update from its page reaches each resident and shows delivery counts', async () => {
    const reports = [];
    for (let i = 0; i < 3; i += 1) reports.push(await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: `+5193333000${i}`, sector: 'San Juan' }));
    const incidentId = reports[0]!.ticket.incidentId!;
    const agent = await loginAgent(s.app, 'rocio');
    const queue = await agent.get('/tickets').expect(200);
    const row = new RegExp(`data-incident="${incidentId}"[\\s\\S]*?Corte de agua en San Juan[\\s\\S]*?<strong>3</strong>[\\s\\S]*?San Juan`);
    expect(queue.text).toMatch(row);

    const page = await agent.get(`/incidents/${incidentId}`).expect(200);
    for (const r of reports) expect(page.text).toContain(`data-ticket="${r.ticket.reference}"`);
    await agent
      .post(`/incidents/${incidentId}/actions/update`)
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), text: 'Estamos cambiando la tubería.' })
      .expect(303);
    for (const r of reports) await eventually(async () => s.phoneMessages(r.resident.phone).length === 1, { what: 'the update' });
    const after = await eventually(async () => {
      const res = await agent.get(`/incidents/${incidentId}`);
      return res.text.includes('3 enviados') ? res.text : undefined;
    }, { what: 'delivery counts on the page' });
    expect(after).toContain('Novedad: 3 enviados');

    const refused = await agent
      .post(`/incidents/${incidentId}/actions/update`)
      .type('form')
      .send({ _csrf: csrfTokenIn(after), text: 'Muy largo. '.repeat(40) })
      .expect(422);
    expect(refused.text).toContain('el texto pasa de 2 SMS');
  });

  it('a planned cut is previewed with its SMS and reach, then sent on confirmation; a past window is refused', async () => {
    const resident = await seedReport(s.container.repo, s.container.translator, { locality: s.locality, phone: '+51934440001', sector: 'Centro', link: false });
    const agent = await loginAgent(s.app, 'rocio');
    const form = await agent.get('/notices').expect(200);
    const local = (hours: number) => new Date(Date.now() + hours * 3_600_000 - 5 * 3_600_000).toISOString().slice(0, 16); // America/Lima wall clock
    const fields = { _csrf: csrfTokenIn(form.text), locality: s.locality.id, kind: 'planned_cut', sectors: 'Centro', from: local(20), to: local(26), text: 'Limpieza del reservorio.' };
    const preview = await agent.post('/notices/preview').type('form').send(fields).expect(200);
    expect(preview.text).toContain('Corte de agua programado en Centro');
    expect(preview.text).toContain('Llegará a 1 destinatario.');
    expect(s.phoneMessages(resident.resident.phone)).toEqual([]);
    await agent.post('/notices/send').type('form').send({ ...fields, _csrf: csrfTokenIn(preview.text) }).expect(303);
    const [sms] = await eventually(async () => (s.phoneMessages(resident.resident.phone).length === 1 ? s.phoneMessages(resident.resident.phone) : undefined), { what: 'the notice' });
    expect(sms).toMatch(/^Corte de agua programado en Centro: .* a .*\. Limpieza del reservorio\.$/);

    const past = await agent.post('/notices/preview').type('form').send({ ...fields, from: local(-5), to: local(-2) }).expect(422);
    expect(past.text).toContain('la hora de fin ya pasó');
  });
});
