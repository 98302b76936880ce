import type { Ticket } from '../../src/domain/ticket';
import type { TicketAction } from '../../src/tickets/ticket-actions';
import { TicketActionError } from '../../src/tickets/ticket-errors';
import { applyTicketAction } from '../../src/tickets/ticket-lifecycle';
import { idSequence, makeTicket, ticketIn } from './ticket-fixture';

const CREATED = '2025-03-07T14:00:00.000Z';

/** Applies actions in order, as the ticket service would store each patch. */
function run(ticket: Ticket, steps: Array<[at: string, action: TicketAction, actor?: string]>) {
  const newId = idSequence('entry');
  let current = ticket;
  const results = steps.map(([at, action, actor]) => {
    const result = applyTicketAction(current, action, { now: at, actor: actor ?? 'user-1', newId });
    current = { ...current, ...result.patch };
    return result;
  });
  return { ticket: current, results, timeline: results.flatMap((r) => r.timeline) };
}

describe('first response', () => {
  it('a reply to a new ticket is its first response and acknowledges it: it leaves "Nuevo", and acknowledging again is refused', () => {
    const { ticket, timeline } = run(makeTicket({ createdAt: CREATED }), [['2025-03-07T14:20:00.000Z', { type: 'reply', text: 'Ya vamos' }]]);
    expect(ticket.firstResponseAt).toBe('2025-03-07T14:20:00.000Z');
    expect(ticket.acknowledgedAt).toBe('2025-03-07T14:20:00.000Z');
    expect(ticket.status).toBe('acknowledged');
    expect(timeline).toEqual([expect.objectContaining({ type: 'replied', isPublic: true, data: { acknowledged: true } })]);
    expect(() => applyTicketAction(ticket, { type: 'acknowledge' }, { now: '2025-03-07T15:00:00.000Z', actor: 'user-1', newId: idSequence() })).toThrow(
      /cannot acknowledge an acknowledged ticket/,
    );
  });

  it('a reply to a ticket already in progress keeps its status and its acknowledgement time', () => {
    const { ticket } = run(makeTicket({ createdAt: CREATED }), [
      ['2025-03-07T14:10:00.000Z', { type: 'start' }],
      ['2025-03-07T14:20:00.000Z', { type: 'reply', text: 'Ya vamos' }],
    ]);
    expect(ticket.status).toBe('in_progress');
    expect(ticket.acknowledgedAt).toBeNull();
    expect(ticket.firstResponseAt).toBe('2025-03-07T14:10:00.000Z');
  });

  it('an acknowledgement before any reply is the first response', () => {
    const { ticket } = run(makeTicket(), [
      ['2025-03-07T14:10:00.000Z', { type: 'acknowledge' }],
      ['2025-03-07T14:40:00.000Z', { type: 'reply', text: 'Ya vamos' }],
    ]);
    expect(ticket.firstResponseAt).toBe('2025-03-07T14:10:00.000Z');
    expect(ticket.acknowledgedAt).toBe('2025-03-07T14:10:00.000Z');
  });

  it('an internal note or an assignment is not a response to the resident', () => {
    const { ticket } = run(makeTicket(), [
      ['2025-03-07T14:10:00.000Z', { type: 'add_note', text: 'Revisar reservorio' }],
      ['2025-03-07T14:11:00.000Z', { type: 'assign', assigneeId: 'user-2' }],
    ]);
    expect(ticket.firstResponseAt).toBeNull();
    expect(ticket.assigneeId).toBe('user-2');
  });

  it('resolving straight from open answers the resident, so it is the first response', () => {
    const { ticket } = run(makeTicket(), [['2025-03-07T16:00:00.000Z', { type: 'resolve', note: 'Ya hay agua' }]]);
    expect(ticket.firstResponseAt).toBe('2025-03-07T16:00:00.000Z');
    expect(ticket.acknowledgedAt).toBeNull();
  });

  it('times with an offset are stored as UTC', () => {
    const result = applyTicketAction(makeTicket(), { type: 'acknowledge' }, { now: '2025-03-07T09:10:00-05:00', actor: 'user-1', newId: idSequence() });
    expect(result.patch.firstResponseAt).toBe('2025-03-07T14:10:00.000Z');
  });
});

