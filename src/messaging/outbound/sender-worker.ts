/**
 * The BullMQ worker on the `send` queue. It registers the send backoff strategy (exponential,
 * honouring Retry-After) that send jobs name, so only this worker should consume `send`.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES, type SendJob } from '../../queues/queues';
import type { Repository } from '../../store/repository';
import type { Logger } from '../../shared/logger';
import { sendBackoffStrategy } from './send-backoff';
import { createSendProcessor, type SendOutcome } from './send-processor';
import type { Transport } from './transport';

export interface SenderWorkerOptions {
  /** Needs `maxRetriesPerRequest: null` when an ioredis instance is passed. */
  connection: ConnectionOptions;
  prefix: string;
  repo: Repository;
  transport: Transport;
  logger: Logger;
  now?: () => Date;
  whatsappTemplateSid?: string;
  /** Parallel sends per process; Twilio queues per number anyway. Default 5. */
  concurrency?: number;
  optOutExemptKinds?: readonly string[];
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
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    whatsappTemplateSid: options.whatsappTemplateSid,
    optOutExemptKinds: options.optOutExemptKinds,
  });
  const worker = new Worker<SendJob, SendOutcome>(QUEUE_NAMES.send, (job) => processSend(job), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 5,
    settings: { backoffStrategy: sendBackoffStrategy },
  });
  worker.on('error', (error) => options.logger.error({ err: { message: error.message } }, 'send worker error'));
  return { worker, close: () => worker.close() };
}
