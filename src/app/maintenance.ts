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
/** Only messages and replies older than this are stuck (younger ones are being handled now). */
const STUCK_AFTER_SECONDS = 60;

export const ASK_FEEDBACK_JOB = 'ask-feedback';
export const ASK_FEEDBACK_RETRY_MS = 10 * 60_000;
export interface AskFeedbackJob {
  ticketId: string;
  attempt: number;
}
const SPOOL_REPLAY_EVERY_MS = 10_000;

/**
 * Periods of the repairs. Production uses the defaults; the integration tests shorten them to see
 * the real schedulers and timer fire within a test.
 */
export interface MaintenanceOptions {
  /** Every how often the intake and outbox sweeps run (default 30 s). */
  sweepEveryMs?: number;
  /** Every how often the web process replays the intake spool (default 10 s). */
  spoolReplayEveryMs?: number;
  /** Wait after claiming the spool file before reading it (default: the replayer's 1 s). */
  spoolClaimGraceMs?: number;
}

export async function startMaintenanceWorker(container: Container, options: MaintenanceOptions = {}): Promise<{ close(): Promise<void> }> {
  const { queues, repo, logger } = container;
  const every = options.sweepEveryMs ?? SWEEP_EVERY_MS;
  const outboxSweeper = createOutboxSweeper({ repo, queue: queues.send, logger, now: container.clock, olderThanSeconds: STUCK_AFTER_SECONDS });
  // Installed through the registry, so an emptied Redis gets them back (issue 7.1).
  container.schedulers.register({
    name: 'maintenance-sweeps',
    install: async () => {
      await queues.maintenance.upsertJobScheduler('sweep-intake', { every }, { name: 'sweep-intake' });
      await queues.maintenance.upsertJobScheduler('sweep-outbox', { every }, { name: 'sweep-outbox' });
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
        return sweepStuckIntake({ repo, queue: queues.inbound, logger, now: container.clock(), olderThanSeconds: STUCK_AFTER_SECONDS });
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
  worker.on('error', (error) => logger.warn({ err: { message: error.message } }, 'maintenance worker error'));
  return { close: () => worker.close() };
}

/** Replays the intake spool now and then; a no-op when the spool is empty. */
export function startSpoolReplayer(container: Container, options: MaintenanceOptions = {}): { close(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = replayIntakeSpool({
      dir: container.config.SPOOL_DIR,
      repo: container.repo,
      queue: container.queues.inbound,
      logger: container.logger,
      claimGraceMs: options.spoolClaimGraceMs,
    })
      .then((result) => {
        if (result.stored + result.duplicates + result.rejected > 0) container.logger.info({ ...result }, 'intake spool replayed');
      })
      .catch((error: Error) => container.logger.warn({ err: { message: error.message } }, 'spool replay failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, options.spoolReplayEveryMs ?? SPOOL_REPLAY_EVERY_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
