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
 * Both hand-offs to an operator are in operator-hand-off; the commit and its retries in turn-committer.
 */
import { createHash } from 'node:crypto';
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import { randomReference } from '../domain/reference';
import { step } from '../flow-engine/engine';
import type { Session } from '../flow-engine/engine-types';
import type { Translator } from '../i18n/translator';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import { AlreadyProcessedError, type Repository, type UnitOfWork } from '../store/repository';
import type { LockHandle, ResidentLock } from '../shared/resident-lock';
import type { SessionStore } from './session-store';
import type { IncidentLinkingOptions } from '../incidents/incident-intake';
import type { ComputeDeadlines } from './ticket-opening';
import { createInboundFailureGuard, DEFAULT_MAX_PROCESSING_FAILURES, type DeadLettered } from './inbound-failure-guard';
import { createOperatorHandOff } from './operator-hand-off';
import { createResidentResolver } from './resident-resolution';
import { createTicketNotifier } from './ticket-notifier';
import { createTurnCommitter } from './turn-committer';
import { commitTurnEffects, type TurnEffectsDeps } from './turn-effects';
import type { InboundFloodGuard } from './inbound-flood-guard';
import { buildFloodEffects } from './flood-turn';

export type LoadedFlows = Parameters<typeof step>[0];

export interface ConversationProcessorDeps {
  repo: Repository;
  sessions: SessionStore;
  lock: ResidentLock;
  flows: LoadedFlows;
  translator: Pick<Translator, 'render' | 'source'>;
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
  /** Per-sender limit on `ESTADO` look-ups (issue 7.2). */
  statusLookups?: TurnEffectsDeps['statusLookups'];
  /** Per-number inbound flood limit (issue 7.3). */
  inboundFlood?: InboundFloodGuard;
  /** Issue 9: link new tickets to their sector's open incident (INCIDENT_* settings). */
  incidents?: IncidentLinkingOptions;
  /**
   * RESUMEN / SUMMARY (issue 6): answered with the committee summary in its own commit; null
   * means "not that keyword", run the resident flow.
   */
  summaryOnDemand?: {
    handle(message: InboundMessage, resident: Resident, locality: Locality, at: Date): Promise<{ outboxIds: string[] } | null>;
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
  | 'dead_lettered'
  | 'flood_limited';

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
    statusLookups: deps.statusLookups,
    incidents: deps.incidents,
  };
  const residents = createResidentResolver({ repo: deps.repo, newId: makeId });
  const notifier = createTicketNotifier({ logger: deps.logger, onTicketsOpened: deps.onTicketsOpened, onTicketReopened: deps.onTicketReopened });
  const turns = createTurnCommitter({
    repo: deps.repo,
    flows: deps.flows,
    sessionTimeoutMinutes: deps.sessionTimeoutMinutes,
    newReference: makeReference,
    effects: effectsDeps,
    logger: deps.logger,
  });
  const handOff = createOperatorHandOff({
    repo: deps.repo,
    sessions: deps.sessions,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    effects: effectsDeps,
    residents,
    notifier,
    newReference: makeReference,
    routesStaff: Boolean(deps.operatorInbound),
  });
  const failureGuard = createInboundFailureGuard({
    repo: deps.repo,
    logger: deps.logger,
    clock,
    maxFailures: deps.maxProcessingFailures ?? DEFAULT_MAX_PROCESSING_FAILURES,
    onDeadLettered: deps.onDeadLettered,
  });

  async function processOne(message: InboundMessage, handle: LockHandle): Promise<ProcessedTurn> {
    await handle.extend();
    const now = clock();
    const result: ProcessedTurn = { messageId: message.id, outcome: 'processed', ticketIds: [], outboxIds: [] };
    const locality = await deps.repo.findLocalityForNumber(message.toPhone);
    const staff = deps.operatorInbound ? await deps.operatorInbound.handle(message, locality) : null;
    if (staff) return { ...result, outcome: 'operator_command', outboxIds: staff.outboxIds };
    if (!locality) {
      deps.logger.warn({ messageId: message.id }, 'inbound message to a number no locality answers; marked processed');
      await deps.repo.commit(noLocalityUnit(message, now));
      return { ...result, outcome: 'no_locality' };
    }
    const { resident, appliedAt } = await residents.resolve(message, locality, now);
    const flood = deps.inboundFlood ? await deps.inboundFlood.check(resident.id, message) : 'within';
    if (flood !== 'within') {
      const effects = await buildFloodEffects(
        { repo: deps.repo, effects: effectsDeps, newReference: makeReference },
        { message, resident, locality, appliedAt, verdict: flood },
      );
      await commitTurnEffects(deps.repo, effects);
      if (flood === 'first_over') deps.logger.warn({ messageId: message.id, residentId: resident.id }, 'inbound flood limit reached; messages kept, flow paused');
      await deps.dispatcher.enqueue(effects.outboxIds);
      await notifier.opened(effects.ticketsOpened);
      return { ...result, outcome: 'flood_limited', ticketIds: effects.ticketsOpened.map((t) => t.id), outboxIds: effects.outboxIds };
    }
    const summary = deps.summaryOnDemand ? await deps.summaryOnDemand.handle(message, resident, locality, appliedAt) : null;
    if (summary) return { ...result, outboxIds: summary.outboxIds };
    const stored = await deps.sessions.get(resident.id);

    const turn = await turns.commit(message, resident, locality, stored, appliedAt);
    if ('failed' in turn) {
      const handedOff = await handOff.failedTurn(message, resident, locality, appliedAt, turn.failed);
      return { ...result, outcome: 'failed_safely', ...handedOff };
    }
    const applied = turn.committed;
    if (applied.actsOnIt) await saveSession(resident.id, applied.session, appliedAt, message.id);
    await deps.dispatcher.enqueue(applied.effects.outboxIds);
    const tickets = applied.effects.ticketsOpened;
    await notifier.opened(tickets);
    await notifier.reopened(applied.effects.ticketsReopened);
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
            handOff: (at) => handOff.deadLetter(pending, handle, at),
          });
          turns.push(await turn.catch((error: unknown) => alreadyDone(pending, error)));
        }
        return turns;
      });
    },
  };
}

/** Lock per sender without putting the phone number in a Redis key. */
export function phoneLockKey(phone: string): string {
  return createHash('sha256').update(`aguavoz-resident:${phone}`).digest('hex').slice(0, 32);
}

function noLocalityUnit(message: InboundMessage, appliedAt: Date): UnitOfWork {
  return { inboundProcessed: { id: message.id, at: appliedAt.toISOString(), residentId: null, localityId: null } };
}
