/**
 * The administration commands a town's technician runs: localities, accounts, API tokens, and
 * what a bad configuration looks like. Real processes on a real SQLite file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

describe('aguavoz locality and user commands', () => {
  const db = tempSqlitePath('cli-admin');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SQLITE_PATH: db.path, LOG_LEVEL: 'warn' };
  const aguavoz = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    return { code: result.status, out: `${result.stdout}${result.stderr}` };
  };

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
    const added = aguavoz('user', 'add', '--username', 'rosa', '--name', 'Rosa Quispe', '--locality', 'pangoa', '--phone', '+51987654000');
    expect(added.code).toBe(0);
    const first = /password \(shown once\): (\S+)/.exec(added.out)?.[1];
    expect(first).toBeDefined();
    expect(aguavoz('user', 'list').out).toMatch(/rosa\toperator\tRosa Quispe\tlocalities: pangoa\tphone: yes/);
    expect(aguavoz('user', 'token', 'rosa').out).toMatch(/\nav_[A-Za-z0-9_-]{20,}/);
    const reset = aguavoz('user', 'reset-password', 'rosa');
    const second = /\(shown once\): (\S+)/.exec(reset.out)?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(aguavoz('user', 'add', '--username', 'ana', '--name', 'Ana', '--locality', 'nowhere').out).toMatch(/no locality with slug "nowhere"/);
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