describe('what the resident is told', () => {
  const options = { now: '2025-03-07T16:00:00.000Z', actor: 'user-1', newId: idSequence() };

  it.each([
    ['acknowledge', 'open', { type: 'acknowledge' }, { key: 'notify.acknowledged', params: { reference: '4821937' } }],
    ['start', 'acknowledged', { type: 'start' }, { key: 'notify.in_progress', params: { reference: '4821937' } }],
    [
      'resolve',
      'in_progress',
      { type: 'resolve', note: 'Se reparó la tubería' },
      { key: 'notify.resolved', params: { reference: '4821937', note: 'Se reparó la tubería' } },
    ],
    ['close', 'resolved', { type: 'close' }, { key: 'notify.closed', params: { reference: '4821937' } }],
    ['reopen', 'resolved', { type: 'reopen' }, { key: 'notify.reopened', params: { reference: '4821937' } }],
    [
      'reply',
      'acknowledged',
      { type: 'reply', text: 'Mañana llega la cisterna' },
      { key: 'notify.operator_reply', params: { reference: '4821937', text: 'Mañana llega la cisterna' } },
    ],
  ] as const)('%s on a %s ticket notifies the resident', (_name, status, action, notify) => {
    expect(applyTicketAction(ticketIn(status), action as TicketAction, options).notify).toEqual(notify);
  });

  it('an internal note notifies nobody and is not public', () => {
    const result = applyTicketAction(ticketIn('acknowledged'), { type: 'add_note', text: 'El vecino es el regidor' }, options);
    expect(result.notify).toBeNull();
    expect(result.timeline).toEqual([
      expect.objectContaining({ type: 'note_added', isPublic: false, text: 'El vecino es el regidor' }),
    ]);
  });

  it('an assignment notifies nobody and records who had it before', () => {
    const result = applyTicketAction(ticketIn('open', { assigneeId: 'user-3' }), { type: 'assign', assigneeId: null }, options);
    expect(result.notify).toBeNull();
    expect(result.patch.assigneeId).toBeNull();
    expect(result.timeline[0]?.data).toEqual({ assigneeId: null, previousAssigneeId: 'user-3' });
  });

  it('a public reply is a public timeline entry carrying the text', () => {
    const result = applyTicketAction(ticketIn('open'), { type: 'reply', text: 'Ya vamos' }, options);
    expect(result.timeline).toEqual([expect.objectContaining({ type: 'replied', isPublic: true, text: 'Ya vamos' })]);
  });
});

describe('bad payloads are refused and change nothing', () => {
  const options = { now: '2025-03-07T16:00:00.000Z', actor: 'user-1', newId: idSequence() };

  it.each([
    ['a resolution without a note', { type: 'resolve', note: '   ' }],
    ['an empty reply', { type: 'reply', text: '' }],
    ['a rating of 7', { type: 'record_feedback', rating: 7 }],
    ['feedback with neither answer', { type: 'record_feedback' }],
    ['an unknown action', { type: 'delete' }],
  ])('%s gives an invalid_action error', (_name, action) => {
    const ticket = ticketIn('resolved');
    const before = structuredClone(ticket);
    expect(() => applyTicketAction(ticket, action as TicketAction, options)).toThrow(TicketActionError);
    expect(() => applyTicketAction(ticket, action as TicketAction, options)).toThrow(expect.objectContaining({ code: 'invalid_action' }));
    expect(ticket).toEqual(before);
  });

  it('a resolution note is trimmed before it is stored and sent', () => {
    const result = applyTicketAction(ticketIn('in_progress'), { type: 'resolve', note: '  Válvula cambiada ' }, options);
    expect(result.patch.resolutionNote).toBe('Válvula cambiada');
  });

  it('a clock value that is not an instant is a programmer error', () => {
    expect(() => applyTicketAction(ticketIn('open'), { type: 'acknowledge' }, { ...options, now: 'yesterday' })).toThrow(TypeError);
  });
});

