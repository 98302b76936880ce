/**
 * computePeriodFigures judges each row once (durations and SLA outcomes) and every figure reads
 * that: these pin what each figure counts, so a figure reading the wrong group or the wrong
 * deadline shows here rather than in a committee's SMS.
 */
import { isoWeekContaining } from '../../src/publication/aligned-period';
import { computePeriodFigures, durationFigure } from '../../src/publication/period-figures';
import type { TicketFigureRow } from '../../src/store/figure-queries';

const T0 = Date.parse('2026-11-23T15:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const NOW = at(7 * 24 * 60);

/** Created at T0; first response due after 15 min, resolution after 250 min. */
function row(gender: TicketFigureRow['reporterGender'], firstResponse: number | null, resolution: number | null, overrides: Partial<TicketFigureRow> = {}): TicketFigureRow {
  return {
    localityId: 'loc',
    category: 'outage',
    reporterGender: gender,
    status: resolution === null ? 'open' : 'resolved',
    createdAt: at(0),
    firstResponseAt: firstResponse === null ? null : at(firstResponse),
    resolvedAt: resolution === null ? null : at(resolution),
    firstResponseDueAt: at(15),
    resolutionDueAt: at(250),
    slaBreachedAt: null,
    residentRating: null,
    ...overrides,
  };
}

const created = [
  row('woman', 10, 100), // both deadlines met
  row('woman', 10, 300, { category: 'leak' }), // resolution late only
  row('woman', 20, 200), // first response late only
  row('man', 60, 400), // both late
  row('man', 120, null), // both late (unresolved, past due)
  row(null, null, null), // never answered, past both deadlines
];
const period = isoWeekContaining(at(0), 'America/Lima');
const backlog = { open: 2, oldestCreatedAt: at(0) };

describe('computePeriodFigures', () => {
  const figures = computePeriodFigures({ period, created, resolved: [row('man', 5, 50, { residentRating: 4 })], backlog, now: NOW, minCellSize: 1 });

  it('counts reports by category, resolutions and ratings, and passes the backlog through', () => {
    expect(figures.reports.total).toBe(6);
    expect(figures.reports.byCategory).toMatchObject({ outage: 5, leak: 1, billing: 0 });
    expect(figures.resolved).toBe(1);
    expect(figures.satisfaction).toEqual({ average: 4, n: 1 });
    expect(figures.backlog).toBe(backlog);
  });

  it('response times over all created tickets: nearest-rank median and p90, SLA share of met over judged', () => {
    expect(figures.firstResponse).toEqual({ n: 5, medianMinutes: 20, p90Minutes: 120, withinSla: { met: 2, breached: 4, share: 2 / 6 } });
    expect(figures.resolution).toEqual({ n: 4, medianMinutes: 200, p90Minutes: 400, withinSla: { met: 2, breached: 4, share: 2 / 6 } });
    expect(durationFigure(created, 'resolvedAt', NOW)).toEqual(figures.resolution);
  });

  it('a breach of either deadline counts once', () => {
    expect(figures.slaBreaches).toBe(5);
  });

  it("each gender's durations come from that gender's tickets only", () => {
    expect(figures.firstResponseByGender.woman).toEqual({ n: { value: 3, display: '3' }, medianMinutes: 10, p90Minutes: 20 });
    expect(figures.firstResponseByGender.man).toEqual({ n: { value: 2, display: '2' }, medianMinutes: 60, p90Minutes: 120 });
    expect(figures.resolutionByGender.woman).toEqual({ n: { value: 3, display: '3' }, medianMinutes: 200, p90Minutes: 300 });
    expect(figures.resolutionByGender.not_recorded).toMatchObject({ n: { value: 0 }, medianMinutes: null });
  });

  it("a gender whose count cell is hidden shows no durations at all", () => {
    const small = computePeriodFigures({ period, created, resolved: [], backlog, now: NOW, minCellSize: 5 });
    expect(small.firstResponseByGender.man).toEqual({ n: { value: null, display: '<5' }, medianMinutes: null, p90Minutes: null });
    expect(small.firstResponse.n).toBe(5);
  });

  it('deadlines still ahead are pending, neither met nor breached', () => {
    const early = computePeriodFigures({ period, created: [row('woman', null, null)], resolved: [], backlog, now: at(5), minCellSize: 1 });
    expect(early.firstResponse.withinSla).toEqual({ met: 0, breached: 0, share: null });
    expect(early.slaBreaches).toBe(0);
  });
});
