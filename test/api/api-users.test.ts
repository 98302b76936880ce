import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let townA: Locality;
let townB: Locality;
let adminToken: string;
let supervisorToken: string;
let operatorToken: string;

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-users' });
  townA = await h.addLocality();
  townB = await h.addLocality();
  ({ token: adminToken } = await h.addUserWithToken({ role: 'admin', localityIds: [], username: 'root' }));
  ({ token: supervisorToken } = await h.addUserWithToken({ role: 'supervisor', localityIds: [townA.id], username: 'sup-a' }));
  ({ token: operatorToken } = await h.addUserWithToken({ role: 'operator', localityIds: [townA.id], username: 'op-a' }));
  await h.addUserWithToken({ role: 'operator', localityIds: [townB.id], username: 'op-b' });
});

afterAll(async () => {
  await h.close();
});

describe('GET /users', () => {
  // Its own store: the other tests add users, and the listing must not depend on which ran first.
  let l: ApiHarness;
  const tokens = { admin: '', supervisor: '', operator: '' };
  beforeAll(async () => {
    l = await createApiHarness({ label: 'api-users-list' });
    const [a, b] = [await l.addLocality(), await l.addLocality()];
    ({ token: tokens.admin } = await l.addUserWithToken({ role: 'admin', localityIds: [], username: 'root' }));
    ({ token: tokens.supervisor } = await l.addUserWithToken({ role: 'supervisor', localityIds: [a.id], username: 'sup-a' }));
    ({ token: tokens.operator } = await l.addUserWithToken({ role: 'operator', localityIds: [a.id], username: 'op-a' }));
    await l.addUserWithToken({ role: 'operator', localityIds: [b.id], username: 'op-b' });
  });
  afterAll(async () => {
    await l.close();
  });

  it('is forbidden to operators', async () => {
    const res = await request(l.app).get('/api/v1/users').set(as(tokens.operator)).expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('shows a supervisor only the staff of their localities, without password hashes', async () => {
    const res = await request(l.app).get('/api/v1/users').set(as(tokens.supervisor)).expect(200);
    expect(res.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['op-a', 'sup-a']);
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|\$argon|scrypt/i);
  });

  it('shows an admin everyone, filtered by role when asked', async () => {
    const all = await request(l.app).get('/api/v1/users').set(as(tokens.admin)).expect(200);
    expect(all.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['op-a', 'op-b', 'root', 'sup-a']);
    const operators = await request(l.app).get('/api/v1/users').query({ role: 'operator' }).set(as(tokens.admin)).expect(200);
    expect(operators.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['op-a', 'op-b']);
  });
});

describe('POST /users', () => {
  it('is forbidden to supervisors', async () => {
    await request(h.app)
      .post('/api/v1/users')
      .set(as(supervisorToken))
      .send({ username: 'nope', name: 'No', role: 'operator', locality_ids: [townA.id] })
      .expect(403);
    await expect(h.repo.findUserByUsername('nope')).resolves.toBeNull();
  });

  it('lets an admin create an operator by locality slug, returning a generated password once and a masked phone', async () => {
    const res = await request(h.app)
      .post('/api/v1/users')
      .set(as(adminToken))
      .send({ username: 'rosa', name: 'Rosa Quispe', role: 'operator', locality_ids: [townB.slug], phone: '+51 912 345 678' })
      .expect(201);
    expect(res.body.user).toMatchObject({ username: 'rosa', role: 'operator', locality_ids: [townB.id], masked_phone: '••••••••5678' });
    expect(res.body.password).toEqual(expect.any(String));
    expect(res.body.password.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(res.body)).not.toContain('912345678');
    await expect(h.userService.authenticate('rosa', res.body.password)).resolves.toMatchObject({ username: 'rosa' });
  });

  it('does not echo a password the admin chose', async () => {
    const res = await request(h.app)
      .post('/api/v1/users')
      .set(as(adminToken))
      .send({ username: 'luis', name: 'Luis', role: 'supervisor', locality_ids: [townA.id], password: 'a-long-chosen-secret' })
      .expect(201);
    expect(res.body).not.toHaveProperty('password');
  });

  it('answers 409 for a taken username and 400 for bad input', async () => {
    const taken = await request(h.app)
      .post('/api/v1/users')
      .set(as(adminToken))
      .send({ username: 'op-a', name: 'Dup', role: 'operator', locality_ids: [townA.id] })
      .expect(409);
    expect(taken.body.error.code).toBe('conflict');
    const noLocality = await request(h.app)
      .post('/api/v1/users')
      .set(as(adminToken))
      .send({ username: 'lonely', name: 'Lonely', role: 'operator', locality_ids: [] })
      .expect(400);
    expect(noLocality.body.error.code).toBe('invalid_request');
    const badRole = await request(h.app)
      .post('/api/v1/users')
      .set(as(adminToken))
      .send({ username: 'x1', name: 'X', role: 'mayor', locality_ids: [townA.id] })
      .expect(400);
    expect(badRole.body.error.details).toEqual([expect.objectContaining({ in: 'body', path: 'role' })]);
  });
});
