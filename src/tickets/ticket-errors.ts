import type { Ticket, TicketStatus, TimelineEntry } from '../domain/ticket';
import type { TicketActionType } from './ticket-actions';

/**
 * The action is not allowed in the ticket's current status (or the reopen window has passed).
 * An operational error: the console/API/SMS command answers it and nothing is stored.
 *
 * @example new TicketTransitionError({ status: 'closed', action: 'resolve' }).message
 *   // "cannot resolve a closed ticket"
 */
export class TicketTransitionError extends Error {
  readonly code = 'invalid_transition' as const;
  readonly status: TicketStatus;
  readonly action: TicketActionType;

  constructor(options: { status: TicketStatus; action: TicketActionType; reason?: string }) {
    const base = `cannot ${ACTION_VERBS[options.action]} ${article(options.status)} ${STATUS_WORDS[options.status]} ticket`;
    super(options.reason ? `${base}: ${options.reason}` : base);
    this.name = 'TicketTransitionError';
    this.status = options.status;
    this.action = options.action;
  }
}

/**
 * The action is allowed in this status but its payload is unusable (an empty reply, a
 * resolution without a note, a rating outside 1–5). Also answered, also changes nothing.
 */
export class TicketActionError extends Error {
  readonly code = 'invalid_action' as const;
  /** The action's `type` as received; it may be unknown when the payload itself is bad. */
  readonly action: string;

  constructor(options: { action: string; message: string }) {
    super(options.message);
    this.name = 'TicketActionError';
    this.action = options.action;
  }
}

const ACTION_VERBS: Record<TicketActionType, string> = {
  acknowledge: 'acknowledge',
  assign: 'assign',
  reply: 'reply to',
  add_note: 'add a note to',
  start: 'start',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
  record_feedback: 'record feedback on',
};

const STATUS_WORDS: Record<TicketStatus, string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  in_progress: 'in-progress',
  resolved: 'resolved',
  closed: 'closed',
};

function article(status: TicketStatus): string {
  return /^[aeiou]/.test(STATUS_WORDS[status]) ? 'an' : 'a';
}

/**
 * The ticket changed after the operator looked at it (another operator acted, the resident
 * answered): the action is refused and nothing is stored, so nothing is silently overwritten.
 * Carries the ticket as it is now and what happened since, for the console, the API (409) and
 * the SMS answer to show.
 */
export class TicketChangedError extends Error {
  readonly code = 'ticket_changed' as const;
  constructor(
    readonly ticket: Ticket,
    /** Timeline entries written after the version the operator acted on, oldest first. */
    readonly changes: TimelineEntry[],
  ) {
    super(`ticket ${ticket.reference} changed since it was read (now ${ticket.status})`);
    this.name = 'TicketChangedError';
  }
}
