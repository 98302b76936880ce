/**
 * The ticket service: every operator action, whether from the console, the REST API or an SMS
 * command, is checked here against the operator's localities and the ticket lifecycle, then
 * stored as ONE unit of work (ticket patch, timeline, the message to the resident) and only then
 * handed to the send queue. A refused action throws and stores nothing.
 *
 * @example
 *   const tickets = createTicketService({ repo, translator, dispatcher, now, newId, logger });
 *   await tickets.perform(user, '4821937', { type: 'reply', cannedKey: 'canned.crew_on_the_way' });
 */
import { assertLocalityAccess, canAccessLocality } from '../auth/access-policy';
import type { AuthenticatedUser } from '../auth/auth-types';
import type { OutboxMessage } from '../domain/message';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { PreparedQuestion, ResolutionFeedback } from '../feedback/resolution-feedback';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { REFERENCE_DIGITS } from '../domain/reference';
import { maskPhone } from '../shared/phone';
import type { Logger } from '../shared/logger';
import { NotFoundError, StaleTicketError, type Repository } from '../store/repository';
import type { TicketAction } from './ticket-actions';
import { TicketActionError, TicketChangedError } from './ticket-errors';
import { applyTicketAction } from './ticket-lifecycle';
import type { TicketActionInput, TicketActionType, TicketService, TicketView } from './ticket-service-types';
import { allowedActions, OPERATOR_ACTIONS } from './ticket-transitions';
import { buildTranscript } from './ticket-transcript';
import { chooseSenderNumber, composeResidentNotice } from './resident-notice';

export interface TicketServiceDeps {
  repo: Repository;
  translator: Pick<Translator, 'render' | 'has'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  now: () => string;
  newId: () => string;
  logger: Logger;
  /**
   * Called after the action is stored (e.g. to start the resolution-feedback question, move SLA
   * jobs). Its failure is logged, never undoes the action.
   */
  onTicketChanged?: (ticket: Ticket, action: TicketActionInput) => void | Promise<void>;
  /**
   * The "was it solved?" question, sent IN the resolution notice (one SMS, issue 8 §7) when the
   * resident can be asked now; a busy resident gets the plain notice and the question later.
   * Without it a resolution sends the plain notice only.
   */
  resolutionFeedback?: Pick<ResolutionFeedback, 'prepareQuestion' | 'saveQuestionSession' | 'discardQuestionSession' | 'askLater'>;
  /** Days a closed ticket may still be reopened (lifecycle default 7). */
  reopenWindowDays?: number;
  /** Messages each way shown in a ticket's transcript (default 200). */
  transcriptLimit?: number;
  /**
   * A message this many minutes (or less) before a ticket opened is part of the conversation that
   * opened it; later ones belong to the latest ticket before them (default 60).
   */
  captureWindowMinutes?: number;
}

const DEFAULT_CAPTURE_WINDOW_MINUTES = 60;

/**
 * Which messages belong to `ticket`'s conversation: rows tied to a ticket by id go to that
 * ticket; any other message goes to the first ticket opened within `windowMinutes` after it (the
 * conversation that opened it), or else to the latest ticket opened before it (follow-ups).
 */
export function conversationOwner(
  residentTickets: Array<Pick<Ticket, 'id' | 'createdAt'>>,
  ticket: Pick<Ticket, 'id'>,
  windowMinutes: number,
): (at: string, ticketId: string | null) => boolean {
  const sorted = [...residentTickets].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const windowMs = windowMinutes * 60_000;
  return (at, ticketId) => {
    if (ticketId) return ticketId === ticket.id;
    const ms = Date.parse(at);
    const opened = sorted.find((t) => Date.parse(t.createdAt) >= ms && Date.parse(t.createdAt) - ms <= windowMs);
    const owner = opened ?? [...sorted].reverse().find((t) => Date.parse(t.createdAt) <= ms) ?? sorted[0];
    return owner === undefined || owner.id === ticket.id;
  };
}

const CANNED_PREFIX = 'canned.';

type ReadyQuestion = Extract<PreparedQuestion, { outcome: 'ready' }>;

/** What a resolution says to the resident: the question in the notice, the notice now and the question later, or the notice alone. */
type ResolutionQuestion = { kind: 'with_notice'; question: ReadyQuestion } | { kind: 'later' } | { kind: 'none' };

