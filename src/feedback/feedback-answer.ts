/**
 * The resident's answer to "was it solved?" (the engine's `resolution_feedback` event) applied
 * through the ticket lifecycle's `record_feedback` action, so the console, the statistics and
 * this path agree: "Yes" and the rating are recorded; "No" also reopens the ticket (within the
 * reopen window), gives it a new resolution deadline and alerts the assignee or, when nobody is
 * assigned, the on-duty staff.
 *
 * It returns a PIECE of a unit of work: the conversation processor merges `unit` and `alerts`
 * into the turn's own unit, so the answer, the reopening and the alerts are stored with the
 * message in one commit. The lifecycle's "reopened" notice is not sent: the flow's own thanks
 * ("Reabrimos su reclamo…") already tells the resident.
 *
 * @example
 *   case 'resolution_feedback': {
 *     const answer = await applyFeedbackAnswer(deps, { event, residentId: resident.id, at: input.turnAt });
 *     ticketUpdates.push(...answer.unit.ticketUpdates); timeline.push(...answer.unit.timeline); outbox.push(...answer.alerts);
 *   }
 */
import { reopenedAlertRows } from '../alerts/reopened-alert';
import type { OutboxMessage } from '../domain/message';
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import type { EngineEvent } from '../flow-engine/engine-types';
import type { Translator } from '../i18n/translator';
import type { Logger } from '../shared/logger';
import type { Repository, UnitOfWork } from '../store/repository';
import { TicketActionError, TicketTransitionError } from '../tickets/ticket-errors';
import { applyTicketAction } from '../tickets/ticket-lifecycle';

export type ResolutionFeedbackEvent = Extract<EngineEvent, { type: 'resolution_feedback' }>;

export interface FeedbackAnswerDeps {
  repo: Pick<Repository, 'findTicketByReference' | 'listUsers' | 'getUser' | 'getLocality'>;
  translator: Pick<Translator, 'render'>;
  newId: () => string;
  logger?: Logger;
  /** `SlaDeadlineService.resolutionAfterReopen`: the reopened ticket's new resolution deadline. */
  resolutionAfterReopen?: (ticket: Ticket, reopenedAt: string) => Promise<string | null>;
  reopenWindowDays?: number;
  staffLanguage?: Language;
}

export interface FeedbackAnswerInput {
  event: ResolutionFeedbackEvent;
  /** The resident who answered: only their own ticket is touched. */
  residentId: string;
  /** The turn's instant. */
  at: string;
}

export interface FeedbackAnswerEffects {
  outcome: 'recorded' | 'reopened' | 'ignored';
  /** Why nothing was recorded, for logs. */
  ignoredBecause?: 'ticket_not_found' | 'not_this_resident' | 'not_allowed' | 'no_answer';
  unit: Required<Pick<UnitOfWork, 'ticketUpdates' | 'timeline'>>;
  /** Staff alerts (a reopening); store them with `unit` and enqueue them after the commit. */
  alerts: OutboxMessage[];
  /** The ticket as it will be after the commit: give it to `SlaScheduler.schedule` then. */
  ticket: Ticket | null;
}

const nothing = (ignoredBecause: FeedbackAnswerEffects['ignoredBecause'], ticket: Ticket | null = null): FeedbackAnswerEffects => ({
  outcome: 'ignored',
  ignoredBecause,
  unit: { ticketUpdates: [], timeline: [] },
  alerts: [],
  ticket,
});

export async function applyFeedbackAnswer(deps: FeedbackAnswerDeps, input: FeedbackAnswerInput): Promise<FeedbackAnswerEffects> {
  const { event } = input;
  const ticket = event.reference ? await deps.repo.findTicketByReference(event.reference) : null;
  if (!ticket) return nothing('ticket_not_found');
  if (ticket.residentId !== input.residentId) return nothing('not_this_resident');
  if (event.solved === null && event.rating === null) return nothing('no_answer', ticket);

  let result: ReturnType<typeof applyTicketAction>;
  try {
    result = applyTicketAction(
      ticket,
      { type: 'record_feedback', solved: event.solved, rating: event.rating },
      { now: input.at, actor: 'resident', newId: deps.newId, reopenWindowDays: deps.reopenWindowDays },
    );
  } catch (error) {
    if (!(error instanceof TicketTransitionError || error instanceof TicketActionError)) throw error;
    // e.g. the operator reopened it meanwhile, or it was closed long ago.
    deps.logger?.info({ ticketId: ticket.id, status: ticket.status, err: error.message }, 'resident feedback not applicable');
    return nothing('not_allowed', ticket);
  }

  const patch: Partial<Ticket> = { ...result.patch };
  if (result.alertOperators && deps.resolutionAfterReopen) {
    patch.resolutionDueAt = await deps.resolutionAfterReopen(ticket, input.at);
  }
  // Issue 9: "No" after an incident's resolution reopens this resident's ticket on its own; it
  // leaves the (resolved) incident so the operator sees it as the single open problem it is.
  const timeline = [...result.timeline];
  if (result.alertOperators && ticket.incidentId) {
    patch.incidentId = null;
    timeline.push({
      id: deps.newId(),
      ticketId: ticket.id,
      at: input.at,
      type: 'incident_unlinked',
      actor: 'resident',
      text: null,
      isPublic: false,
      data: { incidentId: ticket.incidentId, reason: 'resident_not_solved' },
    });
  }
  const updated: Ticket = { ...ticket, ...patch };
  const alerts = result.alertOperators
    ? await reopenedAlertRows({
        repo: deps.repo,
        translator: deps.translator,
        ticket: updated,
        now: input.at,
        newId: deps.newId,
        language: deps.staffLanguage,
      })
    : [];
  return {
    outcome: result.alertOperators ? 'reopened' : 'recorded',
    unit: { ticketUpdates: [{ id: ticket.id, patch }], timeline },
    alerts,
    ticket: updated,
  };
}
