import { applyTicketAction } from '../../src/tickets/ticket-lifecycle';
import { createBusinessCalendar } from '../../src/sla/business-calendar';
import { computeDeadlines, deadlinesAfterReopen, evaluateSla, newSlaBreach, nextSlaCheckAt } from '../../src/sla/sla-deadlines';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../src/sla/sla-policy';
import { idSequence, makeTicket } from '../tickets/ticket-fixture';

const calendar = createBusinessCalendar({ timeZone: 'America/Lima' });
const policy = DEFAULT_SLA_POLICY;

describe('computeDeadlines', () => {
  it('an outage on Friday evening is due in calendar hours, weekend or not', () => {
    expect(
      computeDeadlines({ ticket: { category: 'outage', priority: 'normal', createdAt: '2025-03-07T16:30:00-05:00' }, policy, calendar }),
    ).toEqual({ firstResponseDueAt: '2025-03-07T23:30:00.000Z', resolutionDueAt: '2025-03-08T21:30:00.000Z' });
  });

  it('an urgent outage gets half the time', () => {
    expect(
      computeDeadlines({ ticket: { category: 'outage', priority: 'urgent', createdAt: '2025-03-07T21:30:00Z' }, policy, calendar }),
    ).toEqual({ firstResponseDueAt: '2025-03-07T22:30:00.000Z', resolutionDueAt: '2025-03-08T09:30:00.000Z' });
  });

  it('a billing complaint on the Thursday before the July holidays: acknowledgement by 31 July, resolution by 19 August', () => {
    expect(
      computeDeadlines({ ticket: { category: 'billing', priority: 'normal', createdAt: '2025-07-24T10:00:00-05:00' }, policy, calendar }),
    ).toEqual({ firstResponseDueAt: '2025-07-31T22:00:00.000Z', resolutionDueAt: '2025-08-19T22:00:00.000Z' });
  });

  it('a policy in business hours: Friday 16:30 + 2 business hours is Monday 09:30, + 16 is Tuesday 14:30', () => {
    const officePolicy: SlaPolicy = {
      categories: {
        leak: {
          normal: { firstResponse: { amount: 2, unit: 'business_hours' }, resolution: { amount: 16, unit: 'business_hours' } },
        },
      },
    };
    expect(
      computeDeadlines({
        ticket: { category: 'leak', priority: 'normal', createdAt: '2025-03-07T16:30:00-05:00' },
        policy: officePolicy,
        calendar,
      }),
    ).toEqual({ firstResponseDueAt: '2025-03-10T14:30:00.000Z', resolutionDueAt: '2025-03-11T19:30:00.000Z' });
  });

  it('a category without a policy gets no deadlines', () => {
    expect(
      computeDeadlines({ ticket: { category: 'other', priority: 'normal', createdAt: '2025-03-07T14:00:00Z' }, policy: { categories: {} }, calendar }),
    ).toEqual({ firstResponseDueAt: null, resolutionDueAt: null });
  });
});

