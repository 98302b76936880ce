import express from 'express';
import request from 'supertest';
import { createConsoleAuth, type ConsoleAuthDeps } from '../../src/auth/console-auth';
import type { AuthenticatedUser } from '../../src/auth/auth-types';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { createUserService } from '../../src/users/user-service';
import { aLocality } from '../support/domain-fixtures';
import { createTestRedis, deletePrefix, keysMatching, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

const logger = createLogger({ level: 'silent' });
const now = () => new Date().toISOString();
const sqlite = tempSqlitePath('console-auth');
const repo = createRepository({ sqlitePath: sqlite.path, logger });
const redis = createTestRedis();
const prefix = uniquePrefix('console-auth');
const userService = createUserService({ repo, now, newId });
const PASSWORD = 'clave-del-reservorio';

function buildApp(overrides: Partial<ConsoleAuthDeps> = {}) {
  const keyPrefix = `${prefix}:${newId().slice(0, 8)}`;
  const auth = createConsoleAuth({
    repo,
    redis,
    keyPrefix,
    userService,
    logger,
    now,
    secureCookies: false,
    ...overrides,
  });
  const app = express();
  app.use(auth.router);
  app.get('/tickets', auth.requireUser, (req, res) => {
    const user = res.locals.user as AuthenticatedUser;
    res.send(`<p id="who">${user.username} ${user.role} ${user.localityIds.join(',')}</p>
<form method="post" action="/tickets/t1/close"><input type="hidden" name="_csrf" value="${auth.csrfTokenFor(req)}"></form>`);
  });
  app.post('/tickets/t1/close', auth.requireUser, auth.verifyCsrf, (_req, res) => {
    res.send('closed');
  });
  return { app, auth, keyPrefix };
}

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('av_session='));
}

function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token in page');
  return match[1];
}

async function loggedInAgent(app: express.Express, username = 'rosa') {
  const agent = request.agent(app);
  await agent.post('/login').type('form').send({ username, password: PASSWORD }).expect(303);
  const page = await agent.get('/tickets').expect(200);
  return { agent, csrf: csrfFrom(page.text) };
}

beforeAll(async () => {
  await repo.init();
  await repo.createLocality(aLocality({ id: 'loc-a', slug: 'loc-a', name: 'A', sectors: [], phoneNumbers: [], createdAt: now() }));
  await userService.addUser({ username: 'rosa', name: 'Rosa', role: 'operator', localityIds: ['loc-a'], password: PASSWORD });
  await userService.addUser({ username: 'juan', name: 'Juan', role: 'operator', localityIds: ['loc-a'], password: PASSWORD });
  for (const username of ['lucia', 'pedro', 'ana']) {
    await userService.addUser({ username, name: username, role: 'operator', localityIds: ['loc-a'], password: PASSWORD });
  }
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
  await repo.close();
  sqlite.cleanup();
});