describe('reopening', () => {
  it('an operator reopen returns the ticket to open, counts it and clears the resolution', () => {
    const result = applyTicketAction(
      ticketIn('resolved', { reopenCount: 1 }),
      { type: 'reopen', reason: 'Sigue saliendo agua turbia' },
      { now: '2025-03-08T10:00:00.000Z', actor: 'user-1', newId: idSequence() },
    );
    expect(result.patch).toEqual({
      status: 'open',
      reopenCount: 2,
      resolvedAt: null,
      closedAt: null,
      resolutionNote: null,
      updatedAt: '2025-03-08T10:00:00.000Z',
    });
    expect(result.timeline).toEqual([
      expect.objectContaining({ type: 'reopened', text: 'Sigue saliendo agua turbia', isPublic: false, data: { previousStatus: 'resolved', reopenCount: 2 } }),
    ]);
    expect(result.alertOperators).toBe(false);
  });

  it('a resident answering "No" to "was it solved?" reopens the ticket and alerts the operators', () => {
    const result = applyTicketAction(
      ticketIn('resolved'),
      { type: 'record_feedback', solved: false, rating: 2 },
      { now: '2025-03-08T10:00:00.000Z', actor: 'resident', newId: idSequence() },
    );
    expect(result.patch).toMatchObject({ status: 'open', reopenCount: 1, resolvedAt: null, residentConfirmedSolved: false, residentRating: 2 });
    expect(result.timeline.map((e) => [e.type, e.actor])).toEqual([
      ['resident_feedback', 'resident'],
      ['reopened', 'resident'],
    ]);
    expect(result.notify).toEqual({ key: 'notify.reopened', params: { reference: '4821937' } });
    expect(result.alertOperators).toBe(true);
  });

  it('a resident answering "Yes" records it and changes no status', () => {
    const result = applyTicketAction(
      ticketIn('resolved'),
      { type: 'record_feedback', solved: true, rating: 5 },
      { now: '2025-03-08T10:00:00.000Z', actor: 'resident', newId: idSequence() },
    );
    expect(result.patch).toEqual({ residentConfirmedSolved: true, residentRating: 5, updatedAt: '2025-03-08T10:00:00.000Z' });
    expect(result.notify).toBeNull();
    expect(result.alertOperators).toBe(false);
  });

  it('a "No" long after closing is recorded but does not reopen the old ticket', () => {
    const result = applyTicketAction(
      ticketIn('closed'),
      { type: 'record_feedback', solved: false },
      { now: '2025-04-07T10:00:00.000Z', actor: 'resident', newId: idSequence() },
    );
    expect(result.patch).toEqual({ residentConfirmedSolved: false, updatedAt: '2025-04-07T10:00:00.000Z' });
    expect(result.timeline[0]?.data).toEqual({ solved: false, rating: null, reopened: false });
    expect(result.alertOperators).toBe(false);
  });

  it('a full cycle: answered, resolved, reopened by the resident, resolved again and closed', () => {
    const { ticket, timeline } = run(makeTicket({ createdAt: CREATED }), [
      ['2025-03-07T14:20:00.000Z', { type: 'reply', text: 'Ya vamos' }],
      ['2025-03-07T15:00:00.000Z', { type: 'start' }],
      ['2025-03-07T18:00:00.000Z', { type: 'resolve', note: 'Válvula cambiada' }],
      ['2025-03-07T20:00:00.000Z', { type: 'record_feedback', solved: false }, 'resident'],
      ['2025-03-08T09:00:00.000Z', { type: 'start' }],
      ['2025-03-08T12:00:00.000Z', { type: 'resolve', note: 'Tubería reemplazada' }],
      ['2025-03-08T12:30:00.000Z', { type: 'record_feedback', solved: true, rating: 4 }, 'resident'],
      ['2025-03-09T12:00:00.000Z', { type: 'close' }],
    ]);
    expect(ticket).toMatchObject({
      status: 'closed',
      firstResponseAt: '2025-03-07T14:20:00.000Z',
      acknowledgedAt: '2025-03-07T14:20:00.000Z',
      resolvedAt: '2025-03-08T12:00:00.000Z',
      closedAt: '2025-03-09T12:00:00.000Z',
      resolutionNote: 'Tubería reemplazada',
      reopenCount: 1,
      residentConfirmedSolved: true,
      residentRating: 4,
    });
    expect(timeline.map((e) => e.type)).toEqual([
      'replied',
      'started',
      'resolved',
      'resident_feedback',
      'reopened',
      'started',
      'resolved',
      'resident_feedback',
      'closed',
    ]);
    expect(new Set(timeline.map((e) => e.id)).size).toBe(timeline.length);
  });
});
