/**
 * The REST API side of issue 10: two operators acting on one ticket (If-Match / 409
 * ticket_changed with the current state, nothing lost), and admins changing and disabling
 * accounts. Real HTTP (supertest), SQLite, Redis.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Resident } from '../../src/domain/resident';
import type { UserSummary } from '../../src/users/user-service';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let town: Locality;
let rosaToken: string;
let juanToken: string;
let adminToken: string;
let admin: UserSummary;
let resident: Resident;

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-workday' });
  town = await h.addLocality({ phoneNumbers: ['+51940000078'] });
  ({ token: rosaToken } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id], username: 'rosa' }));
  ({ token: juanToken } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id], username: 'juan' }));
  ({ token: adminToken, user: admin } = await h.addUserWithToken({ role: 'admin', localityIds: [], username: 'jefa' }));
  resident = await h.addResident({ localityId: town.id });
});

afterAll(async () => {
  await h.close();
});

describe('two operators act on one ticket', () => {
  it('the second, acting on the version it read, gets 409 ticket_changed with the current ticket and what changed; nothing is stored', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    const read = await request(h.app).get(`/api/v1/tickets/${ticket.id}`).set(as(juanToken)).expect(200);
    const etag = read.headers.etag as string;
    expect(etag).toBe(`"${ticket.updatedAt}"`);

    h.setNow('2025-07-28T15:05:00.000Z'); // Rosa acts five minutes after Juan read the ticket.
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(as(rosaToken)).send({ action: 'resolve', note: 'Se cambió la válvula' }).expect(200);
    const before = { ticket: await h.repo.getTicket(ticket.id), timeline: await h.repo.listTimeline(ticket.id) };

    const res = await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/replies`)
      .set(as(juanToken))
      .set('If-Match', etag)
      .send({ text: 'Mañana va la cuadrilla' })
      .expect(409);

    expect(res.body.error.code).toBe('ticket_changed');
    expect(res.body.error.details.ticket).toMatchObject({ id: ticket.id, status: 'resolved' });
    expect(res.body.error.details.changes).toEqual([expect.objectContaining({ type: 'resolved', text: 'Se cambió la válvula' })]);
    expect({ ticket: await h.repo.getTicket(ticket.id), timeline: await h.repo.listTimeline(ticket.id) }).toEqual(before);

    const fresh = await request(h.app).get(`/api/v1/tickets/${ticket.id}`).set(as(juanToken)).expect(200);
    await request(h.app)
      .post(`/api/v1/tickets/${ticket.id}/replies`)
      .set(as(juanToken))
      .set('If-Match', fresh.headers.etag as string)
      .send({ text: 'Mañana va la cuadrilla' })
      .expect(201);
  });

  it('acts unconditionally without If-Match, as before', async () => {
    const ticket = await h.addTicket({ localityId: town.id, residentId: resident.id });
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/notes`).set(as(rosaToken)).send({ text: 'nota' }).expect(201);
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/notes`).set(as(juanToken)).send({ text: 'otra nota' }).expect(201);
    expect((await h.repo.listTimeline(ticket.id)).map((e) => e.text)).toEqual(['nota', 'otra nota']);
  });
});

describe('admins change and disable accounts', () => {
  it("PATCH /users/:id changes the phone, localities, on-duty status and language; operators may not", async () => {
    const other = await h.addLocality();
    const juan = await h.repo.findUserByUsername('juan');
    await request(h.app).patch(`/api/v1/users/${juan!.id}`).set(as(rosaToken)).send({ on_duty: false }).expect(403);

    const res = await request(h.app)
      .patch(`/api/v1/users/${juan!.id}`)
      .set(as(adminToken))
      .send({ phone: '+51987650001', locality_ids: [town.id, other.slug], on_duty: false, language: 'en' })
      .expect(200);

    expect(res.body).toMatchObject({ username: 'juan', on_duty: false, language: 'en', locality_ids: [town.id, other.id], disabled_at: null });
    expect(res.body.masked_phone).toMatch(/0001$/);
    expect(await h.repo.getUser(juan!.id)).toMatchObject({ phone: '+51987650001', onDuty: false, language: 'en' });
    const bad = await request(h.app).patch(`/api/v1/users/${juan!.id}`).set(as(adminToken)).send({ phone: '12' }).expect(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });

  it('POST /users/:id/disable revokes the API tokens at once; enable lets the account back in without them', async () => {
    const { user: temp, token } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id], username: 'temporal' });
    await request(h.app).get('/api/v1/tickets').set(as(token)).expect(200);

    const res = await request(h.app).post(`/api/v1/users/${temp.id}/disable`).set(as(adminToken)).expect(200);

    expect(res.body).toMatchObject({ user: { username: 'temporal', disabled_at: expect.any(String) }, tokens_revoked: 1 });
    await request(h.app).get('/api/v1/tickets').set(as(token)).expect(401);
    const enabled = await request(h.app).post(`/api/v1/users/${temp.id}/enable`).set(as(adminToken)).expect(200);
    expect(enabled.body.disabled_at).toBeNull();
    await request(h.app).get('/api/v1/tickets').set(as(token)).expect(401);
    await request(h.app).post(`/api/v1/users/${admin.id}/disable`).set(as(adminToken)).expect(400);
    await request(h.app).post('/api/v1/users/nobody/disable').set(as(adminToken)).expect(404);
  });
});
