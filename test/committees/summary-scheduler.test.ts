/**
 * The summary's job schedulers in real Redis (BullMQ): one per locality, firing on Monday 08:00
 * in Lima (13:00 UTC) by default or at the locality's own weekday and hour, and installing them
 * again (every start, or after Redis lost its data) leaves one per locality.
 */
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { installSummarySchedulers, summaryCron, summarySchedulerId, SUMMARY_RETRY_JOB } from '../../src/committees/summary-scheduler';
import { aLocality } from '../support/domain-fixtures';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';

const prefix = uniquePrefix('summary-scheduler');
const connection = createTestRedis({ forBullmq: true });
const queue = new Queue('maintenance', { connection, prefix });

afterAll(async () => {
  await queue.close();
  const cleaner = createTestRedis();
  await deletePrefix(cleaner, prefix);
  cleaner.disconnect();
  connection.disconnect();
});

describe('weekly summary schedulers', () => {
  it('fires on Monday 08:00 Lima time by default, and at a locality’s own weekday and hour; re-installing keeps one per locality', async () => {
    const lima = aLocality({ id: 'loc-lima' });
    const friday = aLocality({ id: 'loc-friday', summaryWeekday: 5, summaryHour: 18 });
    expect(summaryCron(lima)).toBe('0 8 * * 1');
    expect(summaryCron(aLocality({ summaryWeekday: 7, summaryHour: 6 }))).toBe('0 6 * * 0');
    await installSummarySchedulers(queue, [lima, friday]);
    await installSummarySchedulers(queue, [lima, friday]);

    const schedulers = await queue.getJobSchedulers(0, -1, true);
    expect(schedulers.map((s) => s.key).sort()).toEqual([SUMMARY_RETRY_JOB, summarySchedulerId('loc-friday'), summarySchedulerId('loc-lima')].sort());
    const next = (id: string) => DateTime.fromMillis(Number(schedulers.find((s) => s.key === id)!.next), { zone: 'America/Lima' });
    const monday = next(summarySchedulerId('loc-lima'));
    expect({ weekday: monday.weekday, hour: monday.hour, minute: monday.minute }).toEqual({ weekday: 1, hour: 8, minute: 0 });
    expect(monday.toUTC().hour).toBe(13);
    const fri = next(summarySchedulerId('loc-friday'));
    expect({ weekday: fri.weekday, hour: fri.hour }).toEqual({ weekday: 5, hour: 18 });
    expect(schedulers.find((s) => s.key === summarySchedulerId('loc-lima'))).toMatchObject({ tz: 'America/Lima', pattern: '0 8 * * 1' });
  });
});

/** Waits (generously) until no retry run is waiting or in progress; the next one is an hour away. */
async function retryRunsFinished(maintenance: Queue): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await maintenance.getJobs(['waiting', 'prioritized', 'active'])).some((job) => job.name === SUMMARY_RETRY_JOB)) {
    if (Date.now() > deadline) throw new Error('the summary retry run did not finish within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('weekly summary schedulers in the scheduler registry', () => {
  it('are registered by the maintenance worker and come back after Redis lost its data', async () => {
    const { startTestSystem } = await import('../support/console-app');
    const { startMaintenanceWorker } = await import('../../src/app/maintenance');
    const system = await startTestSystem({ label: 'summary-registry' });
    const worker = await startMaintenanceWorker(system.container);
    try {
      const { container, locality } = system;
      expect(container.schedulers.names()).toContain('committee-summaries');
      await container.schedulers.installAll();
      const keys = async () => (await container.queues.maintenance.getJobSchedulers(0, -1, true)).map((s) => s.key);
      expect(await keys()).toEqual(expect.arrayContaining([summarySchedulerId(locality.id), SUMMARY_RETRY_JOB]));
      // The retry scheduler's first run is due at once and re-installs the localities' schedulers:
      // emptying Redis while the worker is in that job would see one written back after the wipe.
      await retryRunsFinished(container.queues.maintenance);
      await deletePrefix(container.redis, container.prefix);
      expect(await keys()).toEqual([]);
      await container.schedulers.installAll();
      expect(await keys()).toEqual(expect.arrayContaining([summarySchedulerId(locality.id), SUMMARY_RETRY_JOB]));
    } finally {
      await worker.close();
      await system.close();
    }
  });
});
