import type { Gender } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import { InvalidStatsPeriodError, computeResponseTimeStats } from '../../src/response-times/response-time-stats';
import { applyTicketAction } from '../../src/tickets/ticket-lifecycle';
import { idSequence, makeTicket } from '../tickets/ticket-fixture';

const PERIOD = { from: '2025-03-03T05:00:00.000Z', to: '2025-03-10T05:00:00.000Z' };
const NOW = '2025-03-12T00:00:00.000Z';
const BASE = Date.parse('2025-03-04T14:00:00.000Z');
const at = (minutesAfterBase: number) => new Date(BASE + minutesAfterBase * 60_000).toISOString();

/** A ticket created at BASE + `offset` minutes, answered and resolved after the given minutes. */
function ticket(options: {
  id: string;
  gender?: Gender | null;
  firstResponse?: number | null;
  resolution?: number | null;
  firstResponseDue?: number | null;
  resolutionDue?: number | null;
  offset?: number;
  overrides?: Partial<Ticket>;
}): Ticket {
  const offset = options.offset ?? 0;
  const after = (minutes: number | null | undefined) => (minutes === null || minutes === undefined ? null : at(offset + minutes));
  const resolved = options.resolution !== null && options.resolution !== undefined;
  return makeTicket({
    id: options.id,
    reporterGender: options.gender === undefined ? 'woman' : options.gender,
    createdAt: at(offset),
    firstResponseAt: after(options.firstResponse),
    resolvedAt: after(options.resolution),
    status: resolved ? 'resolved' : 'acknowledged',
    firstResponseDueAt: after(options.firstResponseDue === undefined ? 120 : options.firstResponseDue),
    resolutionDueAt: after(options.resolutionDue === undefined ? 1440 : options.resolutionDue),
    ...options.overrides,
  });
}

