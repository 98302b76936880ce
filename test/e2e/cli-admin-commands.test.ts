/**
 * The administration commands a town's technician runs: localities, accounts, API tokens, and
 * what a bad configuration looks like. Real processes on a real SQLite file.
 */
import express from 'express';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { createApiTokenService, requireApiToken } from '../../src/auth/api-token-auth';
import { createConsoleAuth } from '../../src/auth/console-auth';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { createUserService } from '../../src/users/user-service';
import { aLocality } from '../support/domain-fixtures';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { mongoEnvForProcess } from '../support/mongo';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

describe('aguavoz locality and user commands', () => {
  const db = tempSqlitePath('cli-admin');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SQLITE_PATH: db.path, LOG_LEVEL: 'warn', ...mongoEnvForProcess('cli-admin') };
  const aguavoz = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    return { code: result.status, out: `${result.stdout}${result.stderr}` };
  };

  // What the account and token tests start from, stored directly so that no test needs another
  // to have run first: a town and an operator of it.
  beforeAll(async () => {
    const repo = createRepository({ sqlitePath: db.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    await repo.createLocality(aLocality({ id: newId(), slug: 'villa-base', name: 'Villa Base', sectors: [], phoneNumbers: [] }));
    const base = await repo.findLocalityBySlug('villa-base');
    await createUserService({ repo, now: () => new Date().toISOString(), newId }).addUser({
      username: 'lucia',
      name: 'Lucía Mamani',
      role: 'operator',
      localityIds: [base!.id],
    });
    await repo.close();
  });
  afterAll(() => db.cleanup());

  it('adds a locality with its sectors and Twilio number, and lists it', () => {
    const added = aguavoz('locality', 'add', '--slug', 'pangoa', '--name', 'San Martin de Pangoa', '--sector', 'Centro', '--sector', 'Barrio Alto', '--number', '+51 64 000000');
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain('added pangoa');
    const listed = aguavoz('locality', 'list');
    expect(listed.out).toMatch(/pangoa\tSan Martin de Pangoa\tAmerica\/Lima\tnumbers: \+5164000000/);
  });

  it('refuses a malformed slug or number with a clear message and a non-zero exit', () => {
    const badSlug = aguavoz('locality', 'add', '--slug', 'San Martin', '--name', 'X town');
    expect(badSlug.code).not.toBe(0);
    expect(badSlug.out).toMatch(/slug: use lowercase letters/);
    const badNumber = aguavoz('locality', 'add', '--slug', 'otra', '--name', 'Otra', '--number', '12');
    expect(badNumber.code).not.toBe(0);
    expect(badNumber.out).toMatch(/12 is not a valid phone number/);
  });

  it('adds an operator bound to a locality, prints the password once, issues an API token and resets the password', () => {
    const added = aguavoz('user', 'add', '--username', 'rosa', '--name', 'Rosa Quispe', '--locality', 'villa-base', '--phone', '+51987654000');
    expect(added.code).toBe(0);
    const first = /password \(shown once\): (\S+)/.exec(added.out)?.[1];
    expect(first).toBeDefined();
    expect(aguavoz('user', 'list').out).toMatch(/rosa\toperator\tRosa Quispe\tlocalities: villa-base\tphone: yes/);
    expect(aguavoz('user', 'token', 'rosa').out).toMatch(/\nav_[A-Za-z0-9_-]{20,}/);
    const reset = aguavoz('user', 'reset-password', 'rosa');
    const second = /\(shown once\): (\S+)/.exec(reset.out)?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(aguavoz('user', 'add', '--username', 'ana', '--name', 'Ana', '--locality', 'nowhere').out).toMatch(/no locality with slug "nowhere"/);
  });

  it('lists API tokens without the token itself, revokes one by id, and says so when it was already revoked', () => {
    const issued = aguavoz('user', 'token', 'lucia', '--label', 'hoja de cálculo');
    const token = /\n(av_\S+)/.exec(issued.out)?.[1];
    const id = /token id: (\S+)/.exec(issued.out)?.[1];
    expect(token).toBeDefined();
    expect(id).toBeDefined();

    const listed = aguavoz('user', 'tokens', 'lucia');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${id}\thoja de cálculo\tcreated `);
    expect(listed.out).toMatch(new RegExp(`${id}\\thoja de cálculo\\tcreated \\S+\\tlast used never\\tactive\\n`));
    expect(listed.out).not.toContain('av_');

    const revoked = aguavoz('user', 'revoke-token', id!);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`revoked API token ${id} ("hoja de cálculo") of lucia`);
    expect(aguavoz('user', 'tokens', 'lucia').out).toMatch(new RegExp(`${id}\\t.*\\trevoked \\d{4}-\\S+Z\\n`));
    expect(aguavoz('user', 'revoke-token', id!).out).toMatch(/was already revoked at \d{4}-/);

    const unknown = aguavoz('user', 'revoke-token', 'no-such-token');
    expect(unknown.code).not.toBe(0);
    expect(unknown.out).toMatch(/^error: no API token with id "no-such-token"/);
    expect(aguavoz('user', 'tokens', 'nadie').out).toMatch(/no account "nadie"/);
  });

  describe('against a service running on the same store', () => {
    const logger = createLogger({ level: 'silent' });
    const now = () => new Date().toISOString();
    const redis = createTestRedis();
    const prefix = uniquePrefix('cli-admin');
    let repo: Repository;
    let app: express.Express;

    beforeAll(async () => {
      repo = createRepository({ sqlitePath: db.path, logger });
      await repo.init();
      const auth = createConsoleAuth({
        repo,
        redis,
        keyPrefix: prefix,
        userService: createUserService({ repo, now, newId }),
        logger,
        now,
        secureCookies: false,
      });
      app = express();
      app.use(auth.router);
      app.get('/tickets', auth.requireUser, (_req, res) => {
        res.send('queue');
      });
      app.get('/api/v1/me', requireApiToken({ tokenService: createApiTokenService({ repo, now, newId }), repo }), (_req, res) => {
        res.json({ ok: true });
      });
    });

    afterAll(async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
      await repo.close();
    });

    it('reset-password ends a console session that was open, and the printed password signs in again', async () => {
      const before = /\(shown once\): (\S+)/.exec(aguavoz('user', 'reset-password', 'lucia').out)?.[1];
      const browser = request.agent(app);
      await browser.post('/login').type('form').send({ username: 'lucia', password: before }).expect(303);
      await browser.get('/tickets').expect(200);

      const reset = aguavoz('user', 'reset-password', 'lucia');
      expect(reset.code).toBe(0);
      expect(reset.out).toContain('console sessions of lucia are ended');
      await browser.get('/tickets').set('Accept', 'text/html').expect(303).expect('Location', '/login?next=%2Ftickets');

      const after = /\(shown once\): (\S+)/.exec(reset.out)?.[1];
      await browser.post('/login').type('form').send({ username: 'lucia', password: after }).expect(303);
      await browser.get('/tickets').expect(200);
    });

    it('revoke-token makes the API refuse that token with 401 at its next request', async () => {
      const issued = aguavoz('user', 'token', 'lucia', '--label', 'script');
      const token = /\n(av_\S+)/.exec(issued.out)?.[1];
      const id = /token id: (\S+)/.exec(issued.out)?.[1];
      await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(aguavoz('user', 'revoke-token', id!).code).toBe(0);
      const refused = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(refused.body.error.code).toBe('unauthorized');
    });
  });

  it('a bad configuration stops with one message naming every offending variable', () => {
    const result = spawnSync(process.execPath, [BIN, 'locality', 'list'], {
      cwd: ROOT,
      env: { ...env, PORT: 'abc', REDIS_URL: 'http://x' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/Invalid configuration:[\s\S]*PORT[\s\S]*REDIS_URL/);
  });
});
