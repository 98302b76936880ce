/**
 * `aguavoz open311 key add|list|revoke` as a technician runs them (real processes, real SQLite
 * file): the key is printed once, stored hashed, works for filing and stops working once revoked.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hashApiToken } from '../../src/auth/api-token-auth';
import { createOpen311KeyService } from '../../src/open311/open311-keys';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

jest.setTimeout(60_000);

describe('aguavoz open311 key commands', () => {
  const db = tempSqlitePath('cli-open311');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SQLITE_PATH: db.path, LOG_LEVEL: 'warn' };
  const aguavoz = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    return { code: result.status, out: `${result.stdout}${result.stderr}` };
  };

  // Admin commands refuse to create a database (issue 10): the server's store exists first.
  beforeAll(async () => {
    const repo = createRepository({ sqlitePath: db.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    await repo.close();
  });

  afterAll(() => db.cleanup());

  it('prints a key once, stores only its hash, lists it without the key, and revoking refuses it', async () => {
    const added = aguavoz('open311', 'key', 'add', '--label', 'Municipalidad de Pangoa');
    expect(added.code).toBe(0);
    const key = /\n(o311_[A-Za-z0-9_-]{43})\n/.exec(added.out)?.[1];
    expect(key).toBeDefined();
    const id = /\(id ([0-9a-f-]{36})\)/.exec(added.out)?.[1]!;

    const listed = aguavoz('open311', 'key', 'list');
    expect(listed.out).toMatch(new RegExp(`${id}\\tMunicipalidad de Pangoa\\tcreated \\S+\\tlast used never\\tactive`));
    expect(listed.out).not.toContain(key!);

    const repo = createRepository({ sqlitePath: db.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    try {
      const keys = createOpen311KeyService({ repo, now: () => new Date().toISOString(), newId });
      expect((await repo.listOpen311Keys()).map((k) => k.keyHash)).toEqual([hashApiToken(key!)]);
      await expect(keys.authenticate(key)).resolves.toMatchObject({ id });
      expect(aguavoz('open311', 'key', 'revoke', id).out).toContain(`revoked ${id}`);
      await expect(keys.authenticate(key)).resolves.toBeNull();
      expect(aguavoz('open311', 'key', 'revoke', 'no-such-id')).toMatchObject({ code: 1, out: expect.stringContaining('no Open311 key with id "no-such-id"') });
    } finally {
      await repo.close();
    }
  });

  it('refuses an empty label', () => {
    const res = aguavoz('open311', 'key', 'add', '--label', ' ');
    expect(res.code).not.toBe(0);
    expect(res.out).toMatch(/--label must name who holds the key/);
  });
});
