/**
 * The BullMQ worker on the `inbound` queue: one job `{ messageId }` per stored message. A job
 * that throws (Redis or the store unavailable, the resident's lock held too long) is retried
 * with backoff by BullMQ, and the intake sweeper catches whatever falls through. A message that
 * keeps failing for another reason is dead-lettered by the processor, and its job then completes.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES, type InboundJob } from '../queues/queues';
import type { Logger } from '../shared/logger';
import type { ConversationProcessor } from './conversation-processor';

export interface InboundWorkerOptions {
  /** BullMQ needs `maxRetriesPerRequest: null`; plain options get it set here. */
  connection: ConnectionOptions;
  prefix: string;
  processor: Pick<ConversationProcessor, 'processInboundMessage'>;
  logger: Logger;
  /** Jobs in flight; different residents run in parallel, one resident's in order (lock). */
  concurrency?: number;
  /** Start without waiting for `run()` (default true). */
  autorun?: boolean;
}

export function createInboundWorker(options: InboundWorkerOptions): Worker<InboundJob> {
  const worker = new Worker<InboundJob>(
    QUEUE_NAMES.inbound,
    async (job) => {
      const turns = await options.processor.processInboundMessage(job.data.messageId);
      return { turns: turns.map((turn) => ({ messageId: turn.messageId, outcome: turn.outcome })) };
    },
    {
      connection: withBullmqDefaults(options.connection),
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      autorun: options.autorun ?? true,
    },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn(
      { jobId: job?.id, messageId: job?.data.messageId, attemptsMade: job?.attemptsMade, err: { name: error.name, message: error.message } },
      'inbound job failed',
    );
  });
  worker.on('error', (error) => {
    options.logger.error({ err: { name: error.name, message: error.message } }, 'inbound worker error');
  });
  return worker;
}

function withBullmqDefaults(connection: ConnectionOptions): ConnectionOptions {
  const isClient = typeof (connection as { duplicate?: unknown }).duplicate === 'function';
  if (isClient) return connection;
  return { ...(connection as object), maxRetriesPerRequest: null } as ConnectionOptions;
}
