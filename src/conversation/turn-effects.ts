/**
 * Turns the engine's events for one inbound message into ONE unit of work: the message marked
 * processed, the resident's changes, tickets opened, timeline entries and the replies to send.
 * Events are applied in order, so a reply queued after `language_changed` is rendered in the
 * new language, and a ticket copies the resident's gender and language as they are when it opens.
 */
import type { Locality } from '../domain/locality';
import type { InboundMessage, OutboxMessage } from '../domain/message';
import type { Language, Resident } from '../domain/resident';
import type { Ticket, TimelineEntry } from '../domain/ticket';
import type { EngineEvent } from '../flow-engine/engine-types';
import type { Translator } from '../i18n/translator';
import { applyFeedbackAnswer } from '../feedback/feedback-answer';
import { newOutboxMessage } from '../messaging/outbound/outbox-message-factory';
import type { Logger } from '../shared/logger';
import type { Repository, UnitOfWork } from '../store/repository';
import { incidentLinkFor, noticesToTellFirst, type IncidentLinkingOptions } from '../incidents/incident-intake';
import { joinedOutboxIds } from '../incidents/incident-link-effects';
import { openTicket, withDeadlines, type ComputeDeadlines } from './ticket-opening';
import { lookUpStatus, type StatusLookupLimiter } from './status-reply';

/**
 * Replies with a kind of their own. The STOP confirmation must reach a resident who has just
 * opted out: the sender lets only `opt_out_confirmation` rows through to opted-out residents.
 */
const OUTBOX_KIND_BY_KEY: Record<string, string> = {
  'system.opted_out_confirmation': 'opt_out_confirmation',
};

