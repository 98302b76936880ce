/**
 * What the queue shows about time: how old a ticket is and how long is left before its next SLA
 * deadline. Pure (the clock is passed in) so the countdown an operator reads is testable.
 */
import type { Ticket } from '../domain/ticket';

/** A span split for display: "2 d 3 h", "2 h 10 min", "12 min". */
export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/**
 * The deadline the operator must beat next: the first response while nobody has answered, then
 * the resolution. Resolved and closed tickets have none.
 *
 * @example { kind: 'first_response', dueAt: '2025-07-25T16:00:00.000Z', overdue: false, remaining: { days: 0, hours: 2, minutes: 10 } }
 */
export interface NextDeadline {
  kind: 'first_response' | 'resolution';
  dueAt: string;
  overdue: boolean;
  /** Time left, or time since the deadline passed when `overdue`. */
  remaining: DurationParts;
}

const MINUTE_MS = 60_000;

export function splitDuration(ms: number): DurationParts {
  const totalMinutes = Math.floor(Math.abs(ms) / MINUTE_MS);
  return {
    days: Math.floor(totalMinutes / (24 * 60)),
    hours: Math.floor((totalMinutes % (24 * 60)) / 60),
    minutes: totalMinutes % 60,
  };
}

export function ticketAge(ticket: Pick<Ticket, 'createdAt'>, now: Date): DurationParts {
  return splitDuration(Math.max(now.getTime() - Date.parse(ticket.createdAt), 0));
}

export function nextDeadline(
  ticket: Pick<Ticket, 'status' | 'firstResponseAt' | 'firstResponseDueAt' | 'resolutionDueAt'>,
  now: Date,
): NextDeadline | null {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return null;
  let kind: NextDeadline['kind'];
  let dueAt: string;
  if (!ticket.firstResponseAt && ticket.firstResponseDueAt) {
    kind = 'first_response';
    dueAt = ticket.firstResponseDueAt;
  } else if (ticket.resolutionDueAt) {
    kind = 'resolution';
    dueAt = ticket.resolutionDueAt;
  } else {
    return null;
  }
  const left = Date.parse(dueAt) - now.getTime();
  return { kind, dueAt, overdue: left < 0, remaining: splitDuration(left) };
}
