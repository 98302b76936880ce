/**
 * Deadline arithmetic and SLA outcomes for one ticket. The ticket service stores the
 * deadlines on the ticket at creation (and the resolution deadline again after a reopen);
 * the scheduler, the console and the statistics then judge them with `evaluateSla`.
 */
import type { Ticket } from '../domain/ticket';
import type { BusinessCalendar } from './business-calendar';
import { type SlaDuration, type SlaPolicy, slaTargetFor } from './sla-policy';

export interface SlaDeadlines {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
}

/** The instant `duration` after `from`, counted as its unit says. */
export function addSlaDuration(calendar: BusinessCalendar, from: string, duration: SlaDuration): string {
  switch (duration.unit) {
    case 'hours':
      return calendar.addHours(from, duration.amount);
    case 'business_hours':
      return calendar.addBusinessHours(from, duration.amount);
    case 'business_days':
      return calendar.addBusinessDays(from, duration.amount);
  }
}

/**
 * Both deadlines of a new ticket, counted from its creation; nulls when its category has no SLA.
 *
 * @example computeDeadlines({ ticket: { category: 'outage', priority: 'normal', createdAt: '2025-03-07T21:30:00Z' },
 *   policy, calendar }) // { firstResponseDueAt: '2025-03-07T23:30:00.000Z', resolutionDueAt: '2025-03-08T21:30:00.000Z' }
 */
export function computeDeadlines(input: {
  ticket: Pick<Ticket, 'category' | 'priority' | 'createdAt'>;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
}): SlaDeadlines {
  const target = slaTargetFor(input.policy, input.ticket);
  if (!target) return { firstResponseDueAt: null, resolutionDueAt: null };
  return {
    firstResponseDueAt: addSlaDuration(input.calendar, input.ticket.createdAt, target.firstResponse),
    resolutionDueAt: addSlaDuration(input.calendar, input.ticket.createdAt, target.resolution),
  };
}

/**
 * The resolution deadline of a reopened ticket: the full resolution target again, counted from
 * the reopen time, because the operator has to fix the problem anew. The first-response
 * deadline is not recomputed: the resident was already answered once.
 */
export function deadlinesAfterReopen(input: {
  ticket: Pick<Ticket, 'category' | 'priority'>;
  reopenedAt: string;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
}): Pick<SlaDeadlines, 'resolutionDueAt'> {
  const target = slaTargetFor(input.policy, input.ticket);
  return { resolutionDueAt: target ? addSlaDuration(input.calendar, input.reopenedAt, target.resolution) : null };
}

export const SLA_OUTCOMES = ['met', 'breached', 'pending', 'not_applicable'] as const;
/** `not_applicable`: the ticket has no such deadline (its category has no SLA). */
export type SlaOutcome = (typeof SLA_OUTCOMES)[number];

export interface SlaEvaluation {
  firstResponse: SlaOutcome;
  resolution: SlaOutcome;
  /** The earliest deadline that was missed (the breach happened at that instant), or null. */
  breachedAt: string | null;
}

export type SlaTicketView = Pick<Ticket, 'firstResponseAt' | 'firstResponseDueAt' | 'resolvedAt' | 'resolutionDueAt'>;

/**
 * Judges a ticket's deadlines at `now`. Answering at or before the deadline meets it; a ticket
 * still unanswered when the deadline arrives is breached, so a job fired at the deadline sees
 * the breach. A reopened ticket is
 * judged on its current (recomputed) resolution deadline and its latest resolution.
 *
 * @example evaluateSla(ticket, '2025-03-08T00:00:00Z')
 *   // { firstResponse: 'breached', resolution: 'pending', breachedAt: '2025-03-07T23:30:00.000Z' }
 */
export function evaluateSla(ticket: SlaTicketView, now: string): SlaEvaluation {
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new TypeError(`evaluateSla: \`now\` is not an ISO-8601 instant: ${now}`);
  const firstResponse = outcome(ticket.firstResponseDueAt, ticket.firstResponseAt, nowMs);
  const resolution = outcome(ticket.resolutionDueAt, ticket.resolvedAt, nowMs);
  const missed = [
    firstResponse === 'breached' ? ticket.firstResponseDueAt : null,
    resolution === 'breached' ? ticket.resolutionDueAt : null,
  ].filter((due): due is string => due !== null);
  missed.sort((a, b) => Date.parse(a) - Date.parse(b));
  return { firstResponse, resolution, breachedAt: missed[0] ? new Date(Date.parse(missed[0])).toISOString() : null };
}

/**
 * The breach to record and alert the supervisor about, only if the ticket has none recorded
 * yet: one alert per ticket, even when a reopened ticket misses its new deadline too.
 */
export function newSlaBreach(ticket: SlaTicketView & Pick<Ticket, 'slaBreachedAt'>, now: string): string | null {
  if (ticket.slaBreachedAt) return null;
  return evaluateSla(ticket, now).breachedAt;
}

/**
 * The next deadline still pending at `now`, for the scheduler's delayed job (rebuilt from the
 * store at start-up); null when nothing is left to watch.
 */
export function nextSlaCheckAt(ticket: SlaTicketView, now: string): string | null {
  const evaluation = evaluateSla(ticket, now);
  const pending = [
    evaluation.firstResponse === 'pending' ? ticket.firstResponseDueAt : null,
    evaluation.resolution === 'pending' ? ticket.resolutionDueAt : null,
  ].filter((due): due is string => due !== null);
  pending.sort((a, b) => Date.parse(a) - Date.parse(b));
  return pending[0] ?? null;
}

function outcome(dueAt: string | null, doneAt: string | null, nowMs: number): SlaOutcome {
  if (!dueAt) return 'not_applicable';
  const dueMs = Date.parse(dueAt);
  if (doneAt) return Date.parse(doneAt) <= dueMs ? 'met' : 'breached';
  return nowMs >= dueMs ? 'breached' : 'pending';
}
