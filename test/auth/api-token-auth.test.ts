import express from 'express';
import request from 'supertest';
import { createApiTokenService, hashApiToken, requireApiToken } from '../../src/auth/api-token-auth';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { createUserService } from '../../src/users/user-service';
import { tempSqlitePath } from '../support/sqlite';

const logger = createLogger({ level: 'silent' });
let clock = Date.parse('2025-07-28T15:00:00Z');
const now = () => new Date(clock).toISOString();
const sqlite = tempSqlitePath('api-token');
const repo = createRepository({ sqlitePath: sqlite.path, logger });
const users = createUserService({ repo, now, newId });
const tokens = createApiTokenService({ repo, now, newId });

const app = express();
app.get('/api/v1/me', requireApiToken({ tokenService: tokens, repo }), (_req, res) => {
  res.json({ user: res.locals.user });
});

let userId: string;

beforeAll(async () => {
  await repo.init();
  const { user } = await users.addUser({ username: 'script', name: 'Reporting', role: 'admin', localityIds: [] });
  userId = user.id;
});

afterAll(async () => {
  await repo.close();
  sqlite.cleanup();
});

describe('API tokens', () => {
  it('issues an av_ token shown once and stores only its SHA-256', async () => {
    const { token, record } = await tokens.issueToken(userId, 'weekly report');
    expect(token).toMatch(/^av_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ userId, label: 'weekly report', lastUsedAt: null, tokenHash: hashApiToken(token) });
    expect(JSON.stringify(record)).not.toContain(token);
    await expect(repo.findApiTokenByHash(hashApiToken(token))).resolves.toMatchObject({ id: record.id });
  });

  it('lets a request with a valid bearer token through as its user and records when it was used', async () => {
    const { token, record } = await tokens.issueToken(userId, 'console script');
    const res = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.user).toEqual({ id: userId, username: 'script', name: 'Reporting', role: 'admin', localityIds: [], phone: null });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    await expect(repo.findApiTokenByHash(record.tokenHash)).resolves.toMatchObject({ lastUsedAt: now() });
  });

  it('answers 401 with a JSON error code for a missing token', async () => {
    const res = await request(app).get('/api/v1/me').expect(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('answers 401 for an unknown, altered or malformed token', async () => {
    const { token } = await tokens.issueToken(userId, 'x');
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const value of [`Bearer av_${'A'.repeat(43)}`, `Bearer ${altered}`, 'Bearer nonsense', `Basic ${token}`]) {
      const res = await request(app).get('/api/v1/me').set('Authorization', value);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('refuses to issue a token for a user that does not exist', async () => {
    await expect(tokens.issueToken('no-such-user', 'x')).rejects.toMatchObject({ code: 'user_not_found' });
  });

  it('refuses a revoked token with 401 from the next request on, while the same user\'s other tokens keep working', async () => {
    const { token, record } = await tokens.issueToken(userId, 'old laptop');
    const { token: other } = await tokens.issueToken(userId, 'new laptop');
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    await expect(tokens.revokeToken(record.id)).resolves.toEqual({
      record: { ...record, lastUsedAt: expect.any(String), revokedAt: now() },
      alreadyRevoked: false,
    });

    const refused = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body).toEqual({ error: { code: 'unauthorized', message: 'the API token is not valid' } });
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${other}`).expect(200);
  });

  it('revoking twice keeps the first revocation time and says it was already revoked; an unknown id has its own code', async () => {
    const { record } = await tokens.issueToken(userId, 'twice');
    const first = await tokens.revokeToken(record.id);
    clock += 5_000;
    await expect(tokens.revokeToken(record.id)).resolves.toEqual({ record: first.record, alreadyRevoked: true });
    await expect(tokens.revokeToken('no-such-token')).rejects.toMatchObject({ code: 'api_token_not_found' });
  });

  it("lists a user's tokens oldest first with revoked ones marked, and never a usable token", async () => {
    const { user } = await users.addUser({ username: 'lister', name: 'Lister', role: 'admin', localityIds: [] });
    const first = await tokens.issueToken(user.id, 'first');
    clock += 1_000;
    const second = await tokens.issueToken(user.id, 'second');
    await tokens.revokeToken(first.record.id);

    const listed = await tokens.listTokens(user.id);
    expect(listed.map((t) => [t.label, t.revokedAt])).toEqual([
      ['first', now()],
      ['second', null],
    ]);
    expect(JSON.stringify(listed)).not.toContain(first.token);
    expect(JSON.stringify(listed)).not.toContain(second.token);
  });

  it('does not rewrite lastUsedAt on every request within a minute', async () => {
    const { token, record } = await tokens.issueToken(userId, 'busy');
    await tokens.authenticate(token);
    const firstUse = now();
    clock += 30_000;
    await tokens.authenticate(token);
    await expect(repo.findApiTokenByHash(record.tokenHash)).resolves.toMatchObject({ lastUsedAt: firstUse });
    clock += 60_000;
    await tokens.authenticate(token);
    await expect(repo.findApiTokenByHash(record.tokenHash)).resolves.toMatchObject({ lastUsedAt: now() });
  });
});
