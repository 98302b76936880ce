/**
 * Issue 7.1 with real processes: `aguavoz start` on a Redis of the test's own, which is killed
 * and started again empty (no persistence), as a failover or a restart without AOF leaves it.
 * Measured before the fix: the sweepers and every SLA job stayed gone (70 → 0) until the process
 * restarted, committed replies stayed `queued`, and `/readyz` said ready throughout. Now the
 * process notices, installs its schedulers and SLA deadlines again, and sends the replies.
 */
import { Queue } from 'bullmq';
import { join } from 'node:path';
import { newOutboxMessage } from '../../src/messaging/outbound/outbox-message-factory';
import { createLogger } from '../../src/shared/logger';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { aLocality, aResident, aTicket } from '../support/domain-fixtures';
import { startOwnRedis, startService, waitUntil, type OwnRedis, type ServiceProcess } from '../support/service-process';
import { tempSqlitePath } from '../support/sqlite';

const TICKETS = 12;
const PREFIX = 'faults-redis-restart';

/** The maintenance queue's schedulers: the sweeps and the committee summaries (issue 6), one per town. */
const INSTALLED = ['committee-summary-retry', expect.stringMatching(/^committee-summary:/), 'sweep-intake', 'sweep-outbox'];

describe('Redis restarts empty under a running service', () => {
  const sqlite = tempSqlitePath('fault-redis-restart');
  let redis: OwnRedis;
  let service: ServiceProcess;
  let repo: Repository;
  let localityId: string;
  let residentId: string;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: createLogger({ level: 'silent' }) });
    await repo.init();
    const locality = await repo.createLocality(aLocality({ id: newId(), slug: 'faults', isCatchAll: true, phoneNumbers: ['+51940000001'] }));
    localityId = locality.id;
    const now = Date.now();
    const resident = await repo.upsertResidentByPhone(aResident({ id: newId(), phone: '+51987300001', localityId }));
    residentId = resident.id;
    await repo.commit({
      ticketsCreated: Array.from({ length: TICKETS }, (_, i) =>
        aTicket({
          id: newId(),
          reference: String(2_000_000 + i),
          localityId,
          residentId,
          createdAt: new Date(now).toISOString(),
          updatedAt: new Date(now).toISOString(),
          firstResponseDueAt: new Date(now + 3600_000 + i * 1000).toISOString(),
          resolutionDueAt: new Date(now + 86_400_000).toISOString(),
        }),
      ),
    });
    redis = await startOwnRedis();
    service = await startService({
      SQLITE_PATH: sqlite.path,
      SPOOL_DIR: join(sqlite.path, '..', 'spool'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: PREFIX,
      SCHEDULER_CHECK_SECONDS: '1',
      ADMIN_PASSWORD: 'fault-test-password',
    });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await redis?.stop();
    await repo?.close();
    sqlite.cleanup();
  });

  async function redisState() {
    const connection = redis.client({ forBullmq: true });
    const sla = new Queue('sla', { connection, prefix: PREFIX });
    const maintenance = new Queue('maintenance', { connection, prefix: PREFIX });
    try {
      return {
        slaJobs: await sla.getDelayedCount(),
        schedulers: (await maintenance.getJobSchedulers()).map((s) => s.key).sort(),
      };
    } finally {
      await sla.close();
      await maintenance.close();
      connection.disconnect();
    }
  }

  const readyz = async () => {
    const response = await fetch(`${service.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
  };

  it('re-installs the sweepers and every SLA deadline, is not ready until then, and sends the replies committed meanwhile', async () => {
    await waitUntil('ready at start', async () => (await readyz()).status === 200);
    expect(await redisState()).toEqual({ slaJobs: TICKETS, schedulers: INSTALLED });

    await redis.kill();
    await waitUntil('not ready while Redis is down', async () => (await readyz()).status === 503, 10_000);
    await redis.start();
    expect(await redisState()).toEqual({ slaJobs: 0, schedulers: [] });

    // Replies a turn committed while their send jobs were lost with Redis.
    const committedAt = new Date(Date.now() - 120_000).toISOString();
    const rows = Array.from({ length: 5 }, (_, i) =>
      newOutboxMessage({ id: newId(), now: committedAt, channel: 'sms', toPhone: '+51987300001', fromPhone: '+51940000001', text: `Respuesta ${i}`, kind: 'flow_reply', residentId }),
    );
    await repo.commit({ outbox: rows });

    await waitUntil('ready again', async () => (await readyz()).status === 200, 30_000);
    expect(await redisState()).toEqual({ slaJobs: TICKETS, schedulers: INSTALLED });
    await waitUntil(
      'the replies committed meanwhile are sent',
      async () => (await Promise.all(rows.map((row) => repo.getOutbox(row.id)))).every((row) => row?.status === 'sent'),
      60_000,
      500,
    );
    expect(service.output()).toMatch(/job schedulers missing in Redis/);
  }, 120_000);
});
