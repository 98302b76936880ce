/**
 * Applies one operator or resident action to a ticket, as a pure function: the ticket service
 * stores `patch` and `timeline` in one unit of work and queues `notify` for the resident. A
 * refused action throws and returns nothing to store, so it changes nothing.
 */
import type { Ticket, TimelineEntry, TimelineType } from '../domain/ticket';
import { type TicketAction, type TicketActionContext, ticketActionSchema } from './ticket-actions';
import { TicketActionError, TicketTransitionError } from './ticket-errors';
import { DEFAULT_REOPEN_WINDOW_DAYS, isActionAllowed, isWithinReopenWindow } from './ticket-transitions';

/** Locale keys of the messages a resident receives about their ticket (`locales/*.json`). */
export type TicketNotifyKey =
  | 'notify.acknowledged'
  | 'notify.in_progress'
  | 'notify.resolved'
  | 'notify.closed'
  | 'notify.reopened'
  | 'notify.operator_reply';

/** @example { key: 'notify.resolved', params: { reference: '4821937', note: 'Se reparó la tubería' } } */
export interface TicketNotification {
  key: TicketNotifyKey;
  params: Record<string, string | number>;
}

export interface TicketActionResult {
  /** Only the changed fields, always with `updatedAt`. */
  patch: Partial<Ticket>;
  timeline: TimelineEntry[];
  /** The message the resident should get in their language; `null` for internal actions. */
  notify: TicketNotification | null;
  /** True when the resident said "not solved" and the ticket reopened: tell the operators. */
  alertOperators: boolean;
}

export interface ApplyTicketActionOptions extends TicketActionContext {
  /** Days after closing during which a closed ticket may be reopened (default 7). */
  reopenWindowDays?: number;
}

/**
 * Decides what an action does to a ticket. Every public answer to the resident (acknowledge,
 * reply, start, resolve) sets `firstResponseAt` if it is still unset, so a reply sent before
 * any acknowledgement is the first response. `acknowledgedAt` keeps the first explicit
 * acknowledgement, even after a reopen.
 *
 * A reopen (by an operator, or by the resident answering "No" through `record_feedback`)
 * returns the ticket to `open`, increments `reopenCount` and clears `resolvedAt`, `closedAt`
 * and `resolutionNote`; the timeline keeps the earlier resolution. The new resolution deadline
 * is the SLA module's job (`deadlinesAfterReopen`). Resolving clears the resident's previous
 * feedback, because the question "was it solved?" is asked again about the new resolution.
 *
 * @throws TicketTransitionError (`invalid_transition`) when the status does not allow it.
 * @throws TicketActionError (`invalid_action`) when the payload is unusable.
 * @example applyTicketAction(ticket, { type: 'resolve', note: 'Válvula cambiada' },
 *   { now: '2025-07-25T21:30:00Z', actor: 'user-1', newId })
 */
