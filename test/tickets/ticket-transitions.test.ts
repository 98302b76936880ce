import { TICKET_STATUSES, type Ticket, type TicketStatus } from '../../src/domain/ticket';
import { type TicketAction, type TicketActionType } from '../../src/tickets/ticket-actions';
import { TicketTransitionError } from '../../src/tickets/ticket-errors';
import { applyTicketAction } from '../../src/tickets/ticket-lifecycle';
import { allowedActions } from '../../src/tickets/ticket-transitions';
import { idSequence, ticketIn } from './ticket-fixture';

const NOW = '2025-03-07T20:00:00.000Z';

const SAMPLE_ACTIONS: Record<TicketActionType, TicketAction> = {
  acknowledge: { type: 'acknowledge' },
  assign: { type: 'assign', assigneeId: 'user-2' },
  reply: { type: 'reply', text: 'Estamos yendo a revisar la matriz' },
  add_note: { type: 'add_note', text: 'Llamar al gasfitero' },
  start: { type: 'start' },
  resolve: { type: 'resolve', note: 'Se cambió la válvula del reservorio' },
  close: { type: 'close' },
  reopen: { type: 'reopen', reason: 'El vecino dice que sigue sin agua' },
  record_feedback: { type: 'record_feedback', rating: 4 },
};

/** Written out by hand (not read from the table) so a change to the table has to be deliberate. */
const REFUSED = 'refused' as const;
const EXPECTED: Record<TicketActionType, Record<TicketStatus, TicketStatus | typeof REFUSED>> = {
  acknowledge: { open: 'acknowledged', acknowledged: REFUSED, in_progress: REFUSED, resolved: REFUSED, closed: REFUSED },
  assign: { open: 'open', acknowledged: 'acknowledged', in_progress: 'in_progress', resolved: 'resolved', closed: REFUSED },
  // Replying to a new ticket acknowledges it (issue 10): the resident heard from a person.
  reply: { open: 'acknowledged', acknowledged: 'acknowledged', in_progress: 'in_progress', resolved: 'resolved', closed: REFUSED },
  add_note: { open: 'open', acknowledged: 'acknowledged', in_progress: 'in_progress', resolved: 'resolved', closed: REFUSED },
  start: { open: 'in_progress', acknowledged: 'in_progress', in_progress: REFUSED, resolved: REFUSED, closed: REFUSED },
  resolve: { open: 'resolved', acknowledged: 'resolved', in_progress: 'resolved', resolved: REFUSED, closed: REFUSED },
  close: { open: REFUSED, acknowledged: REFUSED, in_progress: REFUSED, resolved: 'closed', closed: REFUSED },
  reopen: { open: REFUSED, acknowledged: REFUSED, in_progress: REFUSED, resolved: 'open', closed: 'open' },
  record_feedback: { open: REFUSED, acknowledged: REFUSED, in_progress: REFUSED, resolved: 'resolved', closed: 'closed' },
};

const cases = (Object.keys(EXPECTED) as TicketActionType[]).flatMap((action) =>
  TICKET_STATUSES.map((status) => ({ action, status, expected: EXPECTED[action][status] })),
);
const allowed = cases.filter((c) => c.expected !== REFUSED);
const refused = cases.filter((c) => c.expected === REFUSED);

function attempt(ticket: Ticket, action: TicketAction) {
  return () => applyTicketAction(ticket, action, { now: NOW, actor: 'user-1', newId: idSequence() });
}

