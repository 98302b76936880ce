/**
 * After an operator resolves a ticket, the resident is asked "¿Se resolvió su problema? 1 Sí
 * 2 No" (then a 1–5 rating): the `resolution_feedback` flow is started for them with
 * `{ reference }`, its session stored, and its first question queued in the resident's language
 * on the ticket's channel. The answer then arrives as an ordinary message and the engine emits
 * `resolution_feedback` (see `applyFeedbackAnswer`).
 *
 * One SMS, not two (issue 8 §7): the ticket service calls `prepareQuestion` with
 * `{ resolution_note }` BEFORE it stores the resolution, and the question it gets back is the
 * resolution notice too ("Su reclamo … fue resuelto. Nota del operador: … ¿Se resolvió su
 * problema? 1 Sí 2 No"), stored in the same commit instead of the plain notice. An incident's
 * resolution does the same in its broadcast (issue 9).
 *
 * The session is saved BEFORE the question is stored: if the resident got the question but we
 * had no session, their "1" would be read as "1 No hay agua" from the main menu (and if that
 * commit then fails, `discardQuestionSession` puts the previous session back).
 * A resident in the middle of another report (active in the last `busyMinutes`) is not
 * interrupted: their report matters more. They get the plain notice at once, and the question
 * later (`askLater`, a delayed job run by the maintenance worker through `onTicketResolved`).
 * Short side flows (the optional gender question, language, status) and anything left idle
 * longer are replaced.
 *
 * @example
 *   const feedback = createResolutionFeedback({ repo, sessions, flows, translator, dispatcher, now, newId, sessionTimeoutMinutes: 30, logger });
 *   const tickets = createTicketService({ …, resolutionFeedback: feedback });
 */
import type { SessionStore } from '../conversation/session-store';
import { phoneChannelOf, type Ticket } from '../domain/ticket';
import { startFlow } from '../flow-engine/engine';
import type { EngineContext, Session } from '../flow-engine/engine-types';
import type { OutboxMessage } from '../domain/message';
import type { LoadedFlows } from '../flow-engine/loaded-flows';
import type { Translator } from '../i18n/translator';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import type { Repository } from '../store/repository';
import { chooseSenderNumber } from '../tickets/resident-notice';

export const FEEDBACK_FLOW_ID = 'resolution_feedback';
export const FEEDBACK_QUESTION_KIND = 'feedback_question';

export interface ResolutionFeedbackDeps {
  repo: Pick<Repository, 'getResident' | 'getLocality' | 'listInboundByResident' | 'commit'>;
  sessions: SessionStore;
  flows: LoadedFlows;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  now: () => string;
  newId: () => string;
  sessionTimeoutMinutes: number;
  logger: Logger;
  /** A conversation active this recently is not interrupted (default 5 minutes). */
  busyMinutes?: number;
  /** Schedules another try for a resident who was busy; without it the question is skipped. */
  askLater?: (ticket: Ticket, attempt: number) => Promise<void>;
  /** Tries before giving up on a resident who stays busy (default 6). */
  maxAttempts?: number;
}

/** Side flows a resident may be taken out of: nothing they are reporting is lost. */
const INTERRUPTIBLE_FLOWS: ReadonlySet<string> = new Set(['gender', 'language', 'status', 'main_menu']);

export type FeedbackQuestionOutcome =
  | { outcome: 'asked'; outboxIds: string[] }
  | { outcome: 'deferred'; attempt: number }
  | {
      outcome: 'skipped';
      reason: 'not_resolved' | 'no_phone_channel' | 'resident_missing' | 'resident_opted_out' | 'resident_busy' | 'no_question' | 'already_asked' | 'failed';
    };

/** Options of a question prepared by another path (an incident's resolution, issue 9). */
export interface QuestionOptions {
  /** Extra flow variables, e.g. `{ incident_place, incident_note, incident_category }`. */
  vars?: Record<string, string>;
  /** Id of the question's row (derived, so a broadcast run twice stores it once). */
  firstOutboxId?: string;
  now?: string;
  /**
   * The question asked later (a busy resident): not asked when this resolution's question is
   * already waiting for the resident or was answered, so a retry never asks twice.
   */
  onlyIfUnasked?: boolean;
}

export type PreparedQuestion =
  | {
      outcome: 'ready';
      residentId: string;
      session: Session | null;
      /** The session the question replaces, put back by `discardQuestionSession`. */
      previous: Session | null;
      rows: OutboxMessage[];
      at: Date;
    }
  | { outcome: 'busy' }
  | { outcome: 'skipped'; reason: 'not_resolved' | 'no_phone_channel' | 'resident_missing' | 'resident_opted_out' | 'no_question' | 'already_asked' };

export interface ResolutionFeedback {
  /**
   * The question for a resolved ticket without storing it, for a caller that stores it in its
   * own unit of work (an incident's resolution: the ticket, its timeline and the question in one
   * commit). Call {@link ResolutionFeedback.saveQuestionSession} before that commit.
   */
  prepareQuestion(ticket: Ticket, options: QuestionOptions): Promise<PreparedQuestion>;
  saveQuestionSession(question: Extract<PreparedQuestion, { outcome: 'ready' }>): Promise<void>;
  /** The commit that was to store the question failed: the resident's previous session comes back. */
  discardQuestionSession(question: Extract<PreparedQuestion, { outcome: 'ready' }>): Promise<void>;
  /** Schedules the ordinary question for later (a busy resident); false when nothing can schedule it. */
  askLater(ticket: Ticket): Promise<boolean>;
  /**
   * Never throws: a question that could not be asked must not undo the resolution.
   * `attempt` counts the tries (1 the first time; the delayed retries pass theirs).
   */
  onTicketResolved(ticket: Ticket, options?: { attempt?: number }): Promise<FeedbackQuestionOutcome>;
}

