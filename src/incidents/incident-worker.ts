/**
 * The worker of the `incidents` queue: broadcast jobs (`broadcast`, `{ broadcastId }`) and the
 * outage clock (`incident-truck-due`, `{ incidentId }`). Ids only in payloads.
 *
 * {@link installIncidentJobs} is called where the worker process installs its schedulers and
 * delayed jobs at start-up (src/app/workers.ts, beside the SLA rebuild), so a Redis that lost its
 * data gets every outage clock and every unfinished broadcast back from the store.
 */
import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { BroadcastRunner } from '../broadcasts/broadcast-runner';
import { QUEUE_NAMES } from '../queues/queues';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { TRUCK_DUE_JOB, type OutageClock, type TruckDueJob } from './outage-clock';

export const BROADCAST_JOB = 'broadcast';

export interface BroadcastJob {
  broadcastId: string;
}

/** Queues a stored broadcast (idempotent: one job per broadcast while it waits or runs). */
export async function dispatchBroadcast(queue: Queue, broadcastId: string): Promise<void> {
  const job: BroadcastJob = { broadcastId };
  await queue.add(BROADCAST_JOB, job, { jobId: `broadcast-${broadcastId}`, removeOnComplete: true, removeOnFail: { count: 1000 }, attempts: 8, backoff: { type: 'exponential', delay: 2_000 } });
}

/** Start-up: outage clocks and unfinished broadcasts back into Redis, from the store. */
export async function installIncidentJobs(deps: { repo: Repository; queue: Queue; clock: OutageClock; logger: Logger }): Promise<{ clocks: number; broadcasts: number }> {
  const { scheduled } = await deps.clock.rebuildFromStore();
  const unfinished = await deps.repo.listBroadcasts({ statuses: ['pending', 'sending'] });
  for (const broadcast of unfinished) await dispatchBroadcast(deps.queue, broadcast.id);
  deps.logger.info({ clocks: scheduled, broadcasts: unfinished.length }, 'incident jobs installed from the store');
  return { clocks: scheduled, broadcasts: unfinished.length };
}

export function createIncidentWorker(options: {
  connection: ConnectionOptions;
  prefix: string;
  runner: BroadcastRunner;
  clock: OutageClock;
  logger: Logger;
}): { close(): Promise<void> } {
  const worker = new Worker(
    QUEUE_NAMES.incidents,
    async (job) => {
      if (job.name === BROADCAST_JOB) return options.runner.run((job.data as BroadcastJob).broadcastId);
      if (job.name === TRUCK_DUE_JOB) return options.clock.check((job.data as TruckDueJob).incidentId);
      options.logger.warn({ name: job.name }, 'unknown incidents job ignored');
      return null;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, error) => options.logger.warn({ name: job?.name, err: { message: error.message } }, 'incidents job failed'));
  return { close: () => worker.close() };
}
