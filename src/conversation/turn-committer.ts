/**
 * Runs a resident's turn through the engine and commits its effects as one unit of work. Ticket
 * references are random, so one may clash with a stored ticket's: the store refuses the whole
 * unit and the turn is computed again with a fresh reference, a few times at most.
 */
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { EngineEvent, Session } from '../flow-engine/engine-types';
import type { Logger } from '../shared/logger';
import { UniqueViolationError, type Repository } from '../store/repository';
import { runEngineTurn, type EngineTurnInput } from './engine-turn';
import { buildTurnEffects, commitTurnEffects, TurnComputationError, type TurnEffects, type TurnEffectsDeps } from './turn-effects';

/** A reference collision is retried with a fresh reference this many times. */
const MAX_TURN_ATTEMPTS = 5;

export interface TurnCommitterDeps {
  repo: Pick<Repository, 'commit'>;
  flows: EngineTurnInput['flows'];
  sessionTimeoutMinutes: number;
  newReference: () => string;
  effects: TurnEffectsDeps;
  logger: Logger;
}

export interface CommittedTurn {
  effects: TurnEffects;
  /** The session to keep for the resident's next message; null ends the conversation. */
  session: Session | null;
  /** False when an opted-out resident wrote without opting in: nothing but the bookkeeping was applied. */
  actsOnIt: boolean;
}

/** Committed, or not computable (a bug, not an outage) with nothing written. */
export type TurnCommit = { committed: CommittedTurn } | { failed: TurnComputationError };

export interface TurnCommitter {
  /** Throws (nothing committed) on a store failure or when every attempt's reference clashed. */
  commit(message: InboundMessage, resident: Resident, locality: Locality, stored: Session | null, appliedAt: Date): Promise<TurnCommit>;
}

export function createTurnCommitter(deps: TurnCommitterDeps): TurnCommitter {
  async function computeTurn(message: InboundMessage, resident: Resident, locality: Locality, stored: Session | null, appliedAt: Date): Promise<CommittedTurn> {
    const turn = runEngineTurn({
      flows: deps.flows,
      session: stored,
      message,
      resident,
      locality,
      sessionTimeoutMinutes: deps.sessionTimeoutMinutes,
      newReference: deps.newReference,
    });
    const actsOnIt = !resident.optedOut || turn.events.some((event) => event.type === 'opted_in');
    const events: EngineEvent[] = actsOnIt ? turn.events : [];
    const effects = await buildTurnEffects(deps.effects, {
      message,
      resident,
      locality,
      events,
      turnAt: turn.turnAt,
      appliedAt,
      conversationStartedAt: stored?.startedAt ?? null,
      // An opted-out resident's ignored message is told nothing (no planned-cut notice either).
      flowAfterTurn: actsOnIt ? (turn.session?.flowId ?? null) : null,
      freshConversation: !stored || stored.expiresAt <= turn.turnAt,
    });
    return { effects, session: turn.session, actsOnIt };
  }

  return {
    async commit(message, resident, locality, stored, appliedAt) {
      for (let attempt = 1; ; attempt += 1) {
        let turn: CommittedTurn;
        try {
          turn = await computeTurn(message, resident, locality, stored, appliedAt);
        } catch (error) {
          if (!(error instanceof TurnComputationError)) throw error;
          return { failed: error };
        }
        try {
          await commitTurnEffects(deps.repo, turn.effects);
          return { committed: turn };
        } catch (error) {
          const isReferenceClash = error instanceof UniqueViolationError && error.field.includes('reference');
          if (!isReferenceClash || attempt === MAX_TURN_ATTEMPTS) throw error;
          deps.logger.warn({ messageId: message.id, attempt }, 'ticket reference collision; retrying the turn');
        }
      }
    },
  };
}