describe('ticket transitions', () => {
  it('the expected matrix covers all 9 actions in all 5 statuses', () => {
    expect(cases).toHaveLength(45);
    expect(allowed).toHaveLength(23);
    expect(refused).toHaveLength(22);
  });

  it.each(allowed)('$action on a $status ticket leaves it $expected and records a timeline entry', ({ action, status, expected }) => {
    const ticket = ticketIn(status);
    const result = attempt(ticket, SAMPLE_ACTIONS[action])();
    expect(result.patch.status ?? ticket.status).toBe(expected);
    expect(result.patch.updatedAt).toBe(NOW);
    expect(result.timeline.length).toBeGreaterThanOrEqual(1);
    expect(result.timeline[0]).toMatchObject({ ticketId: ticket.id, at: NOW, actor: 'user-1', id: 'id-1' });
  });

  it.each(refused)('$action on a $status ticket is refused and changes nothing', ({ action, status }) => {
    const ticket = ticketIn(status);
    const before = structuredClone(ticket);
    const newId = jest.fn(() => 'never');
    let caught: unknown;
    try {
      applyTicketAction(ticket, SAMPLE_ACTIONS[action], { now: NOW, actor: 'user-1', newId });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TicketTransitionError);
    expect(caught).toMatchObject({ code: 'invalid_transition', status, action });
    expect(ticket).toEqual(before);
    expect(newId).not.toHaveBeenCalled();
  });

  it.each([
    ['resolve', 'closed', 'cannot resolve a closed ticket'],
    ['acknowledge', 'resolved', 'cannot acknowledge a resolved ticket'],
    ['reopen', 'open', 'cannot reopen an open ticket'],
    ['start', 'in_progress', 'cannot start an in-progress ticket'],
    ['reply', 'closed', 'cannot reply to a closed ticket'],
    ['close', 'acknowledged', 'cannot close an acknowledged ticket'],
  ] as const)('refusing %s on a %s ticket says "%s"', (action, status, message) => {
    expect(attempt(ticketIn(status), SAMPLE_ACTIONS[action])).toThrow(message);
  });
});

describe('reopen window for closed tickets', () => {
  const closedAt = '2025-03-01T12:00:00.000Z';

  it('a ticket closed 6 days ago can be reopened', () => {
    const ticket = ticketIn('closed', { closedAt });
    const result = applyTicketAction(ticket, { type: 'reopen' }, { now: '2025-03-07T12:00:00.000Z', actor: 'user-1', newId: idSequence() });
    expect(result.patch).toMatchObject({ status: 'open', closedAt: null, resolvedAt: null, reopenCount: 1 });
  });

  it('a ticket closed more than 7 days ago cannot be reopened and says why', () => {
    const ticket = ticketIn('closed', { closedAt });
    expect(() =>
      applyTicketAction(ticket, { type: 'reopen' }, { now: '2025-03-08T12:00:01.000Z', actor: 'user-1', newId: idSequence() }),
    ).toThrow('cannot reopen a closed ticket: it was closed more than 7 days ago');
  });

  it('the window can be configured', () => {
    const ticket = ticketIn('closed', { closedAt });
    const options = { now: '2025-03-20T12:00:00.000Z', actor: 'user-1', newId: idSequence() };
    expect(() => applyTicketAction(ticket, { type: 'reopen' }, options)).toThrow(TicketTransitionError);
    expect(applyTicketAction(ticket, { type: 'reopen' }, { ...options, reopenWindowDays: 30 }).patch.status).toBe('open');
  });
});

describe('allowedActions', () => {
  it.each([
    ['open', ['acknowledge', 'assign', 'reply', 'add_note', 'start', 'resolve']],
    ['acknowledged', ['assign', 'reply', 'add_note', 'start', 'resolve']],
    ['in_progress', ['assign', 'reply', 'add_note', 'resolve']],
    ['resolved', ['assign', 'reply', 'add_note', 'close', 'reopen']],
    ['closed', ['reopen']],
  ] as const)('in status %s the operator is offered %j', (status, actions) => {
    expect(allowedActions(ticketIn(status), { now: NOW })).toEqual(actions);
  });

  it('a closed ticket offers nothing once the reopen window has passed', () => {
    expect(allowedActions(ticketIn('closed'), { now: '2025-03-20T00:00:00.000Z' })).toEqual([]);
  });

  it('without a clock a closed ticket does not offer reopen, since the window cannot be judged', () => {
    expect(allowedActions(ticketIn('closed'))).toEqual([]);
  });
});