export function applyTicketAction(
  ticket: Ticket,
  action: TicketAction,
  options: ApplyTicketActionOptions,
): TicketActionResult {
  const parsed = ticketActionSchema.safeParse(action);
  if (!parsed.success) {
    const type = typeof (action as { type?: unknown })?.type === 'string' ? String(action.type) : 'unknown';
    const detail = parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message].filter(Boolean).join(': '));
    throw new TicketActionError({ action: type, message: `invalid ${type} action: ${detail.join('; ')}` });
  }
  const act = parsed.data;
  const now = normalizeInstant(options.now);
  const windowDays = options.reopenWindowDays ?? DEFAULT_REOPEN_WINDOW_DAYS;

  if (!isActionAllowed(ticket, act.type, { now, reopenWindowDays: windowDays })) {
    const reason =
      act.type === 'reopen' && ticket.status === 'closed'
        ? `it was closed more than ${windowDays} days ago; the resident should report it again`
        : undefined;
    throw new TicketTransitionError({ status: ticket.status, action: act.type, reason });
  }

  const entry = (type: TimelineType, fields: Partial<Pick<TimelineEntry, 'text' | 'isPublic' | 'isPublished' | 'data'>> = {}) =>
    timelineEntry(ticket, { type, now, actor: options.actor, id: options.newId(), ...fields });
  const notify = (key: TicketNotifyKey, params: Record<string, string | number> = {}): TicketNotification => ({
    key,
    params: { reference: ticket.reference, ...params },
  });
  const firstResponse = ticket.firstResponseAt ? {} : { firstResponseAt: now };
  const result = (patch: Partial<Ticket>, timeline: TimelineEntry[], note: TicketNotification | null) => ({
    patch: { ...patch, updatedAt: now },
    timeline,
    notify: note,
    alertOperators: false,
  });

  switch (act.type) {
    case 'acknowledge':
      return result(
        { status: 'acknowledged', acknowledgedAt: ticket.acknowledgedAt ?? now, ...firstResponse },
        [entry('acknowledged', { isPublic: true })],
        notify('notify.acknowledged'),
      );
    case 'assign':
      return result(
        { assigneeId: act.assigneeId },
        [entry('assigned', { data: { assigneeId: act.assigneeId, previousAssigneeId: ticket.assigneeId } })],
        null,
      );
    case 'reply': {
      // Answering a new ticket acknowledges it: the resident heard from a person, so it is no
      // longer "Nuevo" (the reply itself is the message they get, not a second "received" one).
      const acknowledges = ticket.status === 'open';
      return result(
        acknowledges ? { ...firstResponse, status: 'acknowledged', acknowledgedAt: ticket.acknowledgedAt ?? now } : firstResponse,
        [entry('replied', { text: act.text, isPublic: true, ...(acknowledges ? { data: { acknowledged: true } } : {}), ...(act.publish ? { isPublished: true } : {}) })],
        notify('notify.operator_reply', { text: act.text }),
      );
    }
    case 'add_note':
      return result({}, [entry('note_added', { text: act.text })], null);
    case 'start':
      return result({ status: 'in_progress', ...firstResponse }, [entry('started', { isPublic: true })], notify('notify.in_progress'));
    case 'resolve':
      return result(
        {
          status: 'resolved',
          resolvedAt: now,
          resolutionNote: act.note,
          residentConfirmedSolved: null,
          residentRating: null,
          ...firstResponse,
        },
        [entry('resolved', { text: act.note, isPublic: true })],
        notify('notify.resolved', { note: act.note }),
      );
    case 'close':
      return result({ status: 'closed', closedAt: now }, [entry('closed', { isPublic: true })], notify('notify.closed'));
    case 'reopen':
      return result(
        reopenPatch(ticket),
        [entry('reopened', { text: act.reason ?? null, data: reopenData(ticket) })],
        notify('notify.reopened'),
      );
    case 'record_feedback': {
      const solved = act.solved ?? null;
      const rating = act.rating ?? null;
      if (solved === null && rating === null) {
        throw new TicketActionError({ action: act.type, message: 'record_feedback needs `solved` or `rating`' });
      }
      const feedback: Partial<Ticket> = {
        ...(solved !== null ? { residentConfirmedSolved: solved } : {}),
        ...(rating !== null ? { residentRating: rating } : {}),
      };
      const reopens = solved === false && isWithinReopenWindow(ticket, { now, reopenWindowDays: windowDays });
      const feedbackEntry = entry('resident_feedback', { data: { solved, rating, reopened: reopens } });
      if (!reopens) return result(feedback, [feedbackEntry], null);
      return {
        ...result(
          { ...feedback, ...reopenPatch(ticket) },
          [feedbackEntry, entry('reopened', { data: { ...reopenData(ticket), reason: 'resident_not_solved' } })],
          notify('notify.reopened'),
        ),
        alertOperators: true,
      };
    }
  }
}

function reopenPatch(ticket: Ticket): Partial<Ticket> {
  return { status: 'open', reopenCount: ticket.reopenCount + 1, resolvedAt: null, closedAt: null, resolutionNote: null };
}

function reopenData(ticket: Ticket): Record<string, unknown> {
  return { previousStatus: ticket.status, reopenCount: ticket.reopenCount + 1 };
}

function timelineEntry(
  ticket: Ticket,
  fields: { type: TimelineType; now: string; actor: string; id: string } & Partial<
    Pick<TimelineEntry, 'text' | 'isPublic' | 'isPublished' | 'data'>
  >,
): TimelineEntry {
  return {
    id: fields.id,
    ticketId: ticket.id,
    at: fields.now,
    type: fields.type,
    actor: fields.actor,
    text: fields.text ?? null,
    isPublic: fields.isPublic ?? false,
    ...(fields.isPublished ? { isPublished: true } : {}),
    data: fields.data ?? {},
  };
}

/** A bad clock value is a programmer error, not an operator's: crash loudly. */
function normalizeInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`applyTicketAction: \`now\` is not an ISO-8601 instant: ${value}`);
  return new Date(ms).toISOString();
}
