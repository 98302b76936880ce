/**
 * Puts send jobs on the `send` queue after outbox rows are committed. The job carries the outbox
 * id only (never a phone number) and uses it as the BullMQ `jobId`, so enqueuing the same row
 * twice (a retried commit, the sweeper) while a job for it exists is a no-op.
 *
 * Enqueuing happens after the rows are durable, so a Redis failure here must not fail the caller's
 * work: it is logged and the outbox sweeper picks the rows up once Redis is back.
 *
 * @example job payload: `{ "outboxId": "0b6f7a1e-…" }`
 */
import type { JobsOptions } from 'bullmq';
import type { SendJob, Queues } from '../../queues/queues';
import type { Logger } from '../../shared/logger';
import { DEFAULT_SEND_ATTEMPTS, DEFAULT_SEND_BACKOFF_MS, SEND_BACKOFF_TYPE } from './send-backoff';

export const SEND_JOB_NAME = 'send';

export interface SendDispatcherOptions {
  queue: Queues['send'];
  logger?: Logger;
  /** Total tries per message, first included. */
  attempts?: number;
  /** First retry delay; doubles after each failure (tests use a few ms). */
  backoffMs?: number;
  /** How long a caller waits for Redis before leaving the rows to the sweeper. */
  enqueueTimeoutMs?: number;
}

export interface EnqueueOutcome {
  enqueued: string[];
  /** Not enqueued now (Redis unavailable); the sweeper will. */
  deferred: string[];
}

/** Pacing for broadcasts (issue 9): job `i` waits `firstDelayMs + i * spacingMs`. */
export interface EnqueuePacing {
  spacingMs: number;
  firstDelayMs?: number;
}

export interface SendDispatcher {
  enqueue(outboxIds: string[], pacing?: EnqueuePacing): Promise<EnqueueOutcome>;
}

export function createSendDispatcher(options: SendDispatcherOptions): SendDispatcher {
  const timeoutMs = options.enqueueTimeoutMs ?? 2_000;
  const jobOptions = sendJobOptions({ attempts: options.attempts, backoffMs: options.backoffMs });

  return {
    async enqueue(outboxIds, pacing) {
      const ids = [...new Set(outboxIds)];
      if (ids.length === 0) return { enqueued: [], deferred: [] };
      const delayOf = (index: number) => (pacing ? Math.round((pacing.firstDelayMs ?? 0) + index * pacing.spacingMs) : 0);
      const jobs = ids.map((outboxId, index) => ({
        name: SEND_JOB_NAME,
        data: { outboxId } satisfies SendJob,
        opts: { ...jobOptions, jobId: outboxId, ...(delayOf(index) > 0 && { delay: delayOf(index) }) },
      }));
      try {
        await withTimeout(options.queue.addBulk(jobs), timeoutMs);
        return { enqueued: ids, deferred: [] };
      } catch (error) {
        options.logger?.warn(
          { outboxIds: ids, err: { message: (error as Error).message } },
          'could not enqueue send jobs; the outbox sweeper will retry them',
        );
        return { enqueued: [], deferred: ids };
      }
    },
  };
}

/** The options every send job gets, also used by the sweeper. */
export function sendJobOptions(options: { attempts?: number; backoffMs?: number }): JobsOptions {
  return {
    attempts: options.attempts ?? DEFAULT_SEND_ATTEMPTS,
    backoff: { type: SEND_BACKOFF_TYPE, delay: options.backoffMs ?? DEFAULT_SEND_BACKOFF_MS },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