/** The pure part of a turn (engine, rendering) threw: a bug or bad content, not an outage. */
export class TurnComputationError extends Error {
  readonly code = 'turn_computation_failed';
  constructor(readonly stage: string, override readonly cause: unknown) {
    super(`${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TurnComputationError';
  }
}

export interface TurnEffectsDeps {
  repo: Pick<
    Repository,
    'findTicketByReference' | 'listTimeline' | 'listTickets' | 'listUsers' | 'getUser' | 'getLocality' | 'listNotices' | 'findResidentSector'
  >;
  translator: Pick<Translator, 'render' | 'source'>;
  computeDeadlines?: ComputeDeadlines;
  /** The new resolution deadline of a ticket the resident's "No, not solved" reopens (issue 3). */
  resolutionAfterReopen?: (ticket: Ticket, reopenedAt: string) => Promise<string | null>;
  logger: Logger;
  newId: () => string;
  /** Per-sender limit on `ESTADO` look-ups (issue 7.2); none = unlimited. */
  statusLookups?: StatusLookupLimiter;
  /** Issue 9: new tickets join their sector's open incident; without it nothing is linked. */
  incidents?: IncidentLinkingOptions;
}

export interface TurnInput {
  message: InboundMessage;
  resident: Resident;
  locality: Locality;
  events: EngineEvent[];
  /** The turn's instant as the engine saw it (ISO). */
  turnAt: string;
  /** When the worker applied it: processedAt; the outbox rows get this instant plus 1 ms each. */
  appliedAt: Date;
  /** When the conversation this turn belongs to started, if it was already running. */
  conversationStartedAt: string | null;
  /**
   * The flow the resident is in after this turn (null: the conversation ended). A fresh
   * conversation that goes into a report is told of the planned cuts in force first (issue 9).
   */
  flowAfterTurn?: string | null;
  /** No conversation was running (none stored, or it had expired). */
  freshConversation?: boolean;
}

/** Flows a resident is in when they write about water: a notice in force is told before them. */
const REPORT_FLOWS: ReadonlySet<string> = new Set(['main_menu', 'outage', 'quality', 'leak', 'sewage']);

export interface TurnEffects {
  unit: UnitOfWork;
  ticketsOpened: Ticket[];
  /** Tickets the resident's feedback reopened, as they are after the commit. */
  ticketsReopened: Ticket[];
  /**
   * Every outbox row of the unit: replies and staff alerts, and (added by `commitTurnEffects`
   * once the store linked them) the "we already know" rows of tickets that joined an incident.
   */
  outboxIds: string[];
}

export async function buildTurnEffects(deps: TurnEffectsDeps, input: TurnInput): Promise<TurnEffects> {
  const { message, resident, locality } = input;
  const appliedIso = input.appliedAt.toISOString();
  const state = {
    language: resident.language,
    gender: resident.gender,
    genderAskedAt: resident.genderAskedAt,
  };
  const patch = residentBasePatch(message, resident, locality, appliedIso);
  const tickets: Ticket[] = [];
  const timeline: TimelineEntry[] = [];
  const outbox: OutboxMessage[] = [];
  const ticketUpdates: NonNullable<UnitOfWork['ticketUpdates']> = [];
  const ticketsReopened: Ticket[] = [];
  const outboxIfAbsent: OutboxMessage[] = [];
  const incidentLinks: NonNullable<UnitOfWork['incidentLinks']> = [];
  const noticeSubscriptions: NonNullable<UnitOfWork['noticeSubscriptions']> = [];
  /** Tickets opened this turn whose incident link waits for their confirmation reply. */
  const pendingLinks = new Set<string>();
  // Strictly increasing per row: a transcript sorted by time shows the replies in order.
  let slot = 0;
  const nextAt = () => new Date(input.appliedAt.getTime() + slot++).toISOString();

  const linkTicket = (ticket: Ticket) => {
    pendingLinks.delete(ticket.id);
    if (!deps.incidents) return;
    const request = incidentLinkFor(deps.incidents, deps.translator, {
      ticket,
      resident,
      message,
      language: state.language,
      noticeAt: nextAt(),
      newId: deps.newId,
    });
    if (request) incidentLinks.push(request);
  };

  if (deps.incidents && (input.freshConversation ?? input.conversationStartedAt === null) && input.flowAfterTurn && REPORT_FLOWS.has(input.flowAfterTurn)) {
    const told = await noticesToTellFirst({
      repo: deps.repo,
      translator: deps.translator,
      resident,
      localityId: locality.id,
      timeZone: locality.timeZone,
      message,
      language: state.language,
      at: appliedIso,
    });
    for (const { row } of told) outboxIfAbsent.push(row(nextAt()));
  }

  const queueReply = (key: string, params: Record<string, string | number>, ticketId: string | null, kind = 'flow_reply') => {
    const text = render(deps.translator, key, state.language, params);
    outbox.push(
      newOutboxMessage({
        id: deps.newId(),
        now: nextAt(),
        channel: message.channel,
        toPhone: resident.phone,
        fromPhone: message.toPhone,
        text,
        kind,
        residentId: resident.id,
        ticketId,
      }),
    );
  };

  for (const event of input.events) {
    switch (event.type) {
      case 'language_changed':
        state.language = event.language;
        patch.language = event.language;
        break;
      case 'gender_recorded':
        state.gender = event.gender;
        state.genderAskedAt = state.genderAskedAt ?? input.turnAt;
        patch.gender = event.gender;
        patch.genderAskedAt = state.genderAskedAt;
        break;
      case 'gender_declined':
        state.genderAskedAt = state.genderAskedAt ?? input.turnAt;
        patch.genderAskedAt = state.genderAskedAt;
        break;
      case 'privacy_notice_shown':
        patch.privacyNoticeSentAt = resident.privacyNoticeSentAt ?? input.turnAt;
        break;
      case 'opted_out':
        patch.optedOut = true;
        break;
      case 'opted_in':
        patch.optedOut = false;
        break;
      case 'ticket_opened': {
        const opened = openTicket({
          event,
          ticketId: deps.newId(),
          timelineIds: deps.newId,
          message,
          residentId: resident.id,
          localityId: locality.id,
          reporter: { gender: state.gender, language: state.language },
          at: input.turnAt,
        });
        tickets.push(await withDeadlines(opened.ticket, deps.computeDeadlines, deps.logger));
        timeline.push(...opened.timeline);
        pendingLinks.add(opened.ticket.id);
        break;
      }
      case 'reply_queued': {
        const reference = event.params.reference;
        const ticket = tickets.find((t) => reference !== undefined && t.reference === String(reference));
        queueReply(event.key, event.params, ticket?.id ?? null, OUTBOX_KIND_BY_KEY[event.key] ?? 'flow_reply');
        // "Ya sabemos…" goes right after the confirmation that gives the reference.
        if (ticket && pendingLinks.has(ticket.id)) linkTicket(ticket);
        break;
      }
      case 'notices_changed':
        noticeSubscriptions.push({
          residentId: resident.id,
          localityId: locality.id,
          sector: event.sector,
          active: event.sector !== null,
          updatedAt: input.turnAt,
        });
        break;
      case 'status_requested': {
        const answer = await lookUpStatus(deps.repo, {
          reference: event.reference,
          localityId: locality.id,
          residentId: resident.id,
          messageId: message.id,
          limiter: deps.statusLookups,
        });
        queueReply(answer.key, answer.params, answer.ticketId, 'status_reply');
        break;
      }
      case 'resolution_feedback': {
        const answer = await applyFeedbackAnswer(
          { repo: deps.repo, translator: deps.translator, newId: deps.newId, logger: deps.logger, resolutionAfterReopen: deps.resolutionAfterReopen },
          { event, residentId: resident.id, at: input.turnAt },
        );
        ticketUpdates.push(...answer.unit.ticketUpdates);
        timeline.push(...answer.unit.timeline);
        outbox.push(...answer.alerts);
        if (answer.outcome === 'reopened' && answer.ticket) ticketsReopened.push(answer.ticket);
        break;
      }
      case 'session_expired':
      case 'session_ended':
        break;
    }
  }

  for (const ticket of tickets) if (pendingLinks.has(ticket.id)) linkTicket(ticket);

  if (patch.gender !== undefined && patch.gender !== null) {
    ticketUpdates.push(...(await genderForThisConversation(deps, input, tickets, patch.gender)));
  }

  // The resident's updatedAt marks the last reply's instant; the next turn starts after it.
  patch.updatedAt = new Date(input.appliedAt.getTime() + Math.max(slot - 1, 0)).toISOString();
  const unit: UnitOfWork = {
    inboundProcessed: { id: message.id, at: appliedIso, residentId: resident.id, localityId: locality.id },
    residentUpdates: [{ id: resident.id, patch }],
    ticketsCreated: tickets,
    ticketUpdates,
    timeline,
    outbox,
    ...(outboxIfAbsent.length > 0 && { outboxIfAbsent }),
    ...(incidentLinks.length > 0 && { incidentLinks }),
    ...(noticeSubscriptions.length > 0 && { noticeSubscriptions }),
  };
  const outboxIds = [...outboxIfAbsent, ...outbox].map((row) => row.id);
  return { unit, ticketsOpened: tickets, ticketsReopened, outboxIds };
}

/**
 * Commits a turn's unit (or `unit`, a variant of it); the "we already know" rows the store
 * added for tickets that joined an incident then join `effects.outboxIds`, to be enqueued with
 * the turn's own replies.
 */
export async function commitTurnEffects(repo: Pick<Repository, 'commit'>, effects: TurnEffects, unit: UnitOfWork = effects.unit): Promise<void> {
  const result = await repo.commit(unit);
  for (const id of joinedOutboxIds(unit, result)) if (!effects.outboxIds.includes(id)) effects.outboxIds.push(id);
}

type ResidentPatch = NonNullable<UnitOfWork['residentUpdates']>[number]['patch'];

function residentBasePatch(message: InboundMessage, resident: Resident, locality: Locality, appliedIso: string): ResidentPatch {
  const latest = (current: string | null) => (current !== null && current > message.receivedAt ? current : message.receivedAt);
  const patch: ResidentPatch = { lastInboundAt: latest(resident.lastInboundAt), updatedAt: appliedIso };
  if (message.channel === 'whatsapp') patch.lastWhatsappInboundAt = latest(resident.lastWhatsappInboundAt);
  if (resident.localityId !== locality.id) patch.localityId = locality.id;
  return patch;
}

/**
 * The gender question comes after the complaint is captured, so the ticket of the same
 * conversation opened without it; it gets the answer too. Older tickets keep what was true then.
 */
async function genderForThisConversation(
  deps: TurnEffectsDeps,
  input: TurnInput,
  openedNow: Ticket[],
  gender: NonNullable<Resident['gender']>,
): Promise<NonNullable<UnitOfWork['ticketUpdates']>> {
  for (const ticket of openedNow) if (ticket.reporterGender === null) ticket.reporterGender = gender;
  if (!input.conversationStartedAt) return [];
  const earlier = await deps.repo.listTickets({
    residentId: input.resident.id,
    createdFrom: input.conversationStartedAt,
    sort: 'created',
    limit: 20,
  });
  return earlier.items
    .filter((ticket) => ticket.reporterGender === null && !openedNow.some((t) => t.id === ticket.id))
    .map((ticket) => ({ id: ticket.id, patch: { reporterGender: gender, updatedAt: input.turnAt } }));
}

function render(translator: Pick<Translator, 'render'>, key: string, language: Language, params: Record<string, string | number>): string {
  try {
    return translator.render(key, language, params);
  } catch (error) {
    throw new TurnComputationError(`rendering "${key}"`, error);
  }
}
