/**
 * The BullMQ worker on the `alerts` queue: one delayed `digest` job per locality window (see
 * `new-ticket-alerts.ts`). A failed job is retried with backoff; the pending tickets stay in
 * Redis until a run succeeds.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES } from '../queues/queues';
import type { Logger } from '../shared/logger';
import type { DigestJob, NewTicketAlerts } from './new-ticket-alerts';

export interface AlertsWorkerOptions {
  /** A BullMQ connection (`maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  prefix: string;
  alerts: Pick<NewTicketAlerts, 'sendDigest'>;
  logger: Logger;
  concurrency?: number;
  autorun?: boolean;
}

export function createAlertsWorker(options: AlertsWorkerOptions): Worker<DigestJob> {
  const worker = new Worker<DigestJob>(
    QUEUE_NAMES.alerts,
    async (job) => {
      const outcome = await options.alerts.sendDigest(job.data);
      return { tickets: outcome.tickets, recipients: outcome.recipients };
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 2,
      autorun: options.autorun ?? true,
    },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn({ jobId: job?.id, localityId: job?.data.localityId, err: { name: error.name, message: error.message } }, 'alert digest job failed');
  });
  worker.on('error', (error) => {
    options.logger.error({ err: { name: error.name, message: error.message } }, 'alerts worker error');
  });
  return worker;
}
