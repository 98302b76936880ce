/**
 * What a message over the per-number flood limit does instead of a conversation turn (see
 * `inbound-flood-guard`): it is marked processed with the resident's and town's ids (so it shows
 * in the transcript an operator reads) and the session is left as it was. The first message over
 * the limit also gets the one "too many messages" reply and, when the resident has no open
 * ticket in this town, one operator ticket that carries it.
 */
import type { InboundMessage } from '../domain/message';
import type { Locality } from '../domain/locality';
import type { Resident } from '../domain/resident';
import type { EngineEvent } from '../flow-engine/engine-types';
import type { Repository } from '../store/repository';
import type { FloodVerdict } from './inbound-flood-guard';
import { buildTurnEffects, type TurnEffects, type TurnEffectsDeps } from './turn-effects';

const OPEN_STATUSES = ['open', 'acknowledged', 'in_progress'] as const;

export async function buildFloodEffects(
  deps: { repo: Pick<Repository, 'listTickets'>; effects: TurnEffectsDeps; newReference: () => string },
  input: { message: InboundMessage; resident: Resident; locality: Locality; appliedAt: Date; verdict: Exclude<FloodVerdict, 'within'> },
): Promise<TurnEffects> {
  const { message, resident, locality, appliedAt } = input;
  const events: EngineEvent[] = [];
  if (input.verdict === 'first_over' && !resident.optedOut) {
    const open = await deps.repo.listTickets({ residentId: resident.id, localityIds: [locality.id], statuses: [...OPEN_STATUSES], limit: 1 });
    if (open.items.length === 0) {
      events.push({
        type: 'ticket_opened',
        reference: deps.newReference(),
        category: 'other',
        priority: 'normal',
        details: { description: message.body },
        sector: null,
        location: message.location,
        needsOperator: true,
      });
    }
    events.push({ type: 'reply_queued', key: 'abuse.flood_too_many', params: {} });
  }
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
