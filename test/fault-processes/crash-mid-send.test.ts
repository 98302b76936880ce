/**
 * Issue 7.6 with real processes: `aguavoz start` sending through the twilio library to the fake
 * Twilio API, which takes each message but answers late; the service is killed (-9) with sends in
 * flight and started again. Measured before the fix: 4 duplicate SMS in 311. Now the new process
 * asks Twilio before re-sending every row left `sending`: each message reaches the phone once.
 */
import { join } from 'node:path';
import { newOutboxMessage } from '../../src/messaging/outbound/outbox-message-factory';
import { createLogger } from '../../src/shared/logger';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { aLocality, aResident } from '../support/domain-fixtures';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fake-twilio-api';
import { startOwnRedis, startService, waitUntil, type OwnRedis, type ServiceProcess } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const ROWS = 12;
const ACCOUNT_SID = `AC${'9f'.repeat(16)}`;

describe('the service is killed with sends in flight', () => {
  const sqlite = tempSqlitePath('fault-crash-send');
  let redis: OwnRedis;
  let fake: FakeTwilioApi;
  let repo: Repository;
  let service: ServiceProcess | null = null;
  const env = () => ({
    SQLITE_PATH: sqlite.path,
    SPOOL_DIR: join(sqlite.path, '..', 'spool'),
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'faults-crash-send',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: 'fault-test-auth-token',
    TWILIO_API_BASE_URL: fake.baseUrl,
    PUBLIC_BASE_URL: 'https://aguavoz.example.pe',
    ADMIN_PASSWORD: 'fault-test-password',
  });

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    const locality = await repo.createLocality(aLocality({ id: newId(), slug: 'crash', isCatchAll: true, phoneNumbers: ['+51940000001'] }));
    // Replies committed two minutes ago whose jobs were never enqueued: the outbox sweeper sends them at start.
    const committedAt = new Date(Date.now() - 120_000).toISOString();
    const rows = [];
    for (let i = 0; i < ROWS; i += 1) {
      const phone = `+5198740${String(i).padStart(4, '0')}`;
      const resident = await repo.upsertResidentByPhone(aResident({ id: newId(), phone, localityId: locality.id }));
      rows.push(newOutboxMessage({ id: newId(), now: committedAt, channel: 'sms', toPhone: phone, fromPhone: '+51940000001', text: `Respuesta numero ${i}`, kind: 'flow_reply', residentId: resident.id }));
    }
    await repo.commit({ outbox: rows });
    redis = await startOwnRedis();
    fake = await startFakeTwilioApi();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await fake?.close();
    await redis?.stop();
    await repo?.close();
    sqlite.cleanup();
  });

  it('sends each message once after a restart', async () => {
    fake.answerEveryRequestAfterMs = 60_000;
    service = await startService(env());
    await waitUntil('sends in flight', () => fake.messages.length >= 3, 30_000);
    await service.crash();
    const takenBeforeCrash = fake.messages.length;
    fake.answerEveryRequestAfterMs = 0;

    service = await startService(env());
    await waitUntil(
      'every row sent',
      async () => (await repo.listOutboxByStatus({ status: 'sent', createdBefore: new Date().toISOString(), limit: 100 })).length === ROWS,
      90_000,
      500,
    );

    const bodies = fake.messages.map((m) => m.body);
    expect(takenBeforeCrash).toBeGreaterThanOrEqual(3);
    expect(new Set(bodies).size).toBe(ROWS);
    expect(bodies).toHaveLength(ROWS);
  }, 150_000);
});
