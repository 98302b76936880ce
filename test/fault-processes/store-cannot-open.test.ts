/**
 * Issue 7.7 with real processes: the store cannot open when `aguavoz start` starts (here its
 * folder is blocked by a plain file, as a full or read-only disk leaves it; measured before: the
 * process exited at start with SQLITE_IOERR and every webhook was refused). Now intake comes up,
 * answers 200 and spools to `SPOOL_DIR` on another disk; once the store opens the spooled message
 * is stored and answered.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import { newMessageSid, twilioForm } from '../support/inbound-app';
import { startOwnRedis, startService, waitUntil, type OwnRedis, type ServiceProcess } from '../support/service-process';

describe('the store cannot open at start', () => {
  const root = mkdtempSync(join(tmpdir(), 'aguavoz-store-blocked-'));
  const spoolDir = mkdtempSync(join(tmpdir(), 'aguavoz-spool-elsewhere-'));
  const blocked = join(root, 'data');
  const sqlitePath = join(blocked, 'aguavoz.sqlite');
  let redis: OwnRedis;
  let service: ServiceProcess;

  beforeAll(async () => {
    writeFileSync(blocked, 'not a folder');
    redis = await startOwnRedis();
    service = await startService({
      SQLITE_PATH: sqlitePath,
      SPOOL_DIR: spoolDir,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'faults-store-blocked',
      STORE_OPEN_RETRY_SECONDS: '1',
      ADMIN_PASSWORD: 'fault-test-password',
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('answers webhooks 200 and spools them, then stores and answers them once the store opens', async () => {
    const sid = newMessageSid();
    const form = twilioForm({ MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: '+51987500001', Body: 'no hay agua desde ayer' });
    const response = await fetch(`${service.url}/webhooks/twilio/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    expect(response.status).toBe(200);
    const spooled = readdirSync(spoolDir).map((name) => readFileSync(join(spoolDir, name), 'utf8')).join('');
    expect(spooled).toContain(sid);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.store).toBe('down');

    rmSync(blocked);
    mkdirSync(blocked);
    await waitUntil('ready once the store opened', async () => (await fetch(`${service.url}/readyz`)).status === 200, 30_000);

    const repo = createRepository({ sqlitePath, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    try {
      await waitUntil(
        'the spooled message stored and answered',
        async () => {
          const resident = await repo.findResidentByPhone('+51987500001');
          return resident !== null && (await repo.listOutboxByResident(resident.id, { limit: 10 })).length > 0;
        },
        30_000,
        250,
      );
      const resident = await repo.findResidentByPhone('+51987500001');
      const inbound = await repo.listInboundByResident(resident!.id, { limit: 10 });
      expect(inbound.map((m) => m.providerSid)).toEqual([sid]);
    } finally {
      await repo.close();
    }
  }, 90_000);
});
