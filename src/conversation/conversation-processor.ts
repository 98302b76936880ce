/**
 * The host side of the pure engine: for a stored inbound message, runs the resident's
 * conversation one message at a time (per-resident lock, oldest first), turns the engine's
 * events into one atomic unit of work, then saves the session and enqueues the replies.
 *
 * Usable without BullMQ (tests, `aguavoz chat` local debugging): call `processInboundMessage`.
 * Failure rules: if Redis or the store fails before the commit, the call throws and the message
 * stays unprocessed (the job retries; the sweeper re-enqueues) — a message is never marked
 * processed without its effects. If the engine or a text fails (a bug), the resident is told to
 * try again later, the message becomes a ticket for an operator, and the conversation resets.
 * Any other failure that is not an outage is counted on the message, and past a limit the message
 * is dead-lettered the same way (see inbound-failure-guard) so the resident's later messages go on.
 */
import { createHash } from 'node:crypto';
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import { randomReference } from '../domain/reference';
import { step } from '../flow-engine/engine';
import type { EngineEvent, Session } from '../flow-engine/engine-types';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { AlreadyProcessedError, UniqueViolationError, type Repository, type UnitOfWork } from '../store/repository';
import type { LockHandle, ResidentLock } from '../shared/resident-lock';
import type { SessionStore } from './session-store';
import type { ComputeDeadlines } from './ticket-opening';
import { buildTurnEffects, TurnComputationError, type TurnEffects } from './turn-effects';
import { runEngineTurn } from './engine-turn';
import {
  createInboundFailureGuard,
  DEFAULT_MAX_PROCESSING_FAILURES,
  type DeadLettered,
  type DeadLetterHandOff,
} from './inbound-failure-guard';

export type LoadedFlows = Parameters<typeof step>[0];

export interface ConversationProcessorDeps {
  repo: Repository;
  sessions: SessionStore;
  lock: ResidentLock;
  flows: LoadedFlows;
  translator: Pick<Translator, 'render'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  logger: Logger;
  sessionTimeoutMinutes: number;
  /** SLA deadlines for new tickets (issue 3). */
  computeDeadlines?: ComputeDeadlines;
  /** Called after the tickets are stored and the replies enqueued (alerts, SLA jobs). */
  onTicketsOpened?: (tickets: Ticket[]) => unknown;
  /** The new resolution deadline when a resident's "not solved" reopens a ticket (issue 3). */
  resolutionAfterReopen?: (ticket: Ticket, reopenedAt: string) => Promise<string | null>;
  /** Called after the commit for each ticket the resident's feedback reopened (SLA jobs). */
  onTicketReopened?: (ticket: Ticket) => unknown;
  /**
   * Staff phones (issue 3): a message from a user's number is an operator command, answered and
   * marked processed by this hook in its own commit; null means "not staff, run the resident flow".
   */
  operatorInbound?: {
    handle(message: InboundMessage, locality: Locality | null): Promise<{ outboxIds: string[] } | null>;
  };
  /** Failures of one message that are not outages before it is dead-lettered (default 5). */
  maxProcessingFailures?: number;
  /** Called after a message is dead-lettered (metrics). */
  onDeadLettered?: (event: DeadLettered) => unknown;
  clock?: () => Date;
  newId?: () => string;
  newReference?: () => string;
}

export type TurnOutcome =
  | 'processed'
  | 'operator_command'
  | 'no_locality'
  | 'ignored_opted_out'
  | 'failed_safely'
  | 'already_processed'
  | 'dead_lettered';

export interface ProcessedTurn {
  messageId: string;
  outcome: TurnOutcome;
  ticketIds: string[];
  outboxIds: string[];
}

export interface ConversationProcessor {
  /** Processes this message and every older unprocessed one from the same phone, in order. */
  processInboundMessage(messageId: string): Promise<ProcessedTurn[]>;
}

/** A reference collision is retried with a fresh reference this many times. */
const MAX_TURN_ATTEMPTS = 5;

