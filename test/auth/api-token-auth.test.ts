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
