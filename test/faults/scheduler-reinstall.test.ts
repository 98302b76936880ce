/**
 * Issue 7.1 in process: every job scheduler is installed through one registry, and when Redis
 * loses its data (here: every key under this file's prefix deleted, as an emptied Redis looks to
 * this deployment) `/readyz` says not ready until the watcher has installed them all again.
 */
import express from 'express';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createSchedulerRegistry } from '../../src/app/scheduler-registry';
import { createHealthRouter } from '../../src/http/health-router';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { testLogger } from '../support/inbound-app';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

describe('job schedulers after Redis lost its data', () => {
  const prefix = uniquePrefix('schedulers');
  const sqlite = tempSqlitePath('schedulers');
  const redis = createTestRedis();
  const bullmq = createTestRedis({ forBullmq: true });
  const queue = new Queue('maintenance', { connection: bullmq, prefix });
  let repo: Repository;

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: testLogger });
    await repo.init();
  });
  afterAll(async () => {
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    bullmq.disconnect();
    await repo.close();
    sqlite.cleanup();
  });

  it("re-installs every registered scheduler, a colleague's included, and /readyz waits for them", async () => {
    const registry = createSchedulerRegistry({ redis, prefix, logger: testLogger });
    const installs: string[] = [];
    registry.register({
      name: 'sweeps',
      install: async () => {
        installs.push('sweeps');
        await queue.upsertJobScheduler('sweep-outbox', { every: 30_000 }, { name: 'sweep-outbox' });
      },
    });
    // What another component (e.g. weekly committee summaries) registers the same way.
    registry.register({
      name: 'committee-summary',
      install: async () => {
        installs.push('committee-summary');
        await queue.upsertJobScheduler('weekly-summary', { pattern: '0 8 * * 1' }, { name: 'weekly-summary' });
      },
    });
    const app = express().use(createHealthRouter({ repo, redis, isShuttingDown: () => false, schedulers: registry, requireSchedulers: true }));

    expect((await request(app).get('/readyz')).status).toBe(503);
    await registry.installAll();
    expect((await request(app).get('/readyz')).body).toMatchObject({ status: 'ready', checks: { schedulers: 'ok' } });
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['sweep-outbox', 'weekly-summary']);

    await deletePrefix(redis, prefix);
    expect(await queue.getJobSchedulers()).toEqual([]);
    const notReady = await request(app).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks).toMatchObject({ store: 'ok', redis: 'ok', schedulers: 'missing' });

    const watch = registry.watch({ connection: bullmq, checkEveryMs: 100 });
    try {
      const deadline = Date.now() + 10_000;
      while ((await request(app).get('/readyz')).status !== 200) {
        if (Date.now() > deadline) throw new Error('schedulers were not installed again');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await watch.close();
    }
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['sweep-outbox', 'weekly-summary']);
    expect(installs).toEqual(['sweeps', 'committee-summary', 'sweeps', 'committee-summary']);
  });

  it('a web-only process shows missing schedulers without failing readiness', async () => {
    const registry = createSchedulerRegistry({ redis, prefix: uniquePrefix('schedulers-web'), logger: testLogger });
    const app = express().use(createHealthRouter({ repo, redis, isShuttingDown: () => false, schedulers: registry }));
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.checks.schedulers).toBe('missing');
  });
});
