/**
 * Issue 7, "also prove": SIGTERM while webhooks are arriving. The process stops taking new
 * connections, finishes what is in flight and exits 0; every webhook it answered 200 is in the
 * store (nothing lost), and a second start processes whatever the first left unprocessed.
 */
import { join } from 'node:path';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { newMessageSid, twilioForm } from '../support/inbound-app';
import { startOwnRedis, startService, waitUntil, type OwnRedis } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const BURST = 40;

describe('SIGTERM under load', () => {
  const sqlite = tempSqlitePath('fault-sigterm');
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    sqlite.cleanup();
  });

  it('exits 0 and keeps every message it answered 200', async () => {
    const env = {
      SQLITE_PATH: sqlite.path,
      SPOOL_DIR: join(sqlite.path, '..', 'spool'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'faults-sigterm',
      ADMIN_PASSWORD: 'fault-test-password',
    };
    const service = await startService(env);
    const accepted: string[] = [];
    const post = async (i: number) => {
      const sid = newMessageSid();
      const form = twilioForm({ MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: `+5198780${String(i).padStart(4, '0')}`, Body: 'no hay agua' });
      try {
        const response = await fetch(`${service.url}/webhooks/twilio/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        });
        if (response.status === 200) accepted.push(sid);
        else throw new Error(`answered ${response.status}`);
      } catch (error) {
        // A connection refused or reset by the closing server got no 200: Twilio saw a failure, we promised nothing.
        if (!/ECONNREFUSED|ECONNRESET|other side closed|socket hang up/.test(String((error as Error).cause ?? error))) throw error;
      }
    };
    const burst = Array.from({ length: BURST }, (_, i) => post(i));
    await waitUntil('some webhooks answered', () => accepted.length >= 5, 20_000, 10);
    const code = await service.stop();
    await Promise.all(burst);

    expect(code).toBe(0);
    expect(service.output()).not.toMatch(/shutdown took too long/);
    expect(accepted.length).toBeGreaterThanOrEqual(5);

    const repo = createRepository({ sqlitePath: sqlite.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    try {
      const stored = await repo.listUnprocessedInbound({ receivedBefore: new Date(Date.now() + 60_000).toISOString(), limit: 1000 });
      const processed = [];
      for (let i = 0; i < BURST; i += 1) {
        const resident = await repo.findResidentByPhone(`+5198780${String(i).padStart(4, '0')}`);
        if (resident) processed.push(...(await repo.listInboundByResident(resident.id, { limit: 10 })));
      }
      const kept = new Set([...stored, ...processed].map((m) => m.providerSid));
      for (const sid of accepted) expect(kept.has(sid)).toBe(true);
    } finally {
      await repo.close();
    }
  }, 90_000);
});
