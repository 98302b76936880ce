/**
 * `aguavoz committee …` and `aguavoz summary …` as a technician runs them: real processes on a
 * real SQLite file and the local Redis (own prefix). Bad input gets a clear error naming it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

describe('aguavoz committee and summary commands', () => {
  const db = tempSqlitePath('cli-committee');
  const prefix = uniquePrefix('cli-committee');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SQLITE_PATH: db.path, LOG_LEVEL: 'warn', REDIS_PREFIX: prefix, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
  const aguavoz = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    return { code: result.status, out: `${result.stdout}${result.stderr}` };
  };

  afterAll(async () => {
    db.cleanup();
    const redis = createTestRedis();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('adds a member, lists them, refuses a bad phone, previews and sends the summary', () => {
    expect(aguavoz('locality', 'add', '--slug', 'pangoa', '--name', 'Pangoa').code).toBe(0);
    const added = aguavoz('committee', 'add', '--locality', 'pangoa', '--name', 'Juana Mamani', '--phone', '+51 911 000 401');
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toMatch(/^added Juana Mamani \(.+\) to the pangoa committee; welcome SMS queued\n$/);
    expect(aguavoz('committee', 'list', '--locality', 'pangoa').out).toMatch(/\tJuana Mamani\t\+51911000401\tes\tsms\tactive\n/);
    const bad = aguavoz('committee', 'add', '--locality', 'pangoa', '--name', 'Ana Quispe', '--phone', '+51 12');
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('error: phone: +51 12 is not a valid phone number');

    const preview = aguavoz('summary', 'preview', '--locality', 'pangoa', '--language', 'qu');
    expect(preview.code).toBe(0);
    expect(preview.out).toMatch(/^AguaVoz Pangoa \d\d\/\d\d-\d\d\/\d\d: mana willakuy\..*RESUMEN \/transparencia\/pangoa\n-- \d{4}-W\d\d, 1 segment \(GSM-7, \d+ characters\)\n$/s);

    const sent = aguavoz('summary', 'send', '--locality', 'pangoa');
    expect(sent.out).toMatch(/: 1 SMS queued, 0 member\(s\) already reached or not retried\n  Juana Mamani\tqueued\tattempts 1\n$/);
    expect(aguavoz('summary', 'send', '--locality', 'pangoa').out).toMatch(/: 0 SMS queued, 1 member\(s\)/);
    expect(aguavoz('summary', 'settings', '--locality', 'pangoa', '--weekday', '5', '--hour', '25').out).toContain('error: --hour must be a whole number from 0 to 23');
  });

  it('names an unknown locality and refuses a future week (the other bad inputs are unit-tested)', () => {
    // A town of this test's own: the future week must be refused for an existing locality.
    expect(aguavoz('locality', 'add', '--slug', 'mazamari', '--name', 'Mazamari').code).toBe(0);
    expect(aguavoz('summary', 'preview', '--locality', 'nowhere').out).toContain('error: unknown locality "nowhere"');
    expect(aguavoz('summary', 'send', '--locality', 'mazamari', '--week', '2999-01-04').out).toContain('error: week 2999-01-04 has not ended yet');
  });
});
