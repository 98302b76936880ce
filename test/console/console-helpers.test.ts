/**
 * The console's pure pieces: countdowns, queue filters from a GET form, and action forms.
 */
import { parseActionForm } from '../../src/console/action-form';
import { parseQueueQuery, queueQueryString, toTicketFilter } from '../../src/console/queue-filter';
import { nextDeadline, ticketAge } from '../../src/console/ticket-clock';

const NOW = new Date('2025-07-28T15:00:00.000Z');

describe('ticket clock', () => {
  const base = { status: 'open' as const, firstResponseAt: null, firstResponseDueAt: null, resolutionDueAt: null };

  it('counts down to the first response while nobody has answered', () => {
    const due = nextDeadline({ ...base, firstResponseDueAt: '2025-07-28T17:10:00.000Z', resolutionDueAt: '2025-07-29T15:00:00.000Z' }, NOW);
    expect(due).toEqual({ kind: 'first_response', dueAt: '2025-07-28T17:10:00.000Z', overdue: false, remaining: { days: 0, hours: 2, minutes: 10 } });
  });

  it('moves on to the resolution deadline once the resident was answered', () => {
    const due = nextDeadline(
      { ...base, firstResponseAt: '2025-07-28T14:00:00.000Z', firstResponseDueAt: '2025-07-28T16:00:00.000Z', resolutionDueAt: '2025-07-26T12:30:00.000Z' },
      NOW,
    );
    expect(due).toMatchObject({ kind: 'resolution', overdue: true, remaining: { days: 2, hours: 2, minutes: 30 } });
  });

  it('has no deadline for resolved tickets or tickets without a policy', () => {
    expect(nextDeadline({ ...base, status: 'resolved', resolutionDueAt: '2025-07-29T00:00:00.000Z' }, NOW)).toBeNull();
    expect(nextDeadline(base, NOW)).toBeNull();
  });

  it('never shows a negative age', () => {
    expect(ticketAge({ createdAt: '2025-07-29T00:00:00.000Z' }, NOW)).toEqual({ days: 0, hours: 0, minutes: 0 });
  });
});

describe('queue filter', () => {
  it('shows every non-closed ticket by urgency when nothing is chosen', () => {
    const filter = toTicketFilter(parseQueueQuery({}), { userId: 'u1', now: NOW });
    expect(filter).toEqual({ statuses: ['open', 'acknowledged', 'in_progress', 'resolved'], sort: 'due', limit: 25, cursor: null });
  });

  it('turns age, assignee and category choices into a store filter', () => {
    const query = parseQueueQuery({ age: '3d', assignee: 'me', category: 'leak', sector: ' Centro ', status: 'open' });
    expect(toTicketFilter(query, { userId: 'u1', now: NOW })).toMatchObject({
      statuses: ['open'],
      categories: ['leak'],
      sector: 'Centro',
      assigneeId: 'u1',
      createdTo: '2025-07-25T15:00:00.000Z',
    });
    expect(toTicketFilter(parseQueueQuery({ assignee: 'unassigned' }), { userId: 'u1', now: NOW }).assigneeId).toBeNull();
  });

  it('drops values it does not know', () => {
    expect(parseQueueQuery({ status: 'lost', category: ['leak'], age: '2y', assignee: 'boss' })).toEqual({
      status: null,
      category: null,
      sector: null,
      age: null,
      assignee: 'any',
      q: null,
      cursor: null,
    });
  });

  it('keeps the filters in the next-page link', () => {
    const query = parseQueueQuery({ category: 'leak', assignee: 'any' });
    expect(queueQueryString(query, { cursor: 'abc' })).toBe('?category=leak&cursor=abc');
  });
});

describe('action form', () => {
  it('assigns "me" to the signed-in operator and an empty choice to nobody', () => {
    expect(parseActionForm('assign', { assignee: 'me' }, { userId: 'u1' })).toEqual({ ok: true, action: { type: 'assign', assigneeId: 'u1' } });
    expect(parseActionForm('assign', { assignee: '' }, { userId: 'u1' })).toEqual({ ok: true, action: { type: 'assign', assigneeId: null } });
  });

  it('prefers the typed reply over a canned one and refuses an empty reply', () => {
    expect(parseActionForm('reply', { text: 'Hola', canned: 'canned.x' }, { userId: 'u1' })).toEqual({ ok: true, action: { type: 'reply', text: 'Hola' } });
    expect(parseActionForm('reply', { text: ' ', canned: 'canned.x' }, { userId: 'u1' })).toEqual({ ok: true, action: { type: 'reply', cannedKey: 'canned.x' } });
    expect(parseActionForm('reply', {}, { userId: 'u1' })).toEqual({ ok: false, messageKey: 'console.error.reply_empty' });
  });

  it('requires a resolution note and caps text length', () => {
    expect(parseActionForm('resolve', { note: '' }, { userId: 'u1' })).toEqual({ ok: false, messageKey: 'console.error.resolution_note_required' });
    expect(parseActionForm('add_note', { text: 'x'.repeat(1601) }, { userId: 'u1' })).toEqual({ ok: false, messageKey: 'console.error.text_too_long' });
  });
});
