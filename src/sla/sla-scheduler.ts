/**
 * SLA deadlines as BullMQ delayed jobs on the `sla` queue: one job per ticket and deadline, due
 * at the ticket's next pending deadline (`nextSlaCheckAt`), or at once when a deadline already
 * passed without a recorded breach (after downtime). The jobId is `sla-<ticketId>-<dueMs>`, so
 * scheduling the same deadline twice (a rebuild, a retried hook) is a no-op, and a moved
 * deadline (a reopen) simply gets a new job; the old one finds nothing to do when it fires.
 *
 * Redis is not the source of truth: `rebuildFromStore()` at start-up gives every ticket that
 * is not closed its job again, so losing Redis never drops a deadline.
 *
 * @example job payload: `{ "ticketId": "6b1f…", "dueAt": "2025-07-28T17:00:00.000Z", "kind": "first_response" }`
 */
import type { Queue } from 'bullmq';
import type { Ticket, TicketStatus } from '../domain/ticket';
import { withTimeout } from '../messaging/inbound/with-timeout';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import type { SlaDeadlineService } from './sla-calendar-cache';
import { newSlaBreach, nextSlaCheckAt } from './sla-deadlines';

export const SLA_JOB_NAME = 'sla_check';

export type SlaDeadlineKind = 'first_response' | 'resolution';

export interface SlaJob {
  ticketId: string;
  dueAt: string;
  kind: SlaDeadlineKind;
}

export type SlaTicket = Pick<
  Ticket,
  'id' | 'status' | 'slaBreachedAt' | 'firstResponseAt' | 'firstResponseDueAt' | 'resolvedAt' | 'resolutionDueAt'
>;

export interface ScheduledCheck {
  jobId: string;
  dueAt: string;
  kind: SlaDeadlineKind;
}

export interface SlaSchedulerDeps {
  repo: Pick<Repository, 'listTickets' | 'commit'>;
  slaQueue: Queue;
  logger: Logger;
  now: () => string;
  /** Needed by `ticketChanged` to move the resolution deadline after a reopen. */
  deadlines?: Pick<SlaDeadlineService, 'resolutionAfterReopen'>;
  /** How long the hooks (`ticketsOpened`, `ticketChanged`) wait for Redis (default 2 s). */
  hookTimeoutMs?: number;
}

export interface SlaScheduler {
  /** Adds (idempotently) the job for the ticket's next deadline; null when nothing is left to watch. */
  schedule(ticket: SlaTicket): Promise<ScheduledCheck | null>;
  /** The conversation processor's `onTicketsOpened`: schedules each new ticket. Never throws. */
  ticketsOpened(tickets: SlaTicket[]): Promise<void>;
  /** Start-up: every ticket that is not closed gets its job again. */
  rebuildFromStore(): Promise<{ tickets: number; scheduled: number }>;
  /**
   * For the ticket service's `onTicketChanged`: after a reopen, stores the new resolution
   * deadline (counted from the reopen); then schedules the next check. Never throws.
   */
  ticketChanged(ticket: Ticket, action: { type: string }): Promise<void>;
}

/** Statuses whose deadlines may still be missed; a closed ticket has nothing left to watch. */
const WATCHED_STATUSES: TicketStatus[] = ['open', 'acknowledged', 'in_progress', 'resolved'];
const REBUILD_PAGE = 100;

export function slaJobId(ticketId: string, dueAt: string): string {
  return `sla-${ticketId}-${Date.parse(dueAt)}`;
}

export function createSlaScheduler(deps: SlaSchedulerDeps): SlaScheduler {
  const hookTimeoutMs = deps.hookTimeoutMs ?? 2000;

  async function schedule(ticket: SlaTicket): Promise<ScheduledCheck | null> {
    if (ticket.status === 'closed' || ticket.slaBreachedAt) return null;
    const now = deps.now();
    const dueAt = newSlaBreach(ticket, now) ?? nextSlaCheckAt(ticket, now);
    if (!dueAt) return null;
    const kind: SlaDeadlineKind =
      ticket.firstResponseDueAt && Date.parse(ticket.firstResponseDueAt) === Date.parse(dueAt) ? 'first_response' : 'resolution';
    const jobId = slaJobId(ticket.id, dueAt);
    const job: SlaJob = { ticketId: ticket.id, dueAt: new Date(Date.parse(dueAt)).toISOString(), kind };
    // A job that used up its attempts (store down for hours) keeps its id: run it again.
    const existing = await deps.slaQueue.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      return { jobId, dueAt: job.dueAt, kind };
    }
    await deps.slaQueue.add(SLA_JOB_NAME, job, {
      jobId,
      delay: Math.max(0, Date.parse(dueAt) - Date.parse(now)),
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 14 * 24 * 3600, count: 5000 },
    });
    return { jobId, dueAt: job.dueAt, kind };
  }

  return {
    schedule,

    async ticketsOpened(tickets) {
      for (const ticket of tickets) {
        try {
          await withTimeout('SLA scheduling', hookTimeoutMs, () => schedule(ticket));
        } catch (error) {
          // The deadline is on the ticket row: the next start-up rebuild schedules it.
          deps.logger.error({ ticketId: ticket.id, err: error }, 'SLA job not scheduled for a new ticket');
        }
      }
    },

    async rebuildFromStore() {
      let cursor: string | null = null;
      let tickets = 0;
      let scheduled = 0;
      do {
        const page = await deps.repo.listTickets({ statuses: WATCHED_STATUSES, sort: 'created_asc', limit: REBUILD_PAGE, cursor });
        for (const ticket of page.items) {
          tickets += 1;
          if (await schedule(ticket)) scheduled += 1;
        }
        cursor = page.nextCursor;
      } while (cursor);
      deps.logger.info({ tickets, scheduled }, 'SLA jobs rebuilt from the store');
      return { tickets, scheduled };
    },

    async ticketChanged(ticket, action) {
      try {
        let current = ticket;
        if (action.type === 'reopen' && deps.deadlines) {
          const resolutionDueAt = await deps.deadlines.resolutionAfterReopen(ticket, ticket.updatedAt);
          if (resolutionDueAt !== ticket.resolutionDueAt) {
            await deps.repo.commit({ ticketUpdates: [{ id: ticket.id, patch: { resolutionDueAt } }] });
            current = { ...ticket, resolutionDueAt };
          }
        }
        await withTimeout('SLA scheduling', hookTimeoutMs, () => schedule(current));
      } catch (error) {
        deps.logger.error({ ticketId: ticket.id, action: action.type, err: error }, 'SLA deadline not updated after a ticket change');
      }
    },
  };
}
