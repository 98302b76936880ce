/**
 * The figures of one aligned period for one locality (or a set of them), computed from lean
 * ticket rows and already under the publication rule: gender cells protected by
 * {@link publishGenderTable}, medians and 90th percentiles beside their n, and a gender's
 * durations shown only where its count cell is shown. Pure: rows and `now` in, figures out.
 *
 * Cohorts: reports, response times, SLA share and breaches count the tickets *created* in the
 * period (so a week's numbers never change their membership); `resolved` and satisfaction count
 * tickets *resolved* in it; the backlog is what was open when the period ended (or now).
 */
import { CATEGORIES, type Category } from '../domain/ticket';
import { nearestRankPercentile } from '../response-times/nearest-rank-percentile';
import { evaluateSla, type SlaEvaluation } from '../sla/sla-deadlines';
import type { OpenBacklog, TicketFigureRow } from '../store/figure-queries';
import type { AlignedPeriod } from './aligned-period';
import { genderGroupOf, publishGenderTable, PUBLISHED_GENDER_GROUPS, type PublishedGenderGroup, type PublishedGenderTable } from './gender-table';
import { hiddenDisplay, plainCount, type PublishedCount } from './published-value';

export const DEFAULT_MIN_CELL_SIZE = 5;

export interface SlaShareFigure {
  met: number;
  breached: number;
  /** met / (met + breached); pending and no-SLA tickets left out; null when none. */
  share: number | null;
}

/** Wall-clock minutes from creation; nearest-rank percentiles (a time some ticket really took). */
export interface DurationFigure {
  n: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  withinSla: SlaShareFigure;
}

/** A gender group's durations: hidden (all null, `<5`) exactly where its count cell is hidden. */
export interface PublishedDurationFigure {
  n: PublishedCount;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface PeriodFigures {
  period: AlignedPeriod;
  minCellSize: number;
  reports: {
    total: number;
    byCategory: Record<Category, number>;
    /** Rows: categories; `all`: each gender over all categories. */
    byGender: Omit<PublishedGenderTable, 'isHidden'>;
  };
  firstResponse: DurationFigure;
  resolution: DurationFigure;
  firstResponseByGender: Record<PublishedGenderGroup, PublishedDurationFigure>;
  resolutionByGender: Record<PublishedGenderGroup, PublishedDurationFigure>;
  /** Created in the period with a breached first-response or resolution deadline. */
  slaBreaches: number;
  /** Resolved in the period (latest resolution), whenever created. */
  resolved: number;
  /** 1–5 ratings of tickets resolved in the period. */
  satisfaction: { average: number | null; n: number };
  backlog: OpenBacklog;
}

export interface ComputePeriodFiguresInput {
  period: AlignedPeriod;
  /** Tickets created in the period. */
  created: readonly TicketFigureRow[];
  /** Tickets resolved in the period. */
  resolved: readonly TicketFigureRow[];
  backlog: OpenBacklog;
  /** Judges pending deadlines. */
  now: string;
  minCellSize?: number;
}

const MINUTE_MS = 60_000;

export function minutesTo(row: TicketFigureRow, field: 'firstResponseAt' | 'resolvedAt'): number | null {
  const at = row[field];
  return at ? (Date.parse(at) - Date.parse(row.createdAt)) / MINUTE_MS : null;
}

/**
 * A row judged once: its durations and SLA outcomes at `now`. Every figure of a period reads
 * these instead of parsing the row's times again (a week of a big town is thousands of rows,
 * and each figure used to re-parse every timestamp: that was most of a summary's time).
 */
interface JudgedRow {
  group: PublishedGenderGroup;
  minutes: Record<'firstResponseAt' | 'resolvedAt', number | null>;
  sla: SlaEvaluation;
}

function judge(rows: readonly TicketFigureRow[], now: string): JudgedRow[] {
  return rows.map((row) => ({
    group: genderGroupOf(row.reporterGender),
    minutes: { firstResponseAt: minutesTo(row, 'firstResponseAt'), resolvedAt: minutesTo(row, 'resolvedAt') },
    sla: evaluateSla(row, now),
  }));
}

function durationOf(rows: readonly JudgedRow[], field: 'firstResponseAt' | 'resolvedAt'): DurationFigure {
  const key = field === 'firstResponseAt' ? 'firstResponse' : 'resolution';
  const values: number[] = [];
  let met = 0;
  let breached = 0;
  for (const row of rows) {
    const m = row.minutes[field];
    if (m !== null) values.push(m);
    const outcome = row.sla[key];
    if (outcome === 'met') met += 1;
    else if (outcome === 'breached') breached += 1;
  }
  return {
    n: values.length,
    medianMinutes: nearestRankPercentile(values, 50),
    p90Minutes: nearestRankPercentile(values, 90),
    withinSla: { met, breached, share: met + breached > 0 ? met / (met + breached) : null },
  };
}

export function durationFigure(rows: readonly TicketFigureRow[], field: 'firstResponseAt' | 'resolvedAt', now: string): DurationFigure {
  return durationOf(judge(rows, now), field);
}

export function computePeriodFigures(input: ComputePeriodFiguresInput): PeriodFigures {
  const k = input.minCellSize ?? DEFAULT_MIN_CELL_SIZE;
  const judged = judge(input.created, input.now);
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const genderCounts = new Map<string, number>();
  input.created.forEach((row, i) => {
    byCategory[row.category] += 1;
    const key = `${row.category}|${judged[i]!.group}`;
    genderCounts.set(key, (genderCounts.get(key) ?? 0) + 1);
  });
  const table = publishGenderTable({
    k,
    strata: CATEGORIES,
    counts: [...genderCounts].map(([key, count]) => {
      const [stratum, gender] = key.split('|') as [string, PublishedGenderGroup];
      return { stratum, gender, count };
    }),
  });

  const byGender = (field: 'firstResponseAt' | 'resolvedAt') =>
    Object.fromEntries(
      PUBLISHED_GENDER_GROUPS.map((g) => {
        if (table.isHidden('*', g)) return [g, { n: { value: null, display: hiddenDisplay(k) }, medianMinutes: null, p90Minutes: null }];
        const figure = durationOf(judged.filter((r) => r.group === g), field);
        return [g, { n: plainCount(figure.n), medianMinutes: figure.medianMinutes, p90Minutes: figure.p90Minutes }];
      }),
    ) as Record<PublishedGenderGroup, PublishedDurationFigure>;

  const ratings = input.resolved.flatMap((r) => (typeof r.residentRating === 'number' ? [r.residentRating] : []));
  const { isHidden: _isHidden, ...publicTable } = table;
  return {
    period: input.period,
    minCellSize: k,
    reports: { total: input.created.length, byCategory, byGender: publicTable },
    firstResponse: durationOf(judged, 'firstResponseAt'),
    resolution: durationOf(judged, 'resolvedAt'),
    firstResponseByGender: byGender('firstResponseAt'),
    resolutionByGender: byGender('resolvedAt'),
    slaBreaches: judged.filter((r) => r.sla.firstResponse === 'breached' || r.sla.resolution === 'breached').length,
    resolved: input.resolved.length,
    satisfaction: { average: ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null, n: ratings.length },
    backlog: input.backlog,
  };
}
