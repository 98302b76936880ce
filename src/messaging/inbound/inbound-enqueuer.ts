/**
 * How intake, the spool replayer and the sweeper put a stored message on the `inbound` queue.
 * The job id is the message id, so enqueueing twice is harmless; the job carries no phone number.
 */
import type { Queue } from 'bullmq';
import type { InboundJob } from '../../queues/queues';

export const INBOUND_JOB_NAME = 'inbound';

const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export type InboundQueue = Pick<Queue<InboundJob>, 'add' | 'getJob'>;

/** Adds the job unless one with this id is already known to BullMQ. */
export async function enqueueInbound(queue: InboundQueue, messageId: string): Promise<void> {
  await queue.add(INBOUND_JOB_NAME, { messageId }, { ...JOB_OPTIONS, jobId: messageId });
}

/**
 * For a message that is still unprocessed long after intake: a job that gave up (failed) is
 * retried, a job that finished without processing it is replaced, a missing job is added, and a
 * job waiting or running is left alone.
 */
export async function requeueInbound(queue: InboundQueue, messageId: string): Promise<'added' | 'retried' | 'pending'> {
  const job = await queue.getJob(messageId);
  if (!job) {
    await enqueueInbound(queue, messageId);
    return 'added';
  }
  const state = await job.getState();
  if (state === 'failed') {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'retried';
  }
  if (state === 'completed' || state === 'unknown') {
    await job.remove();
    await enqueueInbound(queue, messageId);
    return 'added';
  }
  return 'pending';
}