describe('evaluateSla', () => {
  const due = { firstResponseDueAt: '2025-03-07T16:00:00.000Z', resolutionDueAt: '2025-03-08T14:00:00.000Z' };

  it('a ticket answered and resolved in time met both', () => {
    expect(
      evaluateSla({ ...due, firstResponseAt: '2025-03-07T15:00:00Z', resolvedAt: '2025-03-08T10:00:00Z' }, '2025-03-09T00:00:00Z'),
    ).toEqual({ firstResponse: 'met', resolution: 'met', breachedAt: null });
  });

  it('an answer exactly at the deadline meets it', () => {
    expect(evaluateSla({ ...due, firstResponseAt: '2025-03-07T16:00:00.000Z', resolvedAt: null }, '2025-03-07T17:00:00Z').firstResponse).toBe(
      'met',
    );
  });

  it('an unanswered ticket is pending before the deadline and breached when it arrives', () => {
    const ticket = { ...due, firstResponseAt: null, resolvedAt: null };
    expect(evaluateSla(ticket, '2025-03-07T15:59:59.999Z')).toEqual({ firstResponse: 'pending', resolution: 'pending', breachedAt: null });
    expect(evaluateSla(ticket, '2025-03-07T16:00:00.000Z')).toEqual({
      firstResponse: 'breached',
      resolution: 'pending',
      breachedAt: '2025-03-07T16:00:00.000Z',
    });
  });

  it('a late answer is breached even after the fact, and breachedAt is the earliest missed deadline', () => {
    expect(
      evaluateSla({ ...due, firstResponseAt: '2025-03-07T18:00:00Z', resolvedAt: '2025-03-08T20:00:00Z' }, '2025-03-09T00:00:00Z'),
    ).toEqual({ firstResponse: 'breached', resolution: 'breached', breachedAt: '2025-03-07T16:00:00.000Z' });
  });

  it('a ticket without deadlines is not applicable', () => {
    expect(
      evaluateSla({ firstResponseDueAt: null, resolutionDueAt: null, firstResponseAt: null, resolvedAt: null }, '2025-03-09T00:00:00Z'),
    ).toEqual({ firstResponse: 'not_applicable', resolution: 'not_applicable', breachedAt: null });
  });

  it('a breach is reported for alerting only while none is recorded on the ticket', () => {
    const late = { ...due, firstResponseAt: null, resolvedAt: null, slaBreachedAt: null };
    expect(newSlaBreach(late, '2025-03-07T17:00:00Z')).toBe('2025-03-07T16:00:00.000Z');
    expect(newSlaBreach({ ...late, slaBreachedAt: '2025-03-07T16:00:00.000Z' }, '2025-03-08T17:00:00Z')).toBeNull();
    expect(newSlaBreach(late, '2025-03-07T15:00:00Z')).toBeNull();
  });

  it('the next check is the earliest pending deadline', () => {
    const open = { ...due, firstResponseAt: null, resolvedAt: null };
    expect(nextSlaCheckAt(open, '2025-03-07T14:00:00Z')).toBe(due.firstResponseDueAt);
    expect(nextSlaCheckAt({ ...open, firstResponseAt: '2025-03-07T15:00:00Z' }, '2025-03-07T15:00:00Z')).toBe(due.resolutionDueAt);
    expect(nextSlaCheckAt({ ...open, firstResponseAt: '2025-03-07T15:00:00Z', resolvedAt: '2025-03-08T09:00:00Z' }, '2025-03-08T09:00:00Z')).toBeNull();
  });
});

describe('a reopened ticket', () => {
  it('gets a new resolution deadline from the reopen time and is judged on it', () => {
    const createdAt = '2025-03-07T14:00:00.000Z';
    let ticket = makeTicket({ category: 'leak', createdAt, ...computeDeadlines({ ticket: { category: 'leak', priority: 'normal', createdAt }, policy, calendar }) });
    expect(ticket.resolutionDueAt).toBe('2025-03-09T14:00:00.000Z');
    const newId = idSequence();
    const step = (now: string, action: Parameters<typeof applyTicketAction>[1], actor = 'user-1') => {
      ticket = { ...ticket, ...applyTicketAction(ticket, action, { now, actor, newId }).patch };
    };

    step('2025-03-07T15:00:00.000Z', { type: 'acknowledge' });
    step('2025-03-08T10:00:00.000Z', { type: 'resolve', note: 'Se cerró la llave de paso' });
    expect(evaluateSla(ticket, '2025-03-08T10:00:00.000Z').resolution).toBe('met');

    const reopenedAt = '2025-03-10T09:00:00.000Z';
    step(reopenedAt, { type: 'record_feedback', solved: false }, 'resident');
    ticket = { ...ticket, ...deadlinesAfterReopen({ ticket, reopenedAt, policy, calendar }) };
    expect(ticket.resolutionDueAt).toBe('2025-03-12T09:00:00.000Z');
    expect(ticket.firstResponseDueAt).toBe('2025-03-07T18:00:00.000Z');
    expect(evaluateSla(ticket, '2025-03-11T00:00:00.000Z')).toEqual({ firstResponse: 'met', resolution: 'pending', breachedAt: null });

    step('2025-03-12T12:00:00.000Z', { type: 'resolve', note: 'Tubería cambiada' });
    expect(evaluateSla(ticket, '2025-03-13T00:00:00.000Z')).toEqual({
      firstResponse: 'met',
      resolution: 'breached',
      breachedAt: '2025-03-12T09:00:00.000Z',
    });
  });
});
