/**
 * Runs the pure engine for one inbound message, following its contract: a session past its
 * `expiresAt` is first fed `{ type: 'expiry' }` (so the resident is told it expired), then the
 * message itself. A lost session (Redis restarted) is simply `null`: a fresh conversation.
 */
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import { step } from '../flow-engine/engine';
import type { EngineContext, EngineEvent, EngineInput, Session } from '../flow-engine/engine-types';
import { TurnComputationError } from './turn-effects';

export interface EngineTurnInput {
  flows: Parameters<typeof step>[0];
  session: Session | null;
  message: InboundMessage;
  resident: Resident;
  locality: Locality;
  sessionTimeoutMinutes: number;
  newReference: () => string;
}

export interface EngineTurn {
  session: Session | null;
  events: EngineEvent[];
  /** The instant the engine was given: when the resident wrote, never before the last turn. */
  turnAt: string;
}

export function runEngineTurn(input: EngineTurnInput): EngineTurn {
  const { session, message, resident } = input;
  const turnAt = session && session.lastActivityAt > message.receivedAt ? session.lastActivityAt : message.receivedAt;
  const ctx: EngineContext = {
    now: turnAt,
    channel: message.channel,
    resident: {
      language: resident.language,
      gender: resident.gender,
      genderAsked: resident.genderAskedAt !== null,
      isFirstContact: resident.privacyNoticeSentAt === null,
      optedOut: resident.optedOut,
    },
    locality: { name: input.locality.name, sectors: input.locality.sectors },
    sessionTimeoutMinutes: input.sessionTimeoutMinutes,
    newReference: input.newReference,
  };
  const messageInput: EngineInput = {
    type: 'message',
    text: message.body,
    location: message.location,
    mediaCount: message.media.length,
  };
  try {
    const events: EngineEvent[] = [];
    let current = session;
    if (current && current.expiresAt <= turnAt) {
      const expired = step(input.flows, current, { type: 'expiry' }, ctx);
      events.push(...expired.events);
      current = expired.session;
    }
    const result = step(input.flows, current, messageInput, ctx);
    events.push(...result.events);
    return { session: result.session, events, turnAt };
  } catch (error) {
    throw new TurnComputationError('flow engine step', error);
  }
}
