/**
 * The ticket page and its plain-HTML action forms, over real HTTP (supertest) with the real
 * ticket service, SQLite file, Redis sessions and locales. No JavaScript is involved: these are
 * exactly the posts a browser without scripts makes.
 */
import type request from 'supertest';
import type { Ticket } from '../../src/domain/ticket';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { maskPhone } from '../../src/shared/phone';
import { createConsoleHarness, csrfTokenIn, loginAgent, seedTicket, type ConsoleHarness } from '../support/console-app';

describe('console ticket page and actions', () => {
  let h: ConsoleHarness;
  let rosaId: string;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'console-actions' });
    rosaId = (await h.addUser({ username: 'rosa', name: 'Rosa Quispe', localityIds: [h.locality.id] })).id;
  });

  afterAll(async () => {
    await h.close();
  });

  async function openTicket(ticket: Ticket): Promise<{ agent: request.Agent; html: string; csrf: string }> {
    const agent = await loginAgent(h.app, 'rosa');
    const page = await agent.get(`/tickets/${ticket.id}`);
    expect(page.status).toBe(200);
    return { agent, html: page.text, csrf: csrfTokenIn(page.text) };
  }

  async function outboxOf(ticket: Ticket) {
    return (await h.repo.listOutboxByResident(ticket.residentId, { limit: 50 })).filter((row) => row.ticketId === ticket.id);
  }

  it('acknowledging redirects back with a one-time flash message and queues a message to the resident', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const { agent, csrf } = await openTicket(ticket);

    const res = await agent.post(`/tickets/${ticket.id}/actions/acknowledge`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/tickets/${ticket.id}`);

    const after = await agent.get(`/tickets/${ticket.id}`);
    expect(after.text).toContain('Recepción confirmada.');
    expect(after.text).toContain('<span class="tag">Recibido</span>');
    expect((await agent.get(`/tickets/${ticket.id}`)).text).not.toContain('class="flash ok"');
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('acknowledged');
    expect(await outboxOf(ticket)).toHaveLength(1);
  });

  it("sends a canned reply in the resident's language and says which language on the form", async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality, resident: { language: 'en' } });
    const { agent, html, csrf } = await openTicket(ticket);
    expect(html).toContain('Se enviará en inglés por SMS.');
    const cannedKey = h.translator.keys('es').find((key) => key.startsWith('canned.'));
    expect(cannedKey).toBeDefined();
    expect(html).toContain(`<option value="${cannedKey}">`);

    const res = await agent.post(`/tickets/${ticket.id}/actions/reply`).type('form').send({ _csrf: csrf, text: '', canned: cannedKey });
    expect(res.status).toBe(303);
    const [sent] = await outboxOf(ticket);
    const english = h.translator.render(cannedKey!, 'en', { reference: ticket.reference, locality: h.locality.name });
    const wrapped = h.translator.render('notify.operator_reply', 'en', { reference: ticket.reference, text: english });
    expect(sent?.body).toBe(adaptForChannel(wrapped, 'sms'));
    expect(sent?.kind).toBe('operator_reply');
  });

  it('puts a typed reply in the conversation as an outgoing message', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const { agent, csrf } = await openTicket(ticket);
    await agent.post(`/tickets/${ticket.id}/actions/reply`).type('form').send({ _csrf: csrf, text: 'La cuadrilla llega a las 3 pm.' });
    const page = await agent.get(`/tickets/${ticket.id}`);
    expect(page.text).toContain('Respuesta enviada al vecino.');
    expect(page.text).toMatch(/<div class="msg out">.*La cuadrilla llega a las 3 pm\./s);
  });

  it('says plainly when a reply could not reach a resident who opted out', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality, resident: { optedOut: true } });
    const { agent, html, csrf } = await openTicket(ticket);
    expect(html).toContain('El vecino se dio de baja (STOP)');
    await agent.post(`/tickets/${ticket.id}/actions/reply`).type('form').send({ _csrf: csrf, text: 'Vamos hoy.' });
    const page = await agent.get(`/tickets/${ticket.id}`);
    expect(page.text).toContain('La respuesta quedó en el historial, pero NO se envió');
    expect(page.text).not.toContain('Respuesta enviada al vecino.');
    expect(await outboxOf(ticket)).toEqual([]);
  });

  it('refuses to resolve without a resolution note, keeps the page and changes nothing', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const { agent, csrf } = await openTicket(ticket);
    const res = await agent.post(`/tickets/${ticket.id}/actions/resolve`).type('form').send({ _csrf: csrf, note: '   ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Para resolver, escriba una nota de solución. No se cambió nada.');
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('open');
    expect(await h.repo.listTimeline(ticket.id)).toEqual([]);
    expect(await outboxOf(ticket)).toEqual([]);
  });

  it('refuses to resolve a closed ticket with a clear message, keeps the typed note and changes nothing', async () => {
    const closedAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const ticket = await seedTicket(h.repo, {
      locality: h.locality,
      ticket: { status: 'closed', resolvedAt: closedAt, closedAt, resolutionNote: 'Reparado' },
    });
    const { agent, html, csrf } = await openTicket(ticket);
    expect(html).not.toContain('/actions/resolve"');
    const res = await agent.post(`/tickets/${ticket.id}/actions/resolve`).type('form').send({ _csrf: csrf, note: 'Otra vez reparado' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('No se puede «Resolver» un reclamo en estado «Cerrado». No se cambió nada.');
    const stored = await h.repo.getTicket(ticket.id);
    expect(stored?.status).toBe('closed');
    expect(stored?.resolutionNote).toBe('Reparado');
    expect(await h.repo.listTimeline(ticket.id)).toEqual([]);
  });

  it('keeps an internal note in the timeline without sending it to the resident', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const { agent, csrf } = await openTicket(ticket);
    await agent.post(`/tickets/${ticket.id}/actions/add_note`).type('form').send({ _csrf: csrf, text: 'Llamar al gasfitero' });
    const [entry] = await h.repo.listTimeline(ticket.id);
    expect(entry).toMatchObject({ type: 'note_added', isPublic: false, text: 'Llamar al gasfitero', actor: rosaId });
    expect(await outboxOf(ticket)).toEqual([]);
    const page = await agent.get(`/tickets/${ticket.id}`);
    expect(page.text).toMatch(/Rosa Quispe.*Nota interna.*interno.*Llamar al gasfitero/s);
  });

  it("'assign to me' makes the ticket show under the 'me' filter and leave the 'unassigned' one", async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const { agent, csrf } = await openTicket(ticket);
    const res = await agent.post(`/tickets/${ticket.id}/actions/assign`).type('form').send({ _csrf: csrf, assignee: 'me' });
    expect(res.status).toBe(303);
    expect((await h.repo.getTicket(ticket.id))?.assigneeId).toBe(rosaId);
    expect((await agent.get('/tickets?assignee=me')).text).toContain(ticket.reference);
    expect((await agent.get('/tickets?assignee=unassigned')).text).not.toContain(ticket.reference);
  });

  it('refuses to assign the ticket to someone outside its locality', async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const outsider = await h.addUser({ username: 'lucho', localityIds: [(await h.repo.createLocality({ ...h.locality, id: 'other-town', slug: 'other-town', phoneNumbers: [], isCatchAll: false })).id] });
    const { agent, csrf } = await openTicket(ticket);
    const res = await agent.post(`/tickets/${ticket.id}/actions/assign`).type('form').send({ _csrf: csrf, assignee: outsider.id });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Esa persona no trabaja en esta localidad.');
    expect((await h.repo.getTicket(ticket.id))?.assigneeId).toBeNull();
  });

  it("masks the resident's phone and escapes what the resident wrote", async () => {
    const ticket = await seedTicket(h.repo, { locality: h.locality });
    const resident = await h.repo.getResident(ticket.residentId);
    await h.repo.insertInboundMessage({
      id: `in-${ticket.id}`,
      providerSid: `SM${ticket.id.replace(/-/g, '')}`,
      channel: 'sms',
      fromPhone: resident!.phone,
      toPhone: h.locality.phoneNumbers[0]!,
      body: '<script>alert("x")</script> no hay agua',
      media: [],
      location: null,
      receivedAt: new Date().toISOString(),
      processedAt: null,
      residentId: resident!.id,
      localityId: h.locality.id,
    });
    const { html } = await openTicket(ticket);
    expect(html).not.toContain(resident!.phone);
    expect(html).toContain(`<dd>${maskPhone(resident!.phone)}</dd>`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; no hay agua');
    expect(html).not.toContain('<script>');
  });

  it('offers only the actions the status allows', async () => {
    const open = await seedTicket(h.repo, { locality: h.locality });
    const resolved = await seedTicket(h.repo, {
      locality: h.locality,
      ticket: { status: 'resolved', resolvedAt: new Date().toISOString(), resolutionNote: 'Listo' },
    });
    const actionsOn = (html: string) => [...html.matchAll(/action="\/tickets\/[^/]+\/actions\/([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(actionsOn((await openTicket(open)).html)).toEqual(['acknowledge', 'add_note', 'assign', 'reply', 'resolve', 'start']);
    expect(actionsOn((await openTicket(resolved)).html)).toEqual(['add_note', 'assign', 'close', 'reopen', 'reply']);
  });

  it('shows the details the flow captured with human labels', async () => {
    const ticket = await seedTicket(h.repo, {
      locality: h.locality,
      ticket: { category: 'quality', details: { description: 'agua marron', signs: 'colour,smell', since: 'yesterday', anyone_ill: true } },
    });
    const { html } = await openTicket(ticket);
    expect(html).toContain('<dt>Lo que escribió</dt><dd>agua marron</dd>');
    expect(html).toContain('<dt>Qué nota en el agua</dt><dd>color, olor</dd>');
    expect(html).toContain('<dt>Desde cuándo</dt><dd>desde ayer</dd>');
    expect(html).toContain('<dt>Alguien enfermo</dt><dd>Sí</dd>');
  });
});
