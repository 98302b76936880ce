import type { Ticket, TicketStatus } from '../../src/domain/ticket';

/** A plain ticket as the store returns it; override what the test is about. */
export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'ticket-1',
    reference: '4821937',
    localityId: 'loc-san-martin',
    residentId: 'resident-1',
    category: 'outage',
    details: { since: 'ayer', scope: 'street' },
    sector: 'Barrio Alto',
    location: null,
    channel: 'sms',
    reporterGender: 'woman',
    reporterLanguage: 'es',
    priority: 'normal',
    status: 'open',
    needsOperator: false,
    assigneeId: null,
    createdAt: '2025-03-07T14:00:00.000Z',
    updatedAt: '2025-03-07T14:00:00.000Z',
    firstResponseAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    reopenCount: 0,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    slaBreachedAt: null,
    resolutionNote: null,
    residentConfirmedSolved: null,
    residentRating: null,
    ...overrides,
  };
}

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
  return makeTicket({ status, ...byStatus[status], ...overrides });
}

/** Sequential ids, so a test can say which entry got which id. */
export function idSequence(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
