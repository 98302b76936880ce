import express from 'express';
import request from 'supertest';
import { canAccessLocality, requireRole, visibleLocalityIds } from '../../src/auth/access-policy';
import type { AuthenticatedUser } from '../../src/auth/auth-types';

const operatorOfA: AuthenticatedUser = {
  id: 'u-1',
  username: 'rosa',
  name: 'Rosa',
  role: 'operator',
  localityIds: ['loc-a'],
  phone: null,
};
const admin: AuthenticatedUser = { ...operatorOfA, id: 'u-2', username: 'admin', role: 'admin', localityIds: [] };

describe('access policy', () => {
  it('lets an operator into their own locality only', () => {
    expect(canAccessLocality(operatorOfA, 'loc-a')).toBe(true);
    expect(canAccessLocality(operatorOfA, 'loc-b')).toBe(false);
  });

  it('lets an admin into every locality even without any listed', () => {
    expect(canAccessLocality(admin, 'loc-b')).toBe(true);
    expect(visibleLocalityIds(admin, ['loc-a', 'loc-b'])).toEqual(['loc-a', 'loc-b']);
  });

  it("lists only the localities an operator is bound to that still exist", () => {
    expect(visibleLocalityIds({ ...operatorOfA, localityIds: ['loc-b', 'loc-gone'] }, ['loc-a', 'loc-b'])).toEqual(['loc-b']);
  });

  describe('requireRole', () => {
    function appAs(user: AuthenticatedUser | null) {
      const app = express();
      app.use((_req, res, next) => {
        if (user) res.locals.user = user;
        next();
      });
      app.get('/api/v1/users', requireRole('supervisor'), (_req, res) => res.json({ ok: true }));
      app.get('/users', requireRole('supervisor'), (_req, res) => res.send('ok'));
      return app;
    }

    it('answers an operator on a supervisor route with 403 JSON on the API', async () => {
      const res = await request(appAs(operatorOfA)).get('/api/v1/users');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    });

    it('answers an operator on a supervisor page with a 403 HTML page', async () => {
      const res = await request(appAs(operatorOfA)).get('/users').set('Accept', 'text/html');
      expect(res.status).toBe(403);
      expect(res.type).toBe('text/html');
    });

    it('lets a supervisor and an admin through', async () => {
      await request(appAs({ ...operatorOfA, role: 'supervisor' })).get('/api/v1/users').expect(200);
      await request(appAs(admin)).get('/api/v1/users').expect(200);
    });

    it('answers 401 when no user was authenticated before it', async () => {
      await request(appAs(null)).get('/api/v1/users').expect(401);
    });
  });
});
