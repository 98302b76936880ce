/**
 * Periodic repairs that make "never lose a complaint" true when something was down:
 * - intake sweep: messages stored but never processed (Redis was down, a worker died);
 * - outbox sweep: replies committed but never enqueued;
 * - spool replay (web process only: the spool is a local file): messages kept while the store
 *   was down go into the store.
 * The sweeps are BullMQ job schedulers, so one worker runs them however many processes exist.
 */
import { Worker } from 'bullmq';
import { sweepStuckIntake } from '../messaging/inbound/intake-sweeper';
import { replayIntakeSpool } from '../messaging/inbound/spool-replayer';
import { createOutboxSweeper } from '../messaging/outbound/outbox-sweeper';
import { QUEUE_NAMES } from '../queues/queues';
import type { Container } from './container';
import { installLocalitySummarySchedulers, installSummarySchedulers, SUMMARY_JOB, SUMMARY_RETRY_JOB, type SummaryJob } from '../committees/summary-scheduler';
import { lastCompleteIsoWeek } from '../publication/aligned-period';

/** Sends last week's summary of one locality (or re-runs it for members not yet reached). */
async function sendLastWeek(container: Container, localityId: string, options: { retryOnly: boolean }): Promise<unknown> {
  const locality = await container.repo.getLocality(localityId);
  if (!locality) return { outcome: 'skipped', reason: 'unknown_locality' };
  const week = lastCompleteIsoWeek(container.clock(), locality.timeZone);
  // The hourly retry only follows up a week the locality's own schedule already sent.
  if (options.retryOnly && !(await container.repo.getCommitteeSummary(locality.id, week.key))) return { outcome: 'skipped', reason: 'not_due' };
  const { queued, skipped } = await container.summaries.send(locality, week);
  return { queued, skipped };
}

const SWEEP_EVERY_MS = 30_000;

export const ASK_FEEDBACK_JOB = 'ask-feedback';
export const ASK_FEEDBACK_RETRY_MS = 10 * 60_000;
export interface AskFeedbackJob {
  ticketId: string;
  attempt: number;
}
const SPOOL_REPLAY_EVERY_MS = 10_000;

export async function startMaintenanceWorker(container: Container): Promise<{ close(): Promise<void> }> {
  const { queues, repo, logger } = container;
  const outboxSweeper = createOutboxSweeper({ repo, queue: queues.send, logger, now: container.clock });
  // Installed through the registry, so an emptied Redis gets them back (issue 7.1).
  container.schedulers.register({
    name: 'maintenance-sweeps',
    install: async () => {
      await queues.maintenance.upsertJobScheduler('sweep-intake', { every: SWEEP_EVERY_MS }, { name: 'sweep-intake' });
      await queues.maintenance.upsertJobScheduler('sweep-outbox', { every: SWEEP_EVERY_MS }, { name: 'sweep-outbox' });
    },
  });
  // Weekly committee summaries (issue 6): one scheduler per locality plus the hourly retry.
  container.schedulers.register({
    name: 'committee-summaries',
    install: async () => installSummarySchedulers(queues.maintenance, await repo.listLocalities()),
  });

  const worker = new Worker(
    QUEUE_NAMES.maintenance,
    async (job) => {
      if (job.name === 'sweep-intake') {
        return sweepStuckIntake({ repo, queue: queues.inbound, logger, now: container.clock(), olderThanSeconds: 60 });
      }
      if (job.name === 'sweep-outbox') return outboxSweeper.sweep();
      if (job.name === SUMMARY_JOB) return sendLastWeek(container, (job.data as SummaryJob).localityId, { retryOnly: false });
      if (job.name === SUMMARY_RETRY_JOB) {
        const results = [];
        const localities = await repo.listLocalities();
        await installLocalitySummarySchedulers(queues.maintenance, localities);
        for (const locality of localities) results.push(await sendLastWeek(container, locality.id, { retryOnly: true }));
        return results;
      }
      if (job.name === ASK_FEEDBACK_JOB) {
        const { ticketId, attempt } = job.data as AskFeedbackJob;
        const ticket = await repo.getTicket(ticketId);
        // Reopened or closed meanwhile: the question no longer makes sense.
        if (ticket?.status !== 'resolved') return { outcome: 'skipped', reason: 'not_resolved' };
        return container.feedback.onTicketResolved(ticket, { attempt });
      }
      logger.warn({ name: job.name }, 'unknown maintenance job ignored');
      return null;
    },
    { connection: container.bullmqRedis, prefix: container.prefix, concurrency: 1 },
  );
  worker.on('failed', (_job, error) => logger.warn({ err: { message: error.message } }, 'maintenance job failed'));
  return { close: () => worker.close() };
}

/** Replays the intake spool now and then; a no-op when the spool is empty. */
export function startSpoolReplayer(container: Container): { close(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = replayIntakeSpool({ dir: container.config.SPOOL_DIR, repo: container.repo, queue: container.queues.inbound, logger: container.logger })
      .then((result) => {
        if (result.stored + result.duplicates + result.rejected > 0) container.logger.info({ ...result }, 'intake spool replayed');
      })
      .catch((error: Error) => container.logger.warn({ err: { message: error.message } }, 'spool replay failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, SPOOL_REPLAY_EVERY_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
