/**
 * Keeps one message that can never be processed from silencing its resident. A resident's
 * messages are processed oldest first, so a message whose turn always fails (a bug, a constraint
 * the turn breaks) would otherwise be retried forever and hold back every later one.
 *
 * Each such failure is counted on the stored message; at the limit the message is dead-lettered
 * (`failedAt`): never retried again, left out of the per-phone drain and the sweeper, and handed to
 * an operator as a ticket carrying its text whenever one can be opened. An outage (see
 * failure-classifier) is never counted: that message is retried until the dependency is back.
 */
import type { InboundMessage } from '../domain/message';
import type { Logger } from '../shared/logger';
import { AlreadyProcessedError, type Repository } from '../store/repository';
import type { ProcessedTurn } from './conversation-processor';
import { failureReason, isTransientFailure } from './failure-classifier';

/** Failures of one message (not outages) before it is dead-lettered. */
export const DEFAULT_MAX_PROCESSING_FAILURES = 5;

export interface DeadLetterHandOff {
  ticketIds: string[];
  outboxIds: string[];
}

/** What the guard reports about a dead-lettered message (no phone, no text). */
export interface DeadLettered {
  messageId: string;
  failures: number;
  ticketIds: string[];
}

export interface InboundFailureGuardDeps {
  repo: Pick<Repository, 'recordInboundFailure' | 'commit'>;
  logger: Logger;
  clock: () => Date;
  maxFailures: number;
  /** After a message is dead-lettered (metrics); its errors are logged, never thrown. */
  onDeadLettered?: (event: DeadLettered) => unknown;
}

export interface GuardedTurn {
  /** The message's turn. */
  process(): Promise<ProcessedTurn>;
  /**
   * Dead-letters the message in one unit with an operator ticket carrying its text (none for an
   * opted-out resident), or resolves null having written nothing when no ticket can be opened
   * (no town answers the number, a staff phone).
   */
  handOff(at: Date): Promise<DeadLetterHandOff | null>;
}

export interface InboundFailureGuard {
  /**
   * Runs the turn. An outage or AlreadyProcessedError is rethrown untouched; another failure is
   * counted and rethrown (the job retries) until the limit, where the message is dead-lettered.
   */
  run(message: InboundMessage, turn: GuardedTurn): Promise<ProcessedTurn>;
}

export function createInboundFailureGuard(deps: InboundFailureGuardDeps): InboundFailureGuard {
  async function count(message: InboundMessage, error: unknown): Promise<InboundMessage | null> {
    try {
      return await deps.repo.recordInboundFailure(message.id, { at: deps.clock().toISOString(), reason: failureReason(error) });
    } catch (recordError) {
      deps.logger.warn({ messageId: message.id, reason: failureReason(recordError) }, 'inbound processing failure not counted');
      return null;
    }
  }

  async function deadLetter(message: InboundMessage, turn: GuardedTurn): Promise<ProcessedTurn> {
    const at = deps.clock();
    let handOff: DeadLetterHandOff | null = null;
    try {
      handOff = await turn.handOff(at);
    } catch (error) {
      // Still counted past the limit: the next attempt dead-letters it again, ticket included.
      if (isTransientFailure(error) || error instanceof AlreadyProcessedError) throw error;
      deps.logger.error(
        { messageId: message.id, reason: failureReason(error) },
        'no operator ticket could be stored for a dead-lettered inbound message; it stays dead-lettered for an operator to find',
      );
    }
    if (!handOff) {
      const mark = { id: message.id, at: at.toISOString(), residentId: message.residentId, localityId: message.localityId };
      await deps.repo.commit({ inboundFailed: mark });
      handOff = { ticketIds: [], outboxIds: [] };
    }
    const event: DeadLettered = { messageId: message.id, failures: message.processingFailures ?? 0, ticketIds: handOff.ticketIds };
    deps.logger.error(
      { ...event, reason: message.lastFailureReason ?? null },
      'inbound message dead-lettered after repeated processing failures; no longer retried',
    );
    try {
      await deps.onDeadLettered?.(event);
    } catch (hookError) {
      deps.logger.error({ messageId: message.id, reason: failureReason(hookError) }, 'onDeadLettered hook failed');
    }
    return { messageId: message.id, outcome: 'dead_lettered', ticketIds: handOff.ticketIds, outboxIds: handOff.outboxIds };
  }

  return {
    async run(message, turn) {
      // Counted to the limit by an attempt that stopped before dead-lettering it (a crash).
      if ((message.processingFailures ?? 0) >= deps.maxFailures) return deadLetter(message, turn);
      try {
        return await turn.process();
      } catch (error) {
        if (isTransientFailure(error) || error instanceof AlreadyProcessedError) throw error;
        const counted = await count(message, error);
        const stillPending = counted !== null && counted.processedAt === null && counted.failedAt === undefined;
        const failures = counted?.processingFailures ?? 0;
        if (!stillPending || failures < deps.maxFailures) {
          deps.logger.warn({ messageId: message.id, failures, reason: failureReason(error) }, 'inbound message failed; it will be retried');
          throw error;
        }
        return deadLetter(counted, turn);
      }
    },
  };
}
