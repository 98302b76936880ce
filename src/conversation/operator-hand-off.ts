/**
 * Failing safely: when a message's turn cannot be computed (the engine or a text broke) or the
 * message is dead-lettered, the resident is told to try again later and the message becomes a
 * ticket for an operator carrying its text, so the promise holds; the conversation resets.
 */
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { EngineEvent } from '../flow-engine/engine-types';
import type { SendDispatcher } from '../messaging/outbound/send-dispatcher';
import type { Logger } from '../shared/logger';
import type { LockHandle } from '../shared/resident-lock';
import type { Repository } from '../store/repository';
import type { ProcessedTurn } from './conversation-processor';
import type { DeadLetterHandOff } from './inbound-failure-guard';
import type { ResidentResolver } from './resident-resolution';
import type { SessionStore } from './session-store';
import type { TicketNotifier } from './ticket-notifier';
import { buildTurnEffects, commitTurnEffects, TurnComputationError, type TurnEffects, type TurnEffectsDeps } from './turn-effects';

export interface OperatorHandOffDeps {
  repo: Pick<Repository, 'commit' | 'findLocalityForNumber' | 'findUserByPhone'>;
  sessions: Pick<SessionStore, 'delete'>;
  dispatcher: Pick<SendDispatcher, 'enqueue'>;
  logger: Logger;
  effects: TurnEffectsDeps;
  residents: ResidentResolver;
  notifier: TicketNotifier;
  newReference: () => string;
  /** Staff phones are answered as operator commands (issue 3), so no ticket is opened for them. */
  routesStaff: boolean;
}

export interface OperatorHandOff {
  /** Commits the hand-off of a message whose turn broke (marked processed), then sends the reply. */
  failedTurn(
    message: InboundMessage,
    resident: Resident,
    locality: Locality,
    appliedAt: Date,
    error: TurnComputationError,
  ): Promise<Pick<ProcessedTurn, 'ticketIds' | 'outboxIds'>>;
  /**
   * A message given up on still reaches a person: the operator ticket and the reply are written in
   * the unit that dead-letters it. Null (nothing written) when no ticket can be opened: no town
   * answers the number, or the sender is staff.
   */
  deadLetter(message: InboundMessage, handle: LockHandle, at: Date): Promise<DeadLetterHandOff | null>;
}

export function createOperatorHandOff(deps: OperatorHandOffDeps): OperatorHandOff {
  /** The resident is told we will answer (unless `reply` is false), and the message becomes a ticket for an operator. */
  function handOffEffects(message: InboundMessage, resident: Resident, locality: Locality, appliedAt: Date, reply = true): Promise<TurnEffects> {
    const events: EngineEvent[] = resident.optedOut
      ? []
      : [
          {
            type: 'ticket_opened',
            reference: deps.newReference(),
            category: 'other',
            priority: 'normal',
            details: { description: message.body },
            sector: null,
            location: message.location,
            needsOperator: true,
          },
          ...(reply ? [{ type: 'reply_queued', key: 'system.try_again_later', params: {} } as const] : []),
        ];
    return buildTurnEffects(deps.effects, {
      message,
      resident,
      locality,
      events,
      turnAt: appliedAt.toISOString(),
      appliedAt,
      conversationStartedAt: null,
    });
  }

  return {
    async failedTurn(message, resident, locality, appliedAt, error) {
      deps.logger.error({ messageId: message.id, residentId: resident.id, stage: error.stage, err: error.message }, 'conversation turn failed; handed to an operator');
      const effects = await handOffEffects(message, resident, locality, appliedAt);
      await commitTurnEffects(deps.repo, effects);
      await deps.sessions.delete(resident.id).catch(() => undefined);
      await deps.dispatcher.enqueue(effects.outboxIds);
      await deps.notifier.opened(effects.ticketsOpened);
      return { ticketIds: effects.ticketsOpened.map((t) => t.id), outboxIds: effects.outboxIds };
    },

    async deadLetter(message, handle, at) {
      await handle.extend();
      const locality = await deps.repo.findLocalityForNumber(message.toPhone);
      if (!locality) return null;
      if (deps.routesStaff && (await deps.repo.findUserByPhone(message.fromPhone))) return null;
      const { resident, appliedAt } = await deps.residents.resolve(message, locality, at);
      const effects = await handOffEffects(message, resident, locality, appliedAt).catch((error: unknown) => {
        if (!(error instanceof TurnComputationError)) throw error;
        // The reply itself cannot be rendered (perhaps why the turn failed): the ticket alone still reaches an operator.
        return handOffEffects(message, resident, locality, appliedAt, false);
      });
      const { inboundProcessed: mark, ...writes } = effects.unit;
      await commitTurnEffects(deps.repo, effects, { ...writes, inboundFailed: mark });
      await deps.sessions.delete(resident.id).catch(() => undefined);
      // Committed: the replies wait in the outbox for the outbox sweeper if this enqueue fails.
      await deps.dispatcher.enqueue(effects.outboxIds).catch((error: unknown) => {
        deps.logger.warn({ messageId: message.id, err: String(error) }, 'replies to a dead-lettered message not enqueued; left to the outbox sweeper');
      });
      await deps.notifier.opened(effects.ticketsOpened);
      return { ticketIds: effects.ticketsOpened.map((t) => t.id), outboxIds: effects.outboxIds };
    },
  };
}
