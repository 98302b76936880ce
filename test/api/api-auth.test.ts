import request from 'supertest';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let operatorToken: string;

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-auth' });
  const locality = await h.addLocality();
  ({ token: operatorToken } = await h.addUserWithToken({ role: 'operator', localityIds: [locality.id] }));
});

afterAll(async () => {
  await h.close();
});

describe('REST API token auth', () => {
  it.each(['/api/v1/tickets', '/api/v1/localities', '/api/v1/users', '/api/v1/metrics/response-times', '/api/v1/tickets/x/timeline'])(
    'answers 401 unauthorized on %s without a token',
    async (path) => {
      const res = await request(h.app).get(path).expect(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    },
  );

  it('answers 401 for a token that was never issued', async () => {
    const forged = `av_${'A'.repeat(43)}`;
    const res = await request(h.app).get('/api/v1/tickets').set('Authorization', `Bearer ${forged}`).expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 401 for a revoked token on every endpoint, from the request right after the revocation', async () => {
    const locality = await h.addLocality();
    const { user, token } = await h.addUserWithToken({ role: 'operator', localityIds: [locality.id] });
    await request(h.app).get('/api/v1/tickets').set('Authorization', `Bearer ${token}`).expect(200);
    const [issued] = await h.tokenService.listTokens(user.id);
    await h.tokenService.revokeToken(issued!.id);
    for (const path of ['/api/v1/tickets', '/api/v1/localities', '/api/v1/users']) {
      const res = await request(h.app).get(path).set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    await request(h.app).get('/api/v1/tickets').set('Authorization', `Bearer ${operatorToken}`).expect(200);
  });

  it('answers 401 for a malformed authorization header', async () => {
    await request(h.app).get('/api/v1/tickets').set('Authorization', operatorToken).expect(401);
    await request(h.app).get('/api/v1/tickets').set('Authorization', 'Basic YWRtaW46YWRtaW4=').expect(401);
  });

  it('refuses a POST without a token before reading its body', async () => {
    const res = await request(h.app).post('/api/v1/tickets/x/notes').set('Content-Type', 'application/json').send('{not json').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await request(h.app).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('lets a valid token through', async () => {
    const res = await request(h.app).get('/api/v1/tickets').set('Authorization', `Bearer ${operatorToken}`).expect(200);
    expect(res.body).toEqual({ items: [], next_cursor: null });
  });

  it('answers an unknown API path with a JSON 404 for a signed-in caller', async () => {
    const res = await request(h.app).get('/api/v1/nothing-here').set('Authorization', `Bearer ${operatorToken}`).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