describe('response-time statistics', () => {
  it('median and 90th percentile of a known set (nearest rank, wall-clock minutes)', () => {
    const tickets = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((minutes, i) =>
      ticket({ id: `t${i}`, firstResponse: minutes, resolution: minutes * 10 }),
    );
    const report = computeResponseTimeStats({ tickets, period: PERIOD, now: NOW, groupBy: ['localityId', 'category'] });
    expect(report).toMatchObject({ unit: 'wall_clock_minutes', percentile: 'nearest_rank', minGroupSize: 5 });
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({
      key: { localityId: 'loc-san-martin', category: 'outage' },
      count: 10,
      open: 0,
      firstResponse: { count: 10, medianMinutes: 50, p90Minutes: 90 },
      resolution: { count: 10, medianMinutes: 500, p90Minutes: 900 },
    });
  });

  it('the share within SLA counts met against breached and leaves out pending and no-SLA tickets', () => {
    const tickets = [
      ticket({ id: 'met', firstResponse: 60, resolution: 600 }),
      ticket({ id: 'on-the-dot', firstResponse: 120, resolution: 1440 }),
      ticket({ id: 'late', firstResponse: 180, resolution: 2000 }),
      ticket({ id: 'never-answered', firstResponse: null, resolution: null }),
      ticket({ id: 'pending', offset: 8000, firstResponse: null, resolution: null, firstResponseDue: 9999, resolutionDue: 99999 }),
      ticket({ id: 'no-sla', firstResponse: 30, resolution: 90, firstResponseDue: null, resolutionDue: null }),
    ];
    const { total } = computeResponseTimeStats({ tickets, period: PERIOD, now: NOW, groupBy: [] });
    expect(total.count).toBe(6);
    expect(total.open).toBe(2);
    expect(total.firstResponse.withinSla).toEqual({ met: 2, breached: 2, share: 0.5 });
    expect(total.resolution.withinSla).toEqual({ met: 2, breached: 2, share: 0.5 });
    expect(total.firstResponse.count).toBe(4);
  });

  it('the period is a cohort of tickets created in [from, to)', () => {
    const tickets = [
      makeTicket({ id: 'before', createdAt: '2025-03-03T04:59:59.999Z' }),
      makeTicket({ id: 'first', createdAt: PERIOD.from }),
      makeTicket({ id: 'last', createdAt: '2025-03-10T04:59:59.999Z' }),
      makeTicket({ id: 'after', createdAt: PERIOD.to }),
    ];
    expect(computeResponseTimeStats({ tickets, period: PERIOD, now: NOW }).total.count).toBe(2);
  });

  it('a ticket answered by a reply (which acknowledges it) counts from the reply, not from the later start', () => {
    let t = makeTicket({ id: 'reply-first', createdAt: at(0), firstResponseDueAt: at(120), resolutionDueAt: at(1440) });
    const newId = idSequence();
    for (const [minutes, action] of [
      [25, { type: 'reply', text: 'Ya vamos' }],
      [200, { type: 'start' }],
    ] as const) {
      t = { ...t, ...applyTicketAction(t, action, { now: at(minutes), actor: 'user-1', newId }).patch };
    }
    const { total } = computeResponseTimeStats({ tickets: [t], period: PERIOD, now: NOW, groupBy: [] });
    expect(total.firstResponse).toMatchObject({ medianMinutes: 25, withinSla: { met: 1, breached: 0, share: 1 } });
  });

  it('a reopened ticket\'s resolution time runs to its latest resolution', () => {
    let t = makeTicket({ id: 'reopened', createdAt: at(0) });
    const newId = idSequence();
    for (const [minutes, action, actor] of [
      [30, { type: 'acknowledge' }, 'user-1'],
      [300, { type: 'resolve', note: 'Listo' }, 'user-1'],
      [400, { type: 'record_feedback', solved: false }, 'resident'],
      [900, { type: 'resolve', note: 'Ahora sí' }, 'user-1'],
    ] as const) {
      t = { ...t, ...applyTicketAction(t, action, { now: at(minutes), actor, newId }).patch };
    }
    const { total } = computeResponseTimeStats({ tickets: [t], period: PERIOD, now: NOW, groupBy: [] });
    expect(total.resolution.medianMinutes).toBe(900);
  });

  it('small gender groups are never shown: they are merged into "suppressed"', () => {
    const tickets = [
      ...Array.from({ length: 6 }, (_, i) => ticket({ id: `w${i}`, gender: 'woman', firstResponse: 10 + i })),
      ...Array.from({ length: 5 }, (_, i) => ticket({ id: `m${i}`, gender: 'man', firstResponse: 100 + i })),
      ticket({ id: 'a0', gender: 'another', firstResponse: 999 }),
    ];
    const report = computeResponseTimeStats({ tickets, period: PERIOD, now: NOW });
    expect(report.groups.map((g) => [g.key.reporterGender, g.count])).toEqual([
      ['woman', 6],
      ['suppressed', 6],
    ]);
    expect(report.groups.some((g) => g.key.reporterGender === 'another' || g.key.reporterGender === 'man')).toBe(false);
    expect(report.total.count).toBe(12);
  });

  it('gender groups of at least k are shown, and k can be set', () => {
    const tickets = [
      ...Array.from({ length: 3 }, (_, i) => ticket({ id: `w${i}`, gender: 'woman', firstResponse: 10 })),
      ...Array.from({ length: 3 }, (_, i) => ticket({ id: `m${i}`, gender: 'man', firstResponse: 20 })),
      ...Array.from({ length: 3 }, (_, i) => ticket({ id: `n${i}`, gender: null, firstResponse: 30 })),
    ];
    const groups = computeResponseTimeStats({ tickets, period: PERIOD, now: NOW, minGroupSize: 3 }).groups;
    expect(groups.map((g) => [g.key.reporterGender, g.firstResponse.medianMinutes])).toEqual([
      ['woman', 10],
      ['man', 20],
      ['not_recorded', 30],
    ]);
  });

  it('groups by locality and category, each stratum suppressed on its own', () => {
    const tickets = [
      ...Array.from({ length: 5 }, (_, i) => ticket({ id: `a${i}`, gender: 'woman', overrides: { localityId: 'loc-a', category: 'leak' } })),
      ...Array.from({ length: 5 }, (_, i) => ticket({ id: `b${i}`, gender: 'man', overrides: { localityId: 'loc-a', category: 'leak' } })),
      ticket({ id: 'c0', gender: 'woman', overrides: { localityId: 'loc-b', category: 'billing' } }),
    ];
    const groups = computeResponseTimeStats({ tickets, period: PERIOD, now: NOW }).groups;
    expect(groups.map((g) => [g.key.localityId, g.key.category, g.key.reporterGender, g.count])).toEqual([
      ['loc-a', 'leak', 'woman', 5],
      ['loc-a', 'leak', 'man', 5],
      ['loc-b', 'billing', 'suppressed', 1],
    ]);
  });

  it('refuses a period that ends before it starts', () => {
    expect(() =>
      computeResponseTimeStats({ tickets: [], period: { from: PERIOD.to, to: PERIOD.from }, now: NOW }),
    ).toThrow(InvalidStatsPeriodError);
  });

  it('an empty period has counts of zero and no medians', () => {
    const { total } = computeResponseTimeStats({ tickets: [], period: PERIOD, now: NOW });
    expect(total).toEqual({
      key: {},
      count: 0,
      open: 0,
      firstResponse: { count: 0, medianMinutes: null, p90Minutes: null, withinSla: { met: 0, breached: 0, share: null } },
      resolution: { count: 0, medianMinutes: null, p90Minutes: null, withinSla: { met: 0, breached: 0, share: null } },
    });
  });
});
