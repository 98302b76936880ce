/**
 * The ticket lifecycle as data, so the console, the REST API and the SMS commands show and
 * accept exactly the same actions:
 *
 *   open → acknowledged → in_progress → resolved → closed
 *            (reopen: resolved, or closed within the reopen window → open)
 *
 * Shortcuts are allowed where a small operator needs them (start or resolve straight from
 * `open`), but `close` only follows `resolve`: closing an unresolved complaint would hide it
 * from the committee's resolution statistics.
 */
import type { Ticket, TicketStatus } from '../domain/ticket';
import { OPERATOR_ACTIONS, type TicketActionType } from './ticket-actions';

const NOT_CLOSED = ['open', 'acknowledged', 'in_progress', 'resolved'] as const satisfies readonly TicketStatus[];

export interface TicketTransition {
  /** Statuses in which the action is allowed. */
  from: readonly TicketStatus[];
  /** Status after the action; `null` keeps the current one. */
  to: TicketStatus | null;
}

/** @example TICKET_TRANSITIONS.resolve // { from: ['open', 'acknowledged', 'in_progress'], to: 'resolved' } */
export const TICKET_TRANSITIONS: Readonly<Record<TicketActionType, TicketTransition>> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  assign: { from: NOT_CLOSED, to: null },
  reply: { from: NOT_CLOSED, to: null },
  add_note: { from: NOT_CLOSED, to: null },
  start: { from: ['open', 'acknowledged'], to: 'in_progress' },
  resolve: { from: ['open', 'acknowledged', 'in_progress'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  /** From `closed` only within the reopen window (see {@link isWithinReopenWindow}). */
  reopen: { from: ['resolved', 'closed'], to: 'open' },
  /** Status changes only when the resident says it was not solved (then as `reopen`). */
  record_feedback: { from: ['resolved', 'closed'], to: null },
};

/**
 * A closed ticket can be reopened for 7 days after closing. Later, the same problem is a new
 * complaint: reopening a months-old ticket would inflate its resolution time and hide that the
 * problem came back.
 */
export const DEFAULT_REOPEN_WINDOW_DAYS = 7;

export interface TransitionOptions {
  /** ISO-8601 instant; needed to judge the reopen window of a closed ticket. */
  now?: string;
  reopenWindowDays?: number;
}

/**
 * True when a closed ticket may still be reopened at `now`. A resolved (not closed) ticket
 * can always be reopened.
 */
export function isWithinReopenWindow(
  ticket: Pick<Ticket, 'status' | 'closedAt'>,
  options: { now: string; reopenWindowDays?: number },
): boolean {
  if (ticket.status !== 'closed') return true;
  if (!ticket.closedAt) return false;
  const windowMs = (options.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_DAYS) * 24 * 60 * 60 * 1000;
  return Date.parse(options.now) - Date.parse(ticket.closedAt) <= windowMs;
}

/**
 * Whether `action` is allowed on the ticket now. Without `options.now`, a closed ticket is
 * never reopenable: the console should not offer an action it cannot honour.
 */
export function isActionAllowed(
  ticket: Pick<Ticket, 'status' | 'closedAt'>,
  action: TicketActionType,
  options: TransitionOptions = {},
): boolean {
  if (!TICKET_TRANSITIONS[action].from.includes(ticket.status)) return false;
  if (action === 'reopen' && ticket.status === 'closed') {
    return options.now !== undefined && isWithinReopenWindow(ticket, { now: options.now, reopenWindowDays: options.reopenWindowDays });
  }
  return true;
}

export { OPERATOR_ACTIONS, type OperatorActionType } from './ticket-actions';

/**
 * The operator actions the console (or an SMS command list) should offer for this ticket, in
 * the order of the table. Pass `now` so a recently closed ticket offers `reopen`.
 *
 * @example allowedActions({ status: 'resolved', closedAt: null })
 *   // ['assign', 'reply', 'add_note', 'close', 'reopen']
 */
export function allowedActions(
  ticket: Pick<Ticket, 'status' | 'closedAt'>,
  options: TransitionOptions = {},
): TicketActionType[] {
  return OPERATOR_ACTIONS.filter((action) => isActionAllowed(ticket, action, options));
}
