/**
 * The BullMQ worker on the `send` queue. It registers the send backoff strategy (exponential,
 * honouring Retry-After) that send jobs name, so only this worker should consume `send`.
 * A job that is not yet its turn (see `SendDeferredError`) is moved back to delayed without
 * using up one of its attempts.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { OutboxRowSenderDeps } from './outbox-row-sender';
import { QUEUE_NAMES, type SendJob } from '../../queues/queues';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import type { ResidentLock } from '../../shared/resident-lock';
import { sendBackoffStrategy, sendDeferDelayMs } from './send-backoff';
import { createSendProcessor, SendDeferredError, type SendOutcome } from './send-processor';
import type { Transport } from './transport';

export interface SenderWorkerOptions {
  /** Needs `maxRetriesPerRequest: null` when an ioredis instance is passed. */
  connection: ConnectionOptions;
  prefix: string;
  repo: Repository;
  transport: Transport;
  /**
   * Orders sends per recipient across processes. Give it a scope of its own, e.g.
   * `createResidentLock({ redis, prefix, scope: 'send' })`.
   */
  lock: ResidentLock;
  logger: Logger;
  now?: () => Date;
  whatsappTemplateSid?: string;
  /** Parallel sends per process; Twilio queues per number anyway. Default 5. */
  concurrency?: number;
  optOutExemptKinds?: readonly string[];
  onSendFailure?: OutboxRowSenderDeps['onSendFailure'];
  /** Resident countries and daily caps (issue 7.3). */
  caps?: OutboxRowSenderDeps['caps'];
}

export interface SenderWorker {
  worker: Worker<SendJob, SendOutcome>;
  /** Lets sends in flight finish, then disconnects. */
  close(): Promise<void>;
}

export function createSenderWorker(options: SenderWorkerOptions): SenderWorker {
  const processSend = createSendProcessor({
    repo: options.repo,
    transport: options.transport,
    lock: options.lock,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    whatsappTemplateSid: options.whatsappTemplateSid,
    optOutExemptKinds: options.optOutExemptKinds,
    onSendFailure: options.onSendFailure,
    caps: options.caps,
  });
  async function run(job: Job<SendJob, SendOutcome>, token?: string): Promise<SendOutcome> {
    try {
      return await processSend(job);
    } catch (error) {
      if (!(error instanceof SendDeferredError)) throw error;
      const delayMs = sendDeferDelayMs(job);
      options.logger.info({ outboxId: job.data.outboxId, reason: error.reason, delayMs }, 'send deferred: an earlier message goes first');
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    }
  }
  const worker = new Worker<SendJob, SendOutcome>(QUEUE_NAMES.send, run, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 5,
    settings: { backoffStrategy: sendBackoffStrategy },
  });
  worker.on('error', (error) => options.logger.error({ err: { message: error.message } }, 'send worker error'));
  return { worker, close: () => worker.close() };
}
