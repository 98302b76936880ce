import type { Ticket, TicketStatus } from '../../src/domain/ticket';
import { aTicket } from '../support/domain-fixtures';

/** Kept for the tests that build tickets through this module; the same builder as `aTicket`. */
export { aTicket as makeTicket };

/** A ticket in `status` with the fields that status implies, as the lifecycle would leave it. */
export function ticketIn(status: TicketStatus, overrides: Partial<Ticket> = {}): Ticket {
  const answered = { acknowledgedAt: '2025-03-07T14:30:00.000Z', firstResponseAt: '2025-03-07T14:30:00.000Z' };
  const resolved = { ...answered, resolvedAt: '2025-03-07T18:00:00.000Z', resolutionNote: 'Se cambió la válvula' };
  const byStatus: Record<TicketStatus, Partial<Ticket>> = {
    open: {},
    acknowledged: answered,
    in_progress: answered,
    resolved,
    closed: { ...resolved, closedAt: '2025-03-07T19:00:00.000Z' },
  };
  return aTicket({ status, ...byStatus[status], ...overrides });
}

/** Sequential ids, so a test can say which entry got which id. */
export function idSequence(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
