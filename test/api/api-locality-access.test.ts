/**
 * Decision under test: listing silently filters to the caller's localities; fetching, reading
 * the timeline of, or acting on another locality's ticket answers 404 (as if it did not exist),
 * so an operator learns nothing about another town's complaints.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Ticket } from '../../src/domain/ticket';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let townA: Locality;
let townB: Locality;
let tokenA: string;
let adminToken: string;
const ticketsA: Ticket[] = [];
const ticketsB: Ticket[] = [];
const PHONE_A = '+51987650001';

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-access' });
  townA = await h.addLocality({ name: 'Villa Rica' });
  townB = await h.addLocality({ name: 'Oxapampa' });
  ({ token: tokenA } = await h.addUserWithToken({ role: 'operator', localityIds: [townA.id] }));
  ({ token: adminToken } = await h.addUserWithToken({ role: 'admin', localityIds: [] }));
  const residentA = await h.addResident({ localityId: townA.id, phone: PHONE_A, overrides: { gender: 'woman' } });
  ticketsA.push(
    await h.addTicket({ localityId: townA.id, residentId: residentA.id, overrides: { reporterGender: 'woman', createdAt: '2025-07-28T10:00:00.000Z' } }),
    await h.addTicket({ localityId: townA.id, overrides: { createdAt: '2025-07-28T11:00:00.000Z' } }),
  );
  ticketsB.push(
    await h.addTicket({ localityId: townB.id, overrides: { createdAt: '2025-07-28T12:00:00.000Z' } }),
    await h.addTicket({ localityId: townB.id, overrides: { createdAt: '2025-07-28T13:00:00.000Z' } }),
  );
});

afterAll(async () => {
  await h.close();
});

describe('an operator of locality A and the tickets of locality B', () => {
  it('lists only locality A tickets', async () => {
    const res = await request(h.app).get('/api/v1/tickets').set(as(tokenA)).expect(200);
    expect(res.body.items.map((t: { id: string }) => t.id).sort()).toEqual(ticketsA.map((t) => t.id).sort());
  });

  it('gets an empty list, not an error, when filtering by locality B', async () => {
    for (const locality of [townB.id, townB.slug]) {
      const res = await request(h.app).get('/api/v1/tickets').query({ locality }).set(as(tokenA)).expect(200);
      expect(res.body).toEqual({ items: [], next_cursor: null });
    }
  });

  it('gets 404 fetching a locality B ticket, by id or by reference, and its timeline', async () => {
    const target = ticketsB[0]!;
    for (const path of [`/api/v1/tickets/${target.id}`, `/api/v1/tickets/${target.reference}`, `/api/v1/tickets/${target.id}/timeline`]) {
      const res = await request(h.app).get(path).set(as(tokenA)).expect(404);
      expect(res.body.error.code).toBe('not_found');
      expect(JSON.stringify(res.body)).not.toContain(townB.id);
    }
  });

  it('gets 404 transitioning, replying to or annotating a locality B ticket, and nothing changes', async () => {
    const target = ticketsB[1]!;
    await request(h.app).post(`/api/v1/tickets/${target.id}/transitions`).set(as(tokenA)).send({ action: 'acknowledge' }).expect(404);
    await request(h.app).post(`/api/v1/tickets/${target.id}/replies`).set(as(tokenA)).send({ text: 'Hola' }).expect(404);
    await request(h.app).post(`/api/v1/tickets/${target.id}/notes`).set(as(tokenA)).send({ text: 'nota' }).expect(404);
    await expect(h.repo.getTicket(target.id)).resolves.toEqual(target);
    await expect(h.repo.listTimeline(target.id)).resolves.toEqual([]);
    await expect(h.repo.listOutboxByResident(target.residentId, { limit: 10 })).resolves.toEqual([]);
  });

  it('gets 404 for an id that does not exist at all, the same answer as for locality B', async () => {
    const res = await request(h.app).get('/api/v1/tickets/00000000-0000-4000-8000-000000000000').set(as(tokenA)).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('sees only locality A under /localities, while an admin sees both', async () => {
    const mine = await request(h.app).get('/api/v1/localities').set(as(tokenA)).expect(200);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([townA.id]);
    const all = await request(h.app).get('/api/v1/localities').set(as(adminToken)).expect(200);
    expect(all.body.items.map((l: { id: string }) => l.id).sort()).toEqual([townA.id, townB.id].sort());
  });

  it('an admin lists and fetches tickets of every locality', async () => {
    const res = await request(h.app).get('/api/v1/tickets').set(as(adminToken)).expect(200);
    expect(res.body.items).toHaveLength(4);
    await request(h.app).get(`/api/v1/tickets/${ticketsB[0]!.id}`).set(as(adminToken)).expect(200);
  });
});

describe('a ticket as JSON', () => {
  it('carries the masked phone but never the resident phone number or gender', async () => {
    const res = await request(h.app).get(`/api/v1/tickets/${ticketsA[0]!.id}`).set(as(tokenA)).expect(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(PHONE_A);
    expect(text).not.toContain('987650001');
    expect(text).not.toMatch(/gender/i);
    expect(text).not.toContain('woman');
    expect(res.body.resident.masked_phone).toMatch(/0001$/);
    expect(res.body).toMatchObject({
      id: ticketsA[0]!.id,
      reference: ticketsA[0]!.reference,
      locality_id: townA.id,
      locality_name: 'Villa Rica',
      status: 'open',
      allowed_actions: expect.arrayContaining(['acknowledge', 'resolve']),
    });
  });

  it('is found by its 7-digit reference too', async () => {
    const res = await request(h.app).get(`/api/v1/tickets/${ticketsA[1]!.reference}`).set(as(tokenA)).expect(200);
    expect(res.body.id).toBe(ticketsA[1]!.id);
  });
});
