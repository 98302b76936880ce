/**
 * The queue page with a fixed clock: urgency order, countdowns and overdue marks, filters, counts
 * per status and cursor pagination, over real HTTP against a real SQLite file.
 */
import type request from 'supertest';
import type { Ticket } from '../../src/domain/ticket';
import { addLocality, createConsoleHarness, loginAgent, seedTicket, type ConsoleHarness } from '../support/console-app';

const NOW = new Date('2025-07-21T15:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

/** References in the order the queue lists them. */
function referencesIn(html: string): string[] {
  return [...html.matchAll(/<tr data-ticket="(\d+)">/g)].map((m) => m[1]!);
}

describe('console queue', () => {
  let h: ConsoleHarness;
  let agent: request.Agent;
  const t: Record<string, Ticket> = {};

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'console-queue', now: () => NOW });
    await h.addUser({ username: 'rosa', localityIds: [h.locality.id] });
    t.dueSoon = await seedTicket(h.repo, {
      locality: h.locality,
      now: new Date(at(-HOUR)),
      ticket: { sector: 'Centro', firstResponseDueAt: at(2 * HOUR + 10 * 60_000), resolutionDueAt: at(23 * HOUR) },
    });
    t.overdue = await seedTicket(h.repo, {
      locality: h.locality,
      now: new Date(at(-30 * HOUR)),
      ticket: { category: 'leak', sector: 'San Juan', status: 'acknowledged', firstResponseAt: at(-29 * HOUR), resolutionDueAt: at(-3 * HOUR) },
    });
    t.old = await seedTicket(h.repo, { locality: h.locality, now: new Date(at(-4 * 24 * HOUR)), ticket: { category: 'billing', sector: null } });
    t.resolved = await seedTicket(h.repo, { locality: h.locality, ticket: { sector: 'La Florida', status: 'resolved', resolvedAt: at(-HOUR), resolutionNote: 'ok' } });
    t.closed = await seedTicket(h.repo, { locality: h.locality, ticket: { sector: 'La Florida', status: 'closed', resolvedAt: at(-HOUR), closedAt: at(-HOUR) } });
    agent = await loginAgent(h.app, 'rosa');
  });

  afterAll(async () => {
    await h.close();
  });

  it('redirects / to the queue', async () => {
    const res = await agent.get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/tickets');
  });

  it('lists non-closed tickets, the most urgent deadline first', async () => {
    const res = await agent.get('/tickets');
    expect(res.status).toBe(200);
    const refs = referencesIn(res.text);
    expect(refs.indexOf(t.overdue!.reference)).toBeLessThan(refs.indexOf(t.dueSoon!.reference));
    expect(refs.indexOf(t.dueSoon!.reference)).toBeLessThan(refs.indexOf(t.old!.reference));
    expect(refs).toContain(t.resolved!.reference);
    expect(refs).not.toContain(t.closed!.reference);
  });

  it('shows a countdown to the first-response deadline and an overdue mark on a missed one', async () => {
    const html = (await agent.get('/tickets')).text;
    const row = (ticket: Ticket) => new RegExp(`<tr data-ticket="${ticket.reference}">(.*?)</tr>`, 's').exec(html)?.[1] ?? '';
    expect(row(t.dueSoon!)).toContain('faltan 2 h 10 min');
    expect(row(t.overdue!)).toContain('VENCIDO');
    expect(row(t.overdue!)).toContain('vencido hace 3 h 0 min');
    expect(row(t.old!)).toContain('sin plazo');
    expect(row(t.old!)).toContain('hace 4 d 0 h');
  });

  it('counts tickets per status', async () => {
    const html = (await agent.get('/tickets')).text;
    expect(html).toMatch(/Nuevo: <strong>2<\/strong>/);
    expect(html).toMatch(/Recibido: <strong>1<\/strong>/);
    expect(html).toMatch(/Resuelto: <strong>1<\/strong>/);
    expect(html).toMatch(/Cerrado: <strong>1<\/strong>/);
  });

  it.each([
    ['category=leak', 'overdue'],
    ['sector=Centro', 'dueSoon'],
    ['age=3d', 'old'],
    ['status=closed', 'closed'],
    ['status=resolved', 'resolved'],
  ])('filters the queue by %s', async (query, expected) => {
    const res = await agent.get(`/tickets?${query}`);
    expect(referencesIn(res.text)).toEqual([t[expected]!.reference]);
  });

  it('keeps the chosen filters selected in the form', async () => {
    const html = (await agent.get('/tickets?category=leak&age=1d&assignee=unassigned')).text;
    expect(html).toContain('<option value="leak" selected>');
    expect(html).toContain('<option value="1d" selected>');
    expect(html).toContain('<option value="unassigned" selected>');
  });

  it('ignores filter values it does not know instead of failing', async () => {
    const res = await agent.get('/tickets?status=lost&category=%3Cb%3E&age=99d');
    expect(res.status).toBe(200);
    expect(referencesIn(res.text)).toHaveLength(4);
  });

  it('pages through a long queue with a "next page" link, without repeating a ticket', async () => {
    // Another town with its own operator: the 30 tickets must not crowd the other tests' queue.
    const busyTown = await addLocality(h.repo, { slug: 'pueblo-largo', phoneNumbers: ['+51940000888'] });
    await h.addUser({ username: 'pagina', localityIds: [busyTown.id] });
    const pager = await loginAgent(h.app, 'pagina');
    for (let i = 0; i < 30; i += 1) {
      await seedTicket(h.repo, { locality: busyTown, ticket: { category: 'sewage', resolutionDueAt: at((i + 1) * HOUR) } });
    }
    const first = await pager.get('/tickets?category=sewage');
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/tickets\?category=sewage&cursor=/);
    const second = await pager.get(next!);
    const seen = [...referencesIn(first.text), ...referencesIn(second.text)];
    expect(referencesIn(first.text)).toHaveLength(25);
    expect(new Set(seen).size).toBe(30);
    expect(second.text).not.toContain('rel="next"');
  });

  it('shows the first page with a notice when the cursor is not valid', async () => {
    const res = await agent.get('/tickets?cursor=not-a-cursor');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Esa página ya no existe; se muestra la primera.');
    expect(referencesIn(res.text).length).toBeGreaterThan(0);
  });
});
