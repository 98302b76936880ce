/**
 * Who may see and change what through the console, over real HTTP (supertest), with real Redis
 * sessions, a real SQLite file and the real login form.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Ticket } from '../../src/domain/ticket';
import {
  addLocality,
  createConsoleHarness,
  csrfTokenIn,
  loginAgent,
  seedTicket,
  type ConsoleHarness,
} from '../support/console-app';

const PAGE_BUDGET_BYTES = 100 * 1024;

describe('console access control', () => {
  let h: ConsoleHarness;
  let townB: Locality;
  let ticketA: Ticket;
  let ticketB: Ticket;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'console-access' });
    townB = await addLocality(h.repo);
    await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
    await h.addUser({ username: 'pedro', localityIds: [townB.id] });
    ticketA = await seedTicket(h.repo, { locality: h.locality });
    ticketB = await seedTicket(h.repo, { locality: townB });
  });

  afterAll(async () => {
    await h.close();
  });

  it('sends a visitor without a session to the login form', async () => {
    const res = await request(h.app).get('/tickets');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftickets');
  });

  it("shows an operator only their own locality's tickets in the queue", async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const res = await rosa.get('/tickets');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`/tickets/${ticketA.id}`);
    expect(res.text).not.toContain(ticketB.reference);
  });

  it("answers 403 when an operator of locality A opens locality B's ticket", async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const res = await rosa.get(`/tickets/${ticketB.id}`);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Sin acceso');
    expect(res.text).not.toContain(ticketB.reference);
  });

  it("answers 403 to an action on locality B's ticket and changes nothing", async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const csrf = csrfTokenIn((await rosa.get(`/tickets/${ticketA.id}`)).text);
    const res = await rosa
      .post(`/tickets/${ticketB.id}/actions/resolve`)
      .type('form')
      .send({ _csrf: csrf, note: 'cerrado por error' });
    expect(res.status).toBe(403);
    const stored = await h.repo.getTicket(ticketB.id);
    expect(stored?.status).toBe('open');
    expect(await h.repo.listTimeline(ticketB.id)).toEqual([]);
  });

  it('refuses an action posted without the CSRF token with 403 and changes nothing', async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const res = await rosa.post(`/tickets/${ticketA.id}/actions/acknowledge`).type('form').send({});
    expect(res.status).toBe(403);
    expect((await h.repo.getTicket(ticketA.id))?.status).toBe('open');
  });

  it("refuses an action carrying another session's CSRF token", async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const otherSession = await loginAgent(h.app, 'rosa');
    const foreignToken = csrfTokenIn((await otherSession.get('/tickets')).text);
    const ownToken = csrfTokenIn((await rosa.get('/tickets')).text);
    expect(foreignToken).not.toBe(ownToken);
    const res = await rosa.post(`/tickets/${ticketA.id}/actions/acknowledge`).type('form').send({ _csrf: foreignToken });
    expect(res.status).toBe(403);
    expect((await h.repo.getTicket(ticketA.id))?.status).toBe('open');
  });

  it('answers 404 with a page for an unknown ticket id and an unknown action', async () => {
    const rosa = await loginAgent(h.app, 'rosa');
    const page = await rosa.get('/tickets/no-such-ticket');
    expect(page.status).toBe(404);
    expect(page.text).toContain('No encontrado');
    const csrf = csrfTokenIn((await rosa.get('/tickets')).text);
    const action = await rosa.post(`/tickets/${ticketA.id}/actions/delete`).type('form').send({ _csrf: csrf });
    expect(action.status).toBe(404);
  });

  it("lets an admin open any locality's ticket", async () => {
    await h.addUser({ username: 'jefa', localityIds: [], role: 'admin' });
    const admin = await loginAgent(h.app, 'jefa');
    const res = await admin.get(`/tickets/${ticketB.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(ticketB.reference);
  });

  it('keeps /tickets and /tickets/:id under 100 KB with a full queue and a long conversation', async () => {
    const now = new Date();
    // A town of its own: its full queue must not push the other tests' tickets off the first page.
    const fullTown = await addLocality(h.repo, { slug: 'pueblo-lleno', phoneNumbers: ['+51940000777'] });
    await h.addUser({ username: 'llena', localityIds: [fullTown.id] });
    for (let i = 0; i < 30; i += 1) {
      await seedTicket(h.repo, {
        locality: fullTown,
        ticket: { resolutionDueAt: new Date(now.getTime() + i * 3_600_000).toISOString(), details: { since: 'yesterday', scope: 'home' } },
      });
    }
    const long = await seedTicket(h.repo, { locality: fullTown });
    const resident = await h.repo.getResident(long.residentId);
    const inbound = Array.from({ length: 60 }, (_, i) => ({
      id: `in-${long.id}-${i}`,
      providerSid: `SM${long.id.replace(/-/g, '')}${String(i).padStart(2, '0')}`,
      channel: 'sms' as const,
      fromPhone: resident?.phone ?? '',
      toPhone: fullTown.phoneNumbers[0] ?? '',
      body: `Mensaje ${i}: sigue sin agua en el jiron Lima cuadra 3, por favor vengan pronto`,
      media: [],
      location: null,
      receivedAt: new Date(now.getTime() - (60 - i) * 60_000).toISOString(),
      processedAt: null,
      residentId: long.residentId,
      localityId: fullTown.id,
    }));
    for (const message of inbound) await h.repo.insertInboundMessage(message);

    const rosa = await loginAgent(h.app, 'llena');
    const queue = await rosa.get('/tickets');
    const ticket = await rosa.get(`/tickets/${long.id}`);
    expect(queue.status).toBe(200);
    expect(ticket.status).toBe(200);
    expect(ticket.text).toContain('Mensaje 59');
    expect(Buffer.byteLength(queue.text)).toBeLessThan(PAGE_BUDGET_BYTES);
    expect(Buffer.byteLength(ticket.text)).toBeLessThan(PAGE_BUDGET_BYTES);
  });
});
