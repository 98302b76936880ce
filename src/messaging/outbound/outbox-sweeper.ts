/**
 * Finds outbox rows that were committed but never got a send job (Redis was down at commit, or
 * the process died between commit and enqueue) and enqueues them. The maintenance worker calls
 * `sweep()` on a schedule. A row whose job is waiting, delayed (backing off) or running is left
 * alone; a row whose job ended (`completed`/`failed`) while the row is still `queued` gets a
 * fresh job, since the jobId is reused and BullMQ would otherwise ignore the add.
 *
 * A row left `sending` whose job is gone (the process died mid-send and Redis lost the job, so
 * BullMQ has no stalled job to recover) gets a job too once it has been `sending` for
 * `staleSendingSeconds`; the sender asks Twilio before sending it again (`send-reconciler`).
 */
import type { Queues } from '../../queues/queues';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { createSendDispatcher } from './send-dispatcher';

export interface OutboxSweeperOptions {
  repo: Repository;
  queue: Queues['send'];
  logger: Logger;
  now: () => Date;
  /** Rows younger than this are probably being enqueued right now. Default 60. */
  olderThanSeconds?: number;
  /** Rows per sweep. Default 500. */
  limit?: number;
  /** A `sending` row untouched this long with no job is re-enqueued. Default 300. */
  staleSendingSeconds?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface OutboxSweeper {
  sweep(): Promise<{ requeued: string[] }>;
}

const IN_FLIGHT = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

export function createOutboxSweeper(options: OutboxSweeperOptions): OutboxSweeper {
  const dispatcher = createSendDispatcher({
    queue: options.queue,
    logger: options.logger,
    attempts: options.attempts,
    backoffMs: options.backoffMs,
  });

  return {
    async sweep() {
      const createdBefore = new Date(options.now().getTime() - (options.olderThanSeconds ?? 60) * 1000).toISOString();
      const queued = await options.repo.listOutboxByStatus({ status: 'queued', createdBefore, limit: options.limit ?? 500 });
      const staleBefore = options.now().getTime() - (options.staleSendingSeconds ?? 300) * 1000;
      const sending = (await options.repo.listOutboxByStatus({ status: 'sending', createdBefore, limit: options.limit ?? 500 })).filter(
        (row) => Date.parse(row.updatedAt) < staleBefore,
      );
      const rows = [...queued, ...sending];
      const stuck: string[] = [];
      for (const row of rows) {
        const state = await options.queue.getJobState(row.id);
        if (IN_FLIGHT.has(state)) continue;
        if (state === 'completed' || state === 'failed') await options.queue.remove(row.id);
        stuck.push(row.id);
      }
      if (stuck.length === 0) return { requeued: [] };
      const { enqueued } = await dispatcher.enqueue(stuck);
      options.logger.info({ count: enqueued.length, outboxIds: enqueued }, 'outbox sweeper re-enqueued stuck messages');
      return { requeued: enqueued };
    },
  };
}