export function createTicketService(deps: TicketServiceDeps): TicketService {
  const { repo } = deps;
  const transcriptLimit = deps.transcriptLimit ?? 200;

  async function loadTicket(user: AuthenticatedUser, idOrReference: string): Promise<Ticket> {
    const key = idOrReference.trim();
    const ticket = REFERENCE_DIGITS.test(key)
      ? ((await repo.findTicketByReference(key)) ?? (await repo.getTicket(key)))
      : await repo.getTicket(key);
    if (!ticket) throw new NotFoundError('ticket', key);
    assertLocalityAccess(user, ticket.localityId);
    return ticket;
  }

  /** The service's input becomes the lifecycle's action; canned replies become text here. */
  async function toLifecycleAction(ticket: Ticket, action: TicketActionInput, language: Ticket['reporterLanguage']): Promise<TicketAction> {
    // Resident feedback comes only from the resident's own answers, never from an operator.
    if (!OPERATOR_ACTIONS.includes(action.type)) {
      throw new TicketActionError({ action: String(action.type), message: `"${String(action.type)}" is not an operator action` });
    }
    switch (action.type) {
      case 'reply': {
        const publish = action.publish === true ? { publish: true } : {};
        if (action.text?.trim()) return { type: 'reply', text: action.text, ...publish };
        if (!action.cannedKey) return { type: 'reply', text: '' };
        if (!action.cannedKey.startsWith(CANNED_PREFIX) || !deps.translator.has(action.cannedKey, 'es')) {
          throw new TicketActionError({ action: 'reply', message: `unknown canned reply "${action.cannedKey}"` });
        }
        const locality = await repo.getLocality(ticket.localityId);
        const text = deps.translator.render(action.cannedKey, language, {
          reference: ticket.reference,
          locality: locality?.name ?? '',
        });
        return { type: 'reply', text, ...publish };
      }
      case 'assign': {
        if (action.assigneeId !== null) {
          const assignee = await repo.getUser(action.assigneeId);
          if (!assignee) throw new TicketActionError({ action: 'assign', message: 'the assignee does not exist' });
          if (!canAccessLocality(assignee, ticket.localityId)) {
            throw new TicketActionError({ action: 'assign', message: "the assignee does not work in this ticket's locality" });
          }
        }
        return { type: 'assign', assigneeId: action.assigneeId };
      }
      case 'reopen':
        return { type: 'reopen', reason: action.reason?.trim() ? action.reason : null };
      default:
        return action;
    }
  }

  /** The ticket as stored now and what happened to it after `version`, for a refused action. */
  async function changedSince(ticketId: string, version: string): Promise<TicketChangedError> {
    const [current, timeline] = await Promise.all([repo.getTicket(ticketId), repo.listTimeline(ticketId)]);
    if (!current) throw new NotFoundError('ticket', ticketId);
    return new TicketChangedError(current, timeline.filter((entry) => entry.at > version));
  }

  function markNotice(entries: TimelineEntry[], data: Record<string, unknown>): TimelineEntry[] {
    return entries.map((entry, index) => (index === entries.length - 1 ? { ...entry, data: { ...entry.data, ...data } } : entry));
  }

  /**
   * Prepares the resolution's question before the resolution is stored, its session saved, so
   * one row can carry both. A failure here never blocks the resolution: the notice goes alone.
   */
  async function resolutionQuestion(resolved: Ticket, note: string, outboxId: string, now: string): Promise<ResolutionQuestion> {
    const feedback = deps.resolutionFeedback;
    if (!feedback) return { kind: 'none' };
    try {
      const prepared = await feedback.prepareQuestion(resolved, { vars: { resolution_note: note }, firstOutboxId: outboxId, now });
      if (prepared.outcome === 'busy') return { kind: 'later' };
      if (prepared.outcome !== 'ready') return { kind: 'none' };
      await feedback.saveQuestionSession(prepared);
      return { kind: 'with_notice', question: prepared };
    } catch (error) {
      deps.logger.error({ ticketId: resolved.id, err: error }, 'resolution question not prepared; the notice goes alone');
      return { kind: 'none' };
    }
  }

  return {
    async listQueue(user, filter) {
      let localityIds: string[] | undefined;
      if (user.role === 'admin') {
        localityIds = filter.localityIds;
      } else {
        localityIds = filter.localityIds ? filter.localityIds.filter((id) => canAccessLocality(user, id)) : user.localityIds;
        if (localityIds.length === 0) return { items: [], nextCursor: null };
      }
      return repo.listTickets({ ...filter, localityIds });
    },

    async findTicket(user, idOrReference) {
      return loadTicket(user, idOrReference);
    },

    async getTicketView(user, ticketId): Promise<TicketView> {
      const ticket = await loadTicket(user, ticketId);
      const [resident, locality, timeline] = await Promise.all([
        repo.getResident(ticket.residentId),
        repo.getLocality(ticket.localityId),
        repo.listTimeline(ticket.id),
      ]);
      if (!resident) throw new NotFoundError('resident', ticket.residentId);
      const [inbound, outbox] = await Promise.all([
        repo.listInboundByResident(resident.id, { limit: transcriptLimit }),
        repo.listOutboxByResident(resident.id, { limit: transcriptLimit }),
      ]);
      // A resident who wrote to two towns: each town's operators see only their own exchange.
      // A row of another ticket is shown when that ticket's town is the user's; a row of no
      // ticket (menus, status answers) belongs to the town whose number sent it (issue 7.5).
      const otherTickets = new Map<string, boolean>();
      const senderTowns = new Map<string, boolean>();
      const visibleOutbox = [];
      for (const row of outbox) {
        if (row.ticketId && row.ticketId !== ticket.id) {
          if (!otherTickets.has(row.ticketId)) {
            const other = await repo.getTicket(row.ticketId);
            otherTickets.set(row.ticketId, other !== null && canAccessLocality(user, other.localityId));
          }
          if (!otherTickets.get(row.ticketId)) continue;
        } else if (!row.ticketId && user.role !== 'admin') {
          const sender = row.fromPhone ?? '';
          if (!senderTowns.has(sender)) {
            const town = sender ? await repo.findLocalityForNumber(sender) : null;
            senderTowns.set(sender, town !== null && canAccessLocality(user, town.id));
          }
          if (!senderTowns.get(sender)) continue;
        }
        visibleOutbox.push(row);
      }
      const visibleInbound = inbound.filter((m) => m.localityId === null || canAccessLocality(user, m.localityId));
      const residentTickets = (await repo.listTickets({ residentId: resident.id, sort: 'created_asc', limit: 100 })).items;
      const owner = conversationOwner(residentTickets, ticket, deps.captureWindowMinutes ?? DEFAULT_CAPTURE_WINDOW_MINUTES);
      const mine = {
        inbound: visibleInbound.filter((m) => owner(m.receivedAt, null)),
        outbox: visibleOutbox.filter((row) => owner(row.createdAt, row.ticketId)),
      };
      const hiddenMessages = visibleInbound.length + visibleOutbox.length - mine.inbound.length - mine.outbox.length;
      return {
        ticket,
        timeline,
        transcript: buildTranscript(mine),
        related: {
          tickets: residentTickets
            .filter((other) => other.id !== ticket.id && canAccessLocality(user, other.localityId))
            .map((other) => ({ id: other.id, reference: other.reference, category: other.category, status: other.status, createdAt: other.createdAt })),
          hiddenMessages,
        },
        resident: {
          maskedPhone: maskPhone(resident.phone),
          language: resident.language,
          channel: ticket.channel,
          optedOut: resident.optedOut,
        },
        localityName: locality?.name ?? '',
        allowedActions: allowedActions(ticket, { now: deps.now(), reopenWindowDays: deps.reopenWindowDays }) as TicketActionType[],
      };
    },

    async perform(user, ticketId, action, options = {}) {
      const ticket = await loadTicket(user, ticketId);
      if (options.expectedVersion !== undefined && options.expectedVersion !== ticket.updatedAt) {
        throw await changedSince(ticket.id, options.expectedVersion);
      }
      const resident = await repo.getResident(ticket.residentId);
      const language = resident?.language ?? ticket.reporterLanguage;
      const now = deps.now();
      const lifecycleAction = await toLifecycleAction(ticket, action, language);
      const result = applyTicketAction(ticket, lifecycleAction, {
        now,
        actor: user.id,
        newId: deps.newId,
        reopenWindowDays: deps.reopenWindowDays,
      });

      let timeline = result.timeline;
      const outbox: OutboxMessage[] = [];
      let question: ResolutionQuestion = { kind: 'none' };
      if (result.notify && lifecycleAction.type === 'resolve') {
        question = await resolutionQuestion({ ...ticket, ...result.patch }, lifecycleAction.note, deps.newId(), now);
      }
      if (question.kind === 'with_notice') {
        // One SMS announces the resolution and asks whether it was solved.
        outbox.push(...question.question.rows);
        timeline = markNotice(timeline, { residentNotified: true, outboxId: question.question.rows[0]!.id, feedbackAsked: true });
      } else if (result.notify) {
        const [locality, recentInbound] = await Promise.all([
          repo.getLocality(ticket.localityId),
          resident ? repo.listInboundByResident(resident.id, { limit: 20 }) : Promise.resolve([]),
        ]);
        const notice = composeResidentNotice({
          ticket,
          resident,
          notify: result.notify,
          translator: deps.translator,
          fromPhone: chooseSenderNumber(locality, recentInbound, ticket.channel),
          kind: action.type === 'reply' ? 'operator_reply' : 'status_change',
          id: deps.newId(),
          now,
        });
        if (notice.sent) {
          outbox.push(notice.outbox);
          timeline = markNotice(timeline, { residentNotified: true, outboxId: notice.outbox.id });
        } else {
          timeline = markNotice(timeline, { residentNotified: false, notNotifiedReason: notice.reason });
          if (notice.reason === 'message_missing') {
            deps.logger.error({ ticketId: ticket.id, key: result.notify.key }, 'no locale text for the resident notice');
          }
        }
      }

      try {
        const patch = { ...result.patch, updatedAt: laterThan(now, ticket.updatedAt) };
        await repo.commit({ ticketUpdates: [{ id: ticket.id, patch, expectedUpdatedAt: ticket.updatedAt }], timeline, outbox });
      } catch (error) {
        if (question.kind === 'with_notice') {
          // The question was never stored: the resident keeps the conversation they had.
          await deps.resolutionFeedback?.discardQuestionSession(question.question).catch((discardError: unknown) => {
            deps.logger.warn({ ticketId: ticket.id, err: discardError }, 'could not take back the resolution question session');
          });
        }
        if (error instanceof StaleTicketError) throw await changedSince(ticket.id, ticket.updatedAt);
        throw error;
      }
      deps.logger.info(
        { ticketId: ticket.id, userId: user.id, action: action.type, outboxId: outbox[0]?.id ?? null, ...(lifecycleAction.type === 'resolve' ? { feedbackQuestion: question.kind } : {}) },
        'ticket action applied',
      );
      if (outbox.length > 0) {
        // The row is durable; if queuing fails the outbox sweeper sends it later.
        await deps.dispatcher.enqueue(outbox.map((row) => row.id)).catch((error: unknown) => {
          deps.logger.warn({ ticketId: ticket.id, err: error }, 'could not queue the resident notice');
        });
      }

      const updated = (await repo.getTicket(ticket.id)) ?? ({ ...ticket, ...result.patch } as Ticket);
      if (question.kind === 'later') {
        // The resident is busy with another report: the notice went alone, the question follows later.
        await deps.resolutionFeedback?.askLater(updated).catch((error: unknown) => {
          deps.logger.error({ ticketId: ticket.id, err: error }, 'could not schedule the later resolution question');
        });
      }
      if (deps.onTicketChanged) {
        try {
          await deps.onTicketChanged(updated, action);
        } catch (error) {
          deps.logger.error({ ticketId: ticket.id, err: error }, 'onTicketChanged hook failed');
        }
      }
      return updated;
    },
  };
}

/**
 * The action's time, strictly after the ticket's last change: `updatedAt` is the ticket's version,
 * so two changes in the same millisecond (or under a stopped test clock) must still differ.
 */
function laterThan(now: string, previous: string): string {
  return Date.parse(now) > Date.parse(previous) ? now : new Date(Date.parse(previous) + 1).toISOString();
}
