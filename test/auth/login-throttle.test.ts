/**
 * Issue 7.8: login throttling per IP across usernames (password spraying), a trusted proxy so
 * clients behind it are told apart, and a known device keeps a correct login working while an
 * attacker has locked the username out.
 */
import express from 'express';
import request from 'supertest';
import { createConsoleAuth } from '../../src/auth/console-auth';
import { trustProxySetting } from '../../src/config/config';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { createUserService } from '../../src/users/user-service';
import { aLocality } from '../support/domain-fixtures';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

const logger = createLogger({ level: 'silent' });
const now = () => new Date().toISOString();
const sqlite = tempSqlitePath('login-throttle');
const repo = createRepository({ sqlitePath: sqlite.path, logger });
const redis = createTestRedis();
const prefix = uniquePrefix('login-throttle');
const userService = createUserService({ repo, now, newId });
const PASSWORD = 'clave-del-reservorio';
const USERS = ['rosa', 'juan', 'lucia', 'pedro', 'ana', 'beto'];

function buildApp(options: { trustProxy?: string } = {}) {
  const auth = createConsoleAuth({
    repo,
    redis,
    keyPrefix: `${prefix}:${newId().slice(0, 8)}`,
    userService,
    logger,
    now,
    secureCookies: false,
    loginRateLimit: { limit: 3, windowMs: 60_000 },
    loginIpRateLimit: { limit: 4, windowMs: 60_000 },
  });
  const app = express();
  app.set('trust proxy', trustProxySetting(options.trustProxy ?? 'false'));
  app.use(auth.router);
  return app;
}

const login = (app: express.Express, username: string, password: string, headers: Record<string, string> = {}) =>
  request(app).post('/login').set(headers).type('form').send({ username, password });

function cookiesOf(res: request.Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
}

beforeAll(async () => {
  await repo.init();
  await repo.createLocality(aLocality({ id: 'loc-a', slug: 'loc-a', name: 'A', sectors: [], phoneNumbers: [], createdAt: now() }));
  for (const username of USERS) await userService.addUser({ username, name: username, role: 'operator', localityIds: ['loc-a'], password: PASSWORD });
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
  await repo.close();
  sqlite.cleanup();
});

describe('console login throttling', () => {
  it('stops password spraying: one IP trying one password on many usernames is limited across usernames', async () => {
    const app = buildApp();
    for (const username of USERS.slice(0, 4)) await login(app, username, 'Peru2026!').expect(401);

    const fifth = await login(app, USERS[4]!, 'Peru2026!');
    expect(fifth.status).toBe(429);
    // Even the right password of a fresh username waits: the IP is spraying.
    expect((await login(app, USERS[5]!, PASSWORD)).status).toBe(429);
  });

  it('behind a trusted proxy, tells clients apart by X-Forwarded-For', async () => {
    const app = buildApp({ trustProxy: 'loopback' });
    const attacker = { 'X-Forwarded-For': '203.0.113.7' };
    for (let i = 0; i < 3; i += 1) await login(app, 'rosa', `wrong-${i}`, attacker).expect(401);
    expect((await login(app, 'rosa', PASSWORD, attacker)).status).toBe(429);

    // The real user comes through the same proxy from another address.
    expect((await login(app, 'rosa', PASSWORD, { 'X-Forwarded-For': '198.51.100.20' })).status).toBe(303);
  });

  it('without a trusted proxy, X-Forwarded-For cannot be used to dodge the limit', async () => {
    const app = buildApp();
    for (let i = 0; i < 3; i += 1) await login(app, 'juan', `wrong-${i}`, { 'X-Forwarded-For': `203.0.113.${i}` }).expect(401);
    expect((await login(app, 'juan', PASSWORD, { 'X-Forwarded-For': '203.0.113.99' })).status).toBe(429);
  });

  it('lets the real user in from a device they logged in from before, while the username is locked for others', async () => {
    const app = buildApp();
    const first = await login(app, 'lucia', PASSWORD).expect(303);
    const device = cookiesOf(first).find((c) => c.startsWith('av_device='));
    expect(device).toBeDefined();

    for (let i = 0; i < 3; i += 1) await login(app, 'lucia', `wrong-${i}`).expect(401);
    expect((await login(app, 'lucia', PASSWORD)).status).toBe(429);

    expect((await login(app, 'lucia', PASSWORD, { Cookie: device! })).status).toBe(303);
  });

  it("does not let one user's device cookie through for another username", async () => {
    const app = buildApp();
    const device = cookiesOf(await login(app, 'pedro', PASSWORD).expect(303)).find((c) => c.startsWith('av_device='))!;
    for (let i = 0; i < 3; i += 1) await login(app, 'ana', `wrong-${i}`).expect(401);

    expect((await login(app, 'ana', PASSWORD, { Cookie: device })).status).toBe(429);
  });
});
