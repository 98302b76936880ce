/**
 * What a newcomer does after cloning: `aguavoz start` on the embedded default (SQLite, local
 * Redis, no Twilio account), then `aguavoz chat` to report each of the five kinds of problem and
 * ask for the status of one. Real processes, real HTTP, real Redis, a real SQLite file.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Category } from '../../src/domain/ticket';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { mongoEnvForProcess } from '../support/mongo';
import { startService, type ServiceProcess } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'aguavoz.js');

function run(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`exit ${code}: ${output}`))));
    child.stdin.end(input);
  });
}

describe('a newcomer starts the embedded default and reports by `aguavoz chat`', () => {
  const db = tempSqlitePath('e2e');
  const prefix = uniquePrefix('e2e');
  let server: ServiceProcess;
  let env: NodeJS.ProcessEnv;
  let url: string;

  beforeAll(async () => {
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SQLITE_PATH: db.path,
      SPOOL_DIR: join(db.path, '..', 'spool'),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ALERT_DIGEST_SECONDS: '1',
      ...mongoEnvForProcess('e2e-chat'),
    };
    server = await startService(env as Record<string, string>);
    url = server.url;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    const redis = new Redis(TEST_REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
    db.cleanup();
  });

  it('prints the seeded demo locality and the admin password once', () => {
    expect(server.output()).toMatch(/Seeded the demo locality/);
    expect(server.output()).toMatch(/Log in as "admin" with password: \S{8,}/);
  });

  const reports: Array<{ kind: string; category: Category; from: string; lines: string[] }> = [
    { kind: 'outage', category: 'outage', from: '+51987100001', lines: ['no hay agua desde ayer', '1', '2', '4'] },
    { kind: 'billing', category: 'billing', from: '+51987100002', lines: ['mi recibo vino muy caro', '0', '1', '0', '4'] },
    { kind: 'water quality', category: 'quality', from: '+51987100003', lines: ['el agua sale turbia', '1', '2', '1', '4'] },
    { kind: 'leak', category: 'leak', from: '+51987100004', lines: ['hay una fuga en la calle', 'frente al mercado', '1', '4'] },
    { kind: 'sewage', category: 'sewage', from: '+51987100005', lines: ['el desague se rebalsa', '1', '1', 'jiron lima 123, frente a la plaza', '2', '4'] },
  ];

  it.each(reports)('a resident reports a $kind problem and gets a 7-digit reference to a ticket of that kind', async ({ from, category, lines }) => {
    const transcript = await run(['chat', '--url', url, '--from', from, '--wait', '4000'], env, `${lines.join('\n')}\n`);
    const reference = /codigo (\d{9})/.exec(transcript)?.[1];
    if (!reference) {
      // Report the whole conversation: it shows which question the flow was at.
      throw new Error(`no reference in the conversation:\n${transcript}`);
    }
    const status = await run(['chat', '--url', url, '--from', from, '--wait', '4000'], env, `ESTADO ${reference}\n`);
    expect(status).toContain(`Su reclamo ${reference}`);

    // The store the service writes (SQLite in WAL mode takes a second reader).
    const repo = createRepository({ sqlitePath: db.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    try {
      expect(await repo.findTicketByReference(reference)).toMatchObject({ reference, category, status: 'open' });
    } finally {
      await repo.close();
    }
  }, 60_000);

  it('answers /healthz and /readyz while running', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok', redis: 'ok' } });
  });

  it('the CLI validates the flows', async () => {
    const output = await run(['flows', 'check'], env, '');
    expect(output).toMatch(/^ok: \d+ flows/m);
  });

  it('SIGTERM stops the process gracefully with exit code 0', async () => {
    // A second instance on the same store and Redis (as in a scale-out), so the main server stays
    // up for the other tests whatever their order.
    const second = await startService(env as Record<string, string>);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.stop()).toBe(0);
    expect(second.output()).not.toMatch(/shutdown took too long/);
  }, 60_000);
});
