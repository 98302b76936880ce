/**
 * Issue 7 item 4: another process holds SQLite's write lock for longer than the old 5 s
 * `busy_timeout` (a backup, a `sqlite3` shell left in a transaction, a second AguaVoz process).
 * better-sqlite3 is synchronous, so the service used to block its event loop for the whole wait:
 * webhooks were answered after 5–20 s (past Twilio's 15 s timeout) and `/healthz` stalled. Now
 * intake spools after a short wait and health keeps answering; once the lock is released the
 * spooled messages are stored. Real processes: `aguavoz start` on a real SQLite file and the
 * local Redis, and a second node process holding `BEGIN IMMEDIATE` on the same file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Redis from 'ioredis';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';
import { newMessageSid, twilioForm } from '../support/inbound-app';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');
/** Longer than the old busy_timeout (5 s), so the old code could not hide behind it. */
const LOCK_HELD_MS = 8000;
/** Twilio waits 15 s; the issue asks for 1 s. The margin absorbs a loaded CI machine, not a 5 s block. */
const ANSWER_WITHIN_MS = 2500;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A second process that takes the write lock, says so, and keeps it for `holdMs`. */
function holdWriteLock(dbPath: string, holdMs: number): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 10000 });
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, dbPath, String(holdMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a locked SQLite database does not freeze the service', () => {
  const db = tempSqlitePath('locked');
  const prefix = uniquePrefix('locked');
  let server: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: db.path,
      SPOOL_DIR: join(db.path, '..', 'spool'),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    server = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 45_000;
    while (!output.includes('listening on')) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    db.cleanup();
  });

  it('answers webhooks and /healthz quickly while another process holds the write lock, and stores the messages after', async () => {
    const locker = await holdWriteLock(db.path, LOCK_HELD_MS);
    const lockReleased = new Promise((resolve) => locker.once('exit', resolve));
    const sids: string[] = [];
    const answers: Array<{ status: number; ms: number }> = [];
    const health: Array<{ status: number; ms: number }> = [];
    // Spread over the lock's lifetime, past the old 5 s busy timeout.
    const lockedAt = Date.now();
    for (const at of [300, 2500, 5500]) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockedAt + at - Date.now())));
      const sid = newMessageSid();
      sids.push(sid);
      const form = new URLSearchParams(twilioForm({ MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: `+5198770000${answers.length}` }));
      const [webhook, healthz] = await Promise.all([
        timed(() => fetch(`${url}/webhooks/twilio/messages`, { method: 'POST', body: form }).then((r) => r.status)),
        timed(() => fetch(`${url}/healthz`).then((r) => r.status)),
      ]);
      answers.push({ status: webhook.value, ms: webhook.ms });
      health.push({ status: healthz.value, ms: healthz.ms });
    }
    expect(locker.exitCode).toBeNull(); // the lock was still held for every request
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(health.map((h) => h.status)).toEqual([200, 200, 200]);
    for (const { ms } of [...answers, ...health]) expect(ms).toBeLessThan(ANSWER_WITHIN_MS);

    await lockReleased;
    const reader = new Database(db.path, { readonly: true, fileMustExist: true });
    try {
      const deadline = Date.now() + 30_000;
      let stored = 0;
      while (Date.now() < deadline) {
        const placeholders = sids.map(() => '?').join(',');
        stored = (reader.prepare(`SELECT COUNT(*) AS n FROM inbound_messages WHERE provider_sid IN (${placeholders})`).get(...sids) as { n: number }).n;
        if (stored === sids.length) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(stored).toBe(sids.length);
    } finally {
      reader.close();
    }
  }, 60_000);
});