describe('console login', () => {
  it('shows a login form without JavaScript', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/login').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<form method="post" action="/login">');
    expect(res.text).not.toContain('<script');
  });

  it('on success sets an httpOnly, SameSite=Lax session cookie and redirects to the page asked for', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/login').type('form').send({ username: 'rosa', password: PASSWORD, next: '/tickets' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/tickets');
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/^av_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);

    const page = await request(app).get('/tickets').set('Cookie', cookie!.split(';')[0]!).expect(200);
    expect(page.text).toContain('rosa operator loc-a');
  });

  it('marks the cookie Secure when the console is served over HTTPS', async () => {
    const { app } = buildApp({ secureCookies: true });
    const res = await request(app).post('/login').type('form').send({ username: 'rosa', password: PASSWORD });
    expect(sessionCookie(res)).toMatch(/; Secure/i);
  });

  it('with a wrong password answers 401 and creates no session', async () => {
    const { app, keyPrefix } = buildApp();
    const res = await request(app).post('/login').type('form').send({ username: 'rosa', password: 'not-it' });
    expect(res.status).toBe(401);
    expect(sessionCookie(res)).toBeUndefined();
    expect(await keysMatching(redis, `${keyPrefix}:session:*`)).toEqual([]);
  });

  it('never redirects to another site after login', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/login').type('form').send({ username: 'rosa', password: PASSWORD, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });

  it('refuses a login form posted from another site', async () => {
    const { app } = buildApp();
    const res = await request(app)
      .post('/login')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ username: 'rosa', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('after N failed tries for one username answers 429, even to the right password, but not for another username', async () => {
    const { app } = buildApp({ loginRateLimit: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) {
      await request(app).post('/login').type('form').send({ username: 'rosa', password: `wrong-${i}` }).expect(401);
    }
    const blocked = await request(app).post('/login').type('form').send({ username: 'rosa', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(sessionCookie(blocked)).toBeUndefined();
    await request(app).post('/login').type('form').send({ username: 'juan', password: PASSWORD }).expect(303);
  });

  it('does not count successful logins towards the limit', async () => {
    const { app } = buildApp({ loginRateLimit: { limit: 2, windowMs: 60_000 } });
    for (let i = 0; i < 4; i += 1) {
      await request(app).post('/login').type('form').send({ username: 'juan', password: PASSWORD }).expect(303);
    }
  });
});

describe('console session', () => {
  it('sends a visitor without a session to the login page, remembering where they were going', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/tickets').set('Accept', 'text/html').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Ftickets');
  });

  it('treats a forged or unknown session cookie as no session', async () => {
    const { app } = buildApp();
    const forged = `av_session=${Buffer.alloc(32, 7).toString('base64url')}`;
    const res = await request(app).get('/tickets').set('Cookie', forged).set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    await request(app).get('/tickets').set('Cookie', 'av_session=../../etc').expect(303);
  });

  it("applies a role or locality change at the user's next request", async () => {
    const { app } = buildApp();
    const { agent } = await loggedInAgent(app, 'juan');
    await userService.updateUser('juan', { role: 'supervisor' });
    const page = await agent.get('/tickets').expect(200);
    expect(page.text).toContain('juan supervisor loc-a');
  });

  it('ends the session on logout, so the old cookie no longer works', async () => {
    const { app } = buildApp();
    const { agent, csrf } = await loggedInAgent(app);
    const login = await agent.get('/tickets');
    expect(login.status).toBe(200);
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/tickets').set('Accept', 'text/html').expect(303);
  });
});

describe('password reset', () => {
  async function sessionKeys(keyPrefix: string): Promise<string[]> {
    return keysMatching(redis, `${keyPrefix}:session:*`);
  }

  it("ends every open console session of that user at their next request, and not other users' sessions", async () => {
    const { app, keyPrefix } = buildApp();
    const laptop = await loggedInAgent(app, 'lucia');
    const phone = await loggedInAgent(app, 'lucia');
    const colleague = await loggedInAgent(app, 'rosa');

    const { password } = await userService.resetPassword('lucia', { password: 'nueva-clave-del-tanque' });

    await laptop.agent.get('/tickets').set('Accept', 'text/html').expect(303).expect('Location', '/login?next=%2Ftickets');
    await phone.agent.get('/tickets').set('Accept', 'application/json').expect(401);
    await laptop.agent.post('/tickets/t1/close').type('form').send({ _csrf: laptop.csrf }).expect(303);
    await colleague.agent.get('/tickets').expect(200);
    expect(await sessionKeys(keyPrefix)).toHaveLength(1);

    const again = request.agent(app);
    await again.post('/login').type('form').send({ username: 'lucia', password: PASSWORD }).expect(401);
    await again.post('/login').type('form').send({ username: 'lucia', password }).expect(303);
    const page = await again.get('/tickets').expect(200);
    expect(page.text).toContain('lucia operator');
  });

  it('refuses a session opened with the old password while the reset was being written', async () => {
    const { app } = buildApp({
      userService: {
        ...userService,
        async signIn(username, password) {
          const signedIn = await userService.signIn(username, password);
          await userService.resetPassword(username, { password: 'otra-clave-del-tanque' });
          return signedIn;
        },
      },
    });
    const agent = request.agent(app);
    await agent.post('/login').type('form').send({ username: 'pedro', password: PASSWORD }).expect(303);
    await agent.get('/tickets').set('Accept', 'application/json').expect(401);
  });

  it('keeps sessions created before sessions carried a version, until the next reset', async () => {
    const { app, keyPrefix } = buildApp();
    const { agent } = await loggedInAgent(app, 'ana');
    const [key] = await sessionKeys(keyPrefix);
    const { sessionVersion: _dropped, ...legacy } = JSON.parse((await redis.get(key!))!) as Record<string, unknown>;
    await redis.set(key!, JSON.stringify(legacy), 'EX', 600);

    await agent.get('/tickets').expect(200);
    await userService.resetPassword('ana');
    await agent.get('/tickets').set('Accept', 'application/json').expect(401);
  });
});

describe('CSRF', () => {
  it('refuses a form POST without the token with 403 and does not run the action', async () => {
    const { app } = buildApp();
    const { agent } = await loggedInAgent(app);
    const res = await agent.post('/tickets/t1/close').type('form').send({});
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('closed');
  });

  it('refuses a form POST with a wrong token with 403', async () => {
    const { app } = buildApp();
    const { agent, csrf } = await loggedInAgent(app);
    const wrong = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
    await agent.post('/tickets/t1/close').type('form').send({ _csrf: wrong }).expect(403);
  });

  it("refuses another session's token", async () => {
    const { app } = buildApp();
    const rosa = await loggedInAgent(app, 'rosa');
    const juan = await loggedInAgent(app, 'juan');
    await juan.agent.post('/tickets/t1/close').type('form').send({ _csrf: rosa.csrf }).expect(403);
  });

  it("accepts the session's own token from the form or the X-CSRF-Token header", async () => {
    const { app } = buildApp();
    const { agent, csrf } = await loggedInAgent(app);
    const res = await agent.post('/tickets/t1/close').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.text).toBe('closed');
    await agent.post('/tickets/t1/close').set('X-CSRF-Token', csrf).expect(200);
  });
});
