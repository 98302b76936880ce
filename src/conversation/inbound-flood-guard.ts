/**
 * Per-number inbound flood limit (issue 7.3). 200 messages from one number in 21 s used to run
 * 200 conversation turns: 201 SMS back and 50 operator hand-off tickets. Past the limit, a
 * message no longer runs the flow: it is kept (stored, marked processed, in the transcript an
 * operator reads), the first one over the limit gets ONE polite "we got many messages, we will
 * read them" reply and, when the resident has no open ticket in this town, one operator ticket
 * so a person does read them. Counted by the time each message was received, so a backlog
 * replayed after an outage is not mistaken for a flood.
 */
import type { InboundMessage } from '../domain/message';
import type { RateWindow } from '../abuse/rate-window';

export type FloodVerdict = 'within' | 'first_over' | 'over';

export interface InboundFloodGuard {
  check(residentId: string, message: InboundMessage): Promise<FloodVerdict>;
}

export function createInboundFloodGuard(deps: { window: RateWindow }): InboundFloodGuard {
  return {
    async check(residentId, message) {
      const hit = await deps.window.hit(residentId, message.id, new Date(message.receivedAt));
      if (hit.allowed) return 'within';
      return hit.firstRefused ? 'first_over' : 'over';
    },
  };
}
