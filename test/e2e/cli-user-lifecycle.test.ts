/**
 * Changing and disabling accounts from the command line (issue 10), and the rough edges a
 * technician met in the first hour: errors that name the flag to fix, and list commands that say
 * which store they opened instead of creating an empty one. Real processes on a real SQLite file.
 */
import express from 'express';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApiTokenService, requireApiToken } from '../../src/auth/api-token-auth';
import { createConsoleAuth } from '../../src/auth/console-auth';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { createUserService } from '../../src/users/user-service';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

describe('aguavoz user update, disable and enable', () => {
  const db = tempSqlitePath('cli-user-lifecycle');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SQLITE_PATH: db.path, LOG_LEVEL: 'warn' };
  const aguavoz = (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    return { code: result.status, out: `${result.stdout}${result.stderr}` };
  };
  const logger = createLogger({ level: 'silent' });
  const now = () => new Date().toISOString();
  const redis = createTestRedis();
  const prefix = uniquePrefix('cli-user');
  let repo: Repository;
  let app: express.Express;

  beforeAll(async () => {
    expect(aguavoz(['locality', 'add', '--slug', 'pangoa', '--name', 'Pangoa', '--sector', 'Centro']).code).toBe(0);
    expect(aguavoz(['locality', 'add', '--slug', 'satipo', '--name', 'Satipo']).code).toBe(0);
    repo = createRepository({ sqlitePath: db.path, logger });
    await repo.init();
    const auth = createConsoleAuth({ repo, redis, keyPrefix: prefix, userService: createUserService({ repo, now, newId }), logger, now, secureCookies: false });
    app = express();
    app.use(auth.router);
    app.get('/tickets', auth.requireUser, (_req, res) => {
      res.send('queue');
    });
    app.get('/api/v1/me', requireApiToken({ tokenService: createApiTokenService({ repo, now, newId }), repo }), (_req, res) => {
      res.json({ ok: true });
    });
    // Every test works on this operator, whatever order they run in.
    expect(aguavoz(['user', 'add', '--username', 'rosa', '--name', 'Rosa Quispe', '--locality', 'pangoa', '--password', 'rosa-clave-1']).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
    await repo.close();
    db.cleanup();
  });

  it('names the --locality flag, not an internal field, when an operator has no locality', () => {
    const result = aguavoz(['user', 'add', '--username', 'sinpueblo', '--name', 'Sin Pueblo']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^error: --locality: operators and supervisors need at least one locality/m);
    expect(result.out).not.toContain('localityIds');
  });

  it("changes an operator's phone, localities, on-duty status and language, and lists them", async () => {

    const updated = aguavoz(['user', 'update', 'rosa', '--phone', '+51 987 654 321', '--locality', 'satipo', '--locality', 'pangoa', '--off-duty', '--language', 'qu']);

    expect(updated).toMatchObject({ code: 0 });
    expect(updated.out).toMatch(/updated rosa: localities: satipo, pangoa\tphone: yes\toff duty\tlanguage: qu/);
    expect(await repo.findUserByUsername('rosa')).toMatchObject({ phone: '+51987654321', onDuty: false, language: 'qu' });
    const listed = aguavoz(['user', 'list']);
    expect(listed.out.split('\n')[0]).toBe(`store: SQLite ${db.path}`);
    expect(listed.out).toMatch(/rosa\toperator\tRosa Quispe\tlocalities: satipo, pangoa\tphone: yes\toff duty\tlanguage: qu/);
    expect(aguavoz(['user', 'update', 'rosa', '--phone', 'none']).out).toMatch(/phone: no/);
    const bad = aguavoz(['user', 'update', 'rosa', '--phone', '12']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^error: --phone: is not a valid phone number/m);
    expect(aguavoz(['user', 'update', 'rosa', '--language', 'fr']).out).toMatch(/--language must be one of es, en, qu/);
    expect(aguavoz(['user', 'update', 'rosa']).out).toMatch(/nothing to change/);
  }, 120_000);

  it('disable ends the open console session, revokes the API tokens and refuses sign-in; enable lets the password work again', async () => {
    const browser = request.agent(app);
    await browser.post('/login').type('form').send({ username: 'rosa', password: 'rosa-clave-1' }).expect(303);
    await browser.get('/tickets').expect(200);
    const token = /\n(av_\S+)/.exec(aguavoz(['user', 'token', 'rosa']).out)?.[1];
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    const disabled = aguavoz(['user', 'disable', 'rosa']);

    expect(disabled).toMatchObject({ code: 0 });
    expect(disabled.out).toContain('disabled rosa: console sessions ended, 1 API token(s) revoked');
    await browser.get('/tickets').set('Accept', 'text/html').expect(303).expect('Location', '/login?next=%2Ftickets');
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    await request(app).post('/login').type('form').send({ username: 'rosa', password: 'rosa-clave-1' }).expect(401);
    expect(aguavoz(['user', 'list']).out).toMatch(/rosa\t.*\tDISABLED since \d{4}-/);
    expect(aguavoz(['user', 'disable', 'rosa']).out).toMatch(/rosa was already disabled/);

    expect(aguavoz(['user', 'enable', 'rosa']).out).toContain('enabled rosa');
    await request(app).post('/login').type('form').send({ username: 'rosa', password: 'rosa-clave-1' }).expect(303);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(aguavoz(['user', 'disable', 'nadie']).out).toMatch(/^error: no user named or with id "nadie"/m);
  }, 120_000);

  it('locality list names the store it opened, and refuses to create an empty one where the server has none', () => {
    const listed = aguavoz(['locality', 'list']);
    expect(listed.out.split('\n')[0]).toBe(`store: SQLite ${db.path}`);
    expect(listed.out).toMatch(/^pangoa\tPangoa/m);

    const elsewhere = join(db.path, '..', 'elsewhere', 'aguavoz.sqlite');
    const missing = aguavoz(['locality', 'list'], { SQLITE_PATH: elsewhere });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(`error: no AguaVoz database at ${elsewhere}`);
    expect(missing.out).toContain("server's SQLITE_PATH");
    expect(existsSync(elsewhere)).toBe(false);
    expect(existsSync(join(db.path, '..', 'elsewhere'))).toBe(false);
  }, 60_000);
});