export function createConversationProcessor(deps: ConversationProcessorDeps): ConversationProcessor {
  const clock = deps.clock ?? (() => new Date());
  const makeId = deps.newId ?? newId;
  const makeReference = deps.newReference ?? randomReference;
  const effectsDeps = {
    repo: deps.repo,
    translator: deps.translator,
    computeDeadlines: deps.computeDeadlines,
    resolutionAfterReopen: deps.resolutionAfterReopen,
    logger: deps.logger,
    newId: makeId,
  };

  async function ensureResident(message: InboundMessage, locality: Locality, now: Date): Promise<Resident> {
    const existing = await deps.repo.findResidentByPhone(message.fromPhone);
    if (existing) return existing;
    const iso = now.toISOString();
    return deps.repo.upsertResidentByPhone({
      id: makeId(),
      phone: message.fromPhone,
      localityId: locality.id,
      language: 'es',
      gender: null,
      genderAskedAt: null,
      privacyNoticeSentAt: null,
      optedOut: false,
      lastInboundAt: null,
      lastWhatsappInboundAt: null,
      createdAt: iso,
      updatedAt: iso,
    });
  }

  async function computeTurn(message: InboundMessage, resident: Resident, locality: Locality, stored: Session | null, appliedAt: Date) {
    const turn = runEngineTurn({
      flows: deps.flows,
      session: stored,
      message,
      resident,
      locality,
      sessionTimeoutMinutes: deps.sessionTimeoutMinutes,
      newReference: makeReference,
    });
    const actsOnIt = !resident.optedOut || turn.events.some((event) => event.type === 'opted_in');
    const events: EngineEvent[] = actsOnIt ? turn.events : [];
    const effects = await buildTurnEffects(effectsDeps, {
      message,
      resident,
      locality,
      events,
      turnAt: turn.turnAt,
      appliedAt,
      conversationStartedAt: stored?.startedAt ?? null,
    });
    return { effects, session: turn.session, actsOnIt };
  }

  const failureGuard = createInboundFailureGuard({
    repo: deps.repo,
    logger: deps.logger,
    clock,
    maxFailures: deps.maxProcessingFailures ?? DEFAULT_MAX_PROCESSING_FAILURES,
    onDeadLettered: deps.onDeadLettered,
  });

  /** The resident is told we will answer (unless `reply` is false), and the message becomes a ticket for an operator. */
  function handOffEffects(message: InboundMessage, resident: Resident, locality: Locality, appliedAt: Date, reply = true): Promise<TurnEffects> {
    const events: EngineEvent[] = resident.optedOut
      ? []
      : [
          {
            type: 'ticket_opened',
            reference: makeReference(),
            category: 'other',
            priority: 'normal',
            details: { description: message.body },
            sector: null,
            location: message.location,
            needsOperator: true,
          },
          ...(reply ? [{ type: 'reply_queued', key: 'system.try_again_later', params: {} } as const] : []),
        ];
    return buildTurnEffects(effectsDeps, {
      message,
      resident,
      locality,
      events,
      turnAt: appliedAt.toISOString(),
      appliedAt,
      conversationStartedAt: null,
    });
  }

  /**
   * The engine or a text broke (a bug, not an outage): the resident is told we will answer, and
   * the message becomes a ticket for an operator so the promise holds; the conversation resets.
   */
  async function failSafely(message: InboundMessage, resident: Resident, locality: Locality, appliedAt: Date, error: TurnComputationError) {
    deps.logger.error({ messageId: message.id, residentId: resident.id, stage: error.stage, err: error.message }, 'conversation turn failed; handed to an operator');
    const effects = await handOffEffects(message, resident, locality, appliedAt);
    await deps.repo.commit(effects.unit);
    await deps.sessions.delete(resident.id).catch(() => undefined);
    return effects;
  }

  /**
   * A message given up on still reaches a person: the operator ticket and the reply are written in
   * the unit that dead-letters it, and the conversation resets. Null (nothing written) when no
   * ticket can be opened: no town answers the number, or the sender is staff.
   */
  async function handOffDeadLetter(message: InboundMessage, handle: LockHandle, at: Date): Promise<DeadLetterHandOff | null> {
    await handle.extend();
    const locality = await deps.repo.findLocalityForNumber(message.toPhone);
    if (!locality) return null;
    if (deps.operatorInbound && (await deps.repo.findUserByPhone(message.fromPhone))) return null;
    const resident = await ensureResident(message, locality, at);
    const appliedAt = afterPreviousTurn(at, resident);
    const effects = await handOffEffects(message, resident, locality, appliedAt).catch((error: unknown) => {
      if (!(error instanceof TurnComputationError)) throw error;
      // The reply itself cannot be rendered (perhaps why the turn failed): the ticket alone still reaches an operator.
      return handOffEffects(message, resident, locality, appliedAt, false);
    });
    const { inboundProcessed: mark, ...writes } = effects.unit;
    await deps.repo.commit({ ...writes, inboundFailed: mark });
    await deps.sessions.delete(resident.id).catch(() => undefined);
    // Committed: the replies wait in the outbox for the outbox sweeper if this enqueue fails.
    await deps.dispatcher.enqueue(effects.outboxIds).catch((error: unknown) => {
      deps.logger.warn({ messageId: message.id, err: String(error) }, 'replies to a dead-lettered message not enqueued; left to the outbox sweeper');
    });
    await notifyTicketsOpened(effects.ticketsOpened);
    return { ticketIds: effects.ticketsOpened.map((t) => t.id), outboxIds: effects.outboxIds };
  }

  async function processOne(message: InboundMessage, handle: LockHandle): Promise<ProcessedTurn> {
    await handle.extend();
    let appliedAt = clock();
    const result: ProcessedTurn = { messageId: message.id, outcome: 'processed', ticketIds: [], outboxIds: [] };
    const locality = await deps.repo.findLocalityForNumber(message.toPhone);
    const staff = deps.operatorInbound ? await deps.operatorInbound.handle(message, locality) : null;
    if (staff) return { ...result, outcome: 'operator_command', outboxIds: staff.outboxIds };
    if (!locality) {
      deps.logger.warn({ messageId: message.id }, 'inbound message to a number no locality answers; marked processed');
      await deps.repo.commit(noLocalityUnit(message, appliedAt));
      return { ...result, outcome: 'no_locality' };
    }
    const resident = await ensureResident(message, locality, appliedAt);
    appliedAt = afterPreviousTurn(appliedAt, resident);
    const stored = await deps.sessions.get(resident.id);

    let applied: { effects: TurnEffects; session: Session | null; actsOnIt: boolean } | null = null;
    for (let attempt = 1; attempt <= MAX_TURN_ATTEMPTS && applied === null; attempt += 1) {
      let turn: Awaited<ReturnType<typeof computeTurn>>;
      try {
        turn = await computeTurn(message, resident, locality, stored, appliedAt);
      } catch (error) {
        if (!(error instanceof TurnComputationError)) throw error;
        const effects = await failSafely(message, resident, locality, appliedAt, error);
        await deps.dispatcher.enqueue(effects.outboxIds);
        await notifyTicketsOpened(effects.ticketsOpened);
        return { ...result, outcome: 'failed_safely', ticketIds: effects.ticketsOpened.map((t) => t.id), outboxIds: effects.outboxIds };
      }
      try {
        await deps.repo.commit(turn.effects.unit);
        applied = turn;
      } catch (error) {
        const isReferenceClash = error instanceof UniqueViolationError && error.field.includes('reference');
        if (!isReferenceClash || attempt === MAX_TURN_ATTEMPTS) throw error;
        deps.logger.warn({ messageId: message.id, attempt }, 'ticket reference collision; retrying the turn');
      }
    }
    if (!applied) throw new Error('unreachable: turn neither applied nor failed');

    if (applied.actsOnIt) await saveSession(resident.id, applied.session, appliedAt, message.id);
    await deps.dispatcher.enqueue(applied.effects.outboxIds);
    const tickets = applied.effects.ticketsOpened;
    await notifyTicketsOpened(tickets);
    await notifyTicketsReopened(applied.effects.ticketsReopened);
    return {
      ...result,
      outcome: applied.actsOnIt ? 'processed' : 'ignored_opted_out',
      ticketIds: tickets.map((t) => t.id),
      outboxIds: applied.effects.outboxIds,
    };
  }

  /**
   * Another worker committed this message's turn first (a lost lock): the store refused ours
   * whole, so there is nothing to retry and nothing of ours to send.
   */
  function alreadyDone(message: InboundMessage, error: unknown): ProcessedTurn {
    if (!(error instanceof AlreadyProcessedError)) throw error;
    deps.logger.info({ messageId: message.id }, 'inbound message already processed by another worker; skipped');
    return { messageId: message.id, outcome: 'already_processed', ticketIds: [], outboxIds: [] };
  }

  async function notifyTicketsOpened(tickets: Ticket[]): Promise<void> {
    if (tickets.length === 0 || !deps.onTicketsOpened) return;
    try {
      await deps.onTicketsOpened(tickets);
    } catch (error) {
      deps.logger.error({ ticketIds: tickets.map((t) => t.id), err: String(error) }, 'onTicketsOpened hook failed');
    }
  }

  async function notifyTicketsReopened(tickets: Ticket[]): Promise<void> {
    if (!deps.onTicketReopened) return;
    for (const ticket of tickets) {
      try {
        await deps.onTicketReopened(ticket);
      } catch (error) {
        deps.logger.error({ ticketId: ticket.id, err: String(error) }, 'onTicketReopened hook failed');
      }
    }
  }

  /** After the commit the turn is done; a lost session only means the next message starts afresh. */
  async function saveSession(residentId: string, session: Session | null, now: Date, messageId: string) {
    try {
      if (session) await deps.sessions.save(residentId, session, now);
      else await deps.sessions.delete(residentId);
    } catch (error) {
      deps.logger.error({ messageId, residentId, err: String(error) }, 'session not saved after a committed turn');
    }
  }

  return {
    async processInboundMessage(messageId) {
      const message = await deps.repo.getInboundMessage(messageId);
      if (!message) {
        deps.logger.warn({ messageId }, 'inbound job for an unknown message ignored');
        return [];
      }
      return deps.lock.withLock(phoneLockKey(message.fromPhone), async (handle) => {
        const turns: ProcessedTurn[] = [];
        for (const pending of await deps.repo.listUnprocessedInboundFrom(message.fromPhone)) {
          const turn = failureGuard.run(pending, {
            process: () => processOne(pending, handle),
            handOff: (at) => handOffDeadLetter(pending, handle, at),
          });
          turns.push(await turn.catch((error: unknown) => alreadyDone(pending, error)));
        }
        return turns;
      });
    },
  };
}

/**
 * Turns of one resident a millisecond apart must not interleave their replies' timestamps:
 * start just after the previous turn's last reply (kept as the resident's updatedAt), unless
 * that instant is implausibly far ahead (another host's clock).
 */
function afterPreviousTurn(now: Date, resident: Resident): Date {
  const previous = Date.parse(resident.updatedAt);
  if (Number.isNaN(previous) || previous < now.getTime() || previous - now.getTime() > 1000) return now;
  return new Date(previous + 1);
}

/** Lock per sender without putting the phone number in a Redis key. */
export function phoneLockKey(phone: string): string {
  return createHash('sha256').update(`aguavoz-resident:${phone}`).digest('hex').slice(0, 32);
}

function noLocalityUnit(message: InboundMessage, appliedAt: Date): UnitOfWork {
  return { inboundProcessed: { id: message.id, at: appliedAt.toISOString(), residentId: null, localityId: null } };
}