export function createResolutionFeedback(deps: ResolutionFeedbackDeps): ResolutionFeedback {
  const busyMs = (deps.busyMinutes ?? 5) * 60_000;

  /** The question for one resolved ticket, not yet stored: its session and its outbox row. */
  async function prepare(ticket: Ticket, options: QuestionOptions): Promise<PreparedQuestion> {
    if (ticket.status !== 'resolved') return { outcome: 'skipped', reason: 'not_resolved' };
    const channel = phoneChannelOf(ticket);
    if (!channel) return { outcome: 'skipped', reason: 'no_phone_channel' };
    const resident = await deps.repo.getResident(ticket.residentId);
    if (!resident) return { outcome: 'skipped', reason: 'resident_missing' };
    if (resident.optedOut) return { outcome: 'skipped', reason: 'resident_opted_out' };
    const now = options.now ?? deps.now();
    const current = await deps.sessions.get(resident.id);
    if (options.onlyIfUnasked) {
      const waiting = current !== null && current.flowId === FEEDBACK_FLOW_ID && current.vars.reference === ticket.reference && current.expiresAt > now;
      if (waiting || ticket.residentConfirmedSolved !== null || ticket.residentRating !== null) return { outcome: 'skipped', reason: 'already_asked' };
    }
    const isBusy =
      current !== null &&
      current.flowId !== FEEDBACK_FLOW_ID &&
      !INTERRUPTIBLE_FLOWS.has(current.flowId) &&
      current.expiresAt > now &&
      Date.parse(now) - Date.parse(current.lastActivityAt) < busyMs;
    if (isBusy) return { outcome: 'busy' };
    const [locality, recentInbound] = await Promise.all([
      deps.repo.getLocality(ticket.localityId),
      deps.repo.listInboundByResident(resident.id, { limit: 20 }),
    ]);
    const ctx: EngineContext = {
      now,
      channel,
      resident: {
        language: resident.language,
        gender: resident.gender,
        genderAsked: resident.genderAskedAt !== null,
        isFirstContact: false,
        optedOut: resident.optedOut,
      },
      locality: { name: locality?.name ?? '', sectors: locality?.sectors ?? [] },
      sessionTimeoutMinutes: deps.sessionTimeoutMinutes,
      newReference: () => {
        throw new Error('the resolution_feedback flow must not open tickets');
      },
    };
    const started = startFlow(deps.flows, FEEDBACK_FLOW_ID, { ...options.vars, reference: ticket.reference }, ctx);
    const fromPhone = chooseSenderNumber(locality, recentInbound, channel);
    const nowMs = Date.parse(now);
    const replies = started.events.filter((event) => event.type === 'reply_queued');
    const rows = replies.map((event, index) =>
      newOutboxMessage({
        id: index === 0 && options.firstOutboxId ? options.firstOutboxId : deps.newId(),
        // Strictly after the resolution notice stored at the same instant.
        now: new Date(nowMs + index + 1).toISOString(),
        channel,
        toPhone: resident.phone,
        fromPhone,
        text: deps.translator.render(event.key, resident.language, event.params),
        kind: FEEDBACK_QUESTION_KIND,
        residentId: resident.id,
        ticketId: ticket.id,
      }),
    );
    if (rows.length === 0) return { outcome: 'skipped', reason: 'no_question' };
    return { outcome: 'ready', residentId: resident.id, session: started.session, previous: current, rows, at: new Date(nowMs) };
  }

  /** Saves the session BEFORE the question can be stored (see the module comment). */
  async function saveSession(question: Extract<PreparedQuestion, { outcome: 'ready' }>): Promise<void> {
    if (question.session) await deps.sessions.save(question.residentId, question.session, question.at);
  }

  /** The question asked later, alone (the resolution notice went out when the ticket was resolved). */
  async function ask(ticket: Ticket, attempt: number): Promise<FeedbackQuestionOutcome> {
    const question = await prepare(ticket, { onlyIfUnasked: true });
    if (question.outcome === 'skipped') return question;
    if (question.outcome === 'busy') {
      if (deps.askLater && attempt < (deps.maxAttempts ?? 6)) {
        await deps.askLater(ticket, attempt + 1);
        return { outcome: 'deferred', attempt: attempt + 1 };
      }
      return { outcome: 'skipped', reason: 'resident_busy' };
    }
    await saveSession(question);
    await deps.repo.commit({ outbox: question.rows });
    const outboxIds = question.rows.map((row) => row.id);
    await deps.dispatcher.enqueue(outboxIds);
    return { outcome: 'asked', outboxIds };
  }

  return {
    prepareQuestion: prepare,
    saveQuestionSession: saveSession,
    async discardQuestionSession(question) {
      if (!question.session) return;
      const mine = await deps.sessions.get(question.residentId);
      // Only our own question's session is taken back; a newer conversation stays.
      if (mine === null || mine.startedAt !== question.session.startedAt || mine.flowId !== FEEDBACK_FLOW_ID) return;
      if (question.previous) await deps.sessions.save(question.residentId, question.previous, question.at);
      else await deps.sessions.delete(question.residentId);
    },
    async askLater(ticket) {
      if (!deps.askLater) return false;
      await deps.askLater(ticket, 2);
      return true;
    },
    async onTicketResolved(ticket, options = {}) {
      try {
        const result = await ask(ticket, options.attempt ?? 1);
        deps.logger.info({ ticketId: ticket.id, ...result }, 'resolution feedback question');
        return result;
      } catch (error) {
        deps.logger.error({ ticketId: ticket.id, err: error }, 'resolution feedback question not asked');
        return { outcome: 'skipped', reason: 'failed' };
      }
    },
  };
}
