/**
 * The committee endpoints over real HTTP: supervisors of the locality and admins manage members
 * (phones validated, shown masked), an operator or a supervisor elsewhere is refused, and admins
 * see each member's delivery status of a week's summary.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let town: Locality;
let other: Locality;
let supervisor: string;
let operator: string;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-committees', now: '2025-07-14T13:00:00.000Z' });
  town = await h.addLocality();
  other = await h.addLocality();
  ({ token: supervisor } = await h.addUserWithToken({ role: 'supervisor', localityIds: [town.id] }));
  ({ token: operator } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id] }));
  ({ token: admin } = await h.addUserWithToken({ role: 'admin', localityIds: [] }));
});
afterAll(async () => {
  await h.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('committee API', () => {
  it('a supervisor adds a member (welcome SMS queued), lists, pauses, resumes and removes them', async () => {
    // A town of this test's own: the list must hold exactly the member added here, whatever ran before.
    const town = await h.addLocality();
    const { token: supervisor } = await h.addUserWithToken({ role: 'supervisor', localityIds: [town.id] });
    const created = await request(h.app)
      .post(`/api/v1/localities/${town.slug}/committee`)
      .set(auth(supervisor))
      .send({ name: 'Juana Mamani', phone: '+51 911 000 021', language: 'qu' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'Juana Mamani', masked_phone: '••••••••0021', language: 'qu', channel: 'sms', status: 'active' });
    expect(JSON.stringify(created.body)).not.toContain('911000021');
    const resident = await h.repo.findResidentByPhone('+51911000021');
    expect((await h.repo.listOutboxByResident(resident!.id, { limit: 5 })).map((r) => r.kind)).toEqual(['committee_welcome']);

    const list = await request(h.app).get(`/api/v1/localities/${town.id}/committee`).set(auth(supervisor)).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([created.body.id]);
    const paused = await request(h.app).post(`/api/v1/localities/${town.slug}/committee/${created.body.id}/pause`).set(auth(supervisor)).expect(200);
    expect(paused.body.status).toBe('paused');
    await request(h.app).post(`/api/v1/localities/${town.slug}/committee/${created.body.id}/resume`).set(auth(supervisor)).expect(200);
    await request(h.app).post(`/api/v1/localities/${town.slug}/committee/${created.body.id}/remove`).set(auth(supervisor)).expect(200);
    const after = await request(h.app).get(`/api/v1/localities/${town.slug}/committee`).set(auth(supervisor)).expect(200);
    expect(after.body.items).toEqual([]);
  });

  it('refuses an invalid phone with the reason, and a duplicate phone', async () => {
    const bad = await request(h.app).post(`/api/v1/localities/${town.slug}/committee`).set(auth(supervisor)).send({ name: 'Ana', phone: '+51 12' }).expect(400);
    expect(bad.body.error.message).toMatch(/not a valid phone number/);
    await request(h.app).post(`/api/v1/localities/${town.slug}/committee`).set(auth(admin)).send({ name: 'Ana Quispe', phone: '+51911000022' }).expect(201);
    const dup = await request(h.app).post(`/api/v1/localities/${town.slug}/committee`).set(auth(admin)).send({ name: 'Ana Q', phone: '+51911000022' }).expect(400);
    expect(dup.body.error.message).toMatch(/already a member/);
  });

  it('refuses operators, supervisors of another locality, and unknown localities', async () => {
    await request(h.app).get(`/api/v1/localities/${town.slug}/committee`).set(auth(operator)).expect(403);
    await request(h.app).get(`/api/v1/localities/${other.slug}/committee`).set(auth(supervisor)).expect(403);
    await request(h.app).get('/api/v1/localities/nowhere/committee').set(auth(admin)).expect(404);
  });

  it("shows each member's delivery status of a week's summary", async () => {
    const member = await h.committees.add(other.slug, { name: 'Rosa Huaman', phone: '+51911000023' });
    const week = h.summaries.resolveWeek(other);
    await h.summaries.send(other, week);
    const res = await request(h.app).get(`/api/v1/localities/${other.slug}/committee/summaries/${week.key}/deliveries`).set(auth(admin)).expect(200);
    expect(res.body).toEqual({ week: '2025-W28', items: [{ member_id: member.id, name: 'Rosa Huaman', status: 'queued', attempts: 1, error_code: null }] });
  });
});
