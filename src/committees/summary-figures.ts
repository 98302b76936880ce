/**
 * What one weekly committee summary says, computed once per locality-week from the published
 * figures (so it obeys the publication rule) and stored as JSON: every member, retry and worker
 * reads the same numbers.
 */
import type { Locality } from '../domain/locality';
import type { Category } from '../domain/ticket';
import type { AlignedPeriod } from '../publication/aligned-period';
import type { EquityVerdict } from '../publication/equity-flag';
import type { PublicationFigures } from '../publication/publication-figures';

export interface WeeklySummaryFigures {
  weekKey: string;
  firstDay: string;
  lastDay: string;
  /** `week`: a complete week; `so_far`: the week in progress (on demand), no gender comparison. */
  mode: 'week' | 'so_far';
  total: number;
  byCategory: Partial<Record<Category, number>>;
  resolved: number;
  open: number;
  oldestOpenMinutes: number | null;
  firstResponseMedianMinutes: number | null;
  resolutionMedianMinutes: number | null;
  /** Over the 4 weeks ending with this one; medians only (see equity-flag.ts). */
  comparison: { womenMedianMinutes: number | null; menMedianMinutes: number | null; verdict: EquityVerdict } | null;
  slaShare: number | null;
  slaBreaches: number;
  ratingAverage: number | null;
}

export async function computeSummaryFigures(input: {
  figures: PublicationFigures;
  locality: Locality;
  week: AlignedPeriod;
  mode: 'week' | 'so_far';
  now: string;
}): Promise<WeeklySummaryFigures> {
  const period = await input.figures.periodFigures(input.locality, input.week);
  const comparison = input.mode === 'week' ? await input.figures.genderComparison(input.locality, input.week) : null;
  const byCategory = Object.fromEntries(Object.entries(period.reports.byCategory).filter(([, n]) => n > 0)) as Partial<Record<Category, number>>;
  const oldest = period.backlog.oldestCreatedAt;
  const endMs = Math.min(Date.parse(input.week.to), Date.parse(input.now));
  return {
    weekKey: input.week.key,
    firstDay: input.week.firstDay,
    lastDay: input.week.lastDay,
    mode: input.mode,
    total: period.reports.total,
    byCategory,
    resolved: period.resolved,
    open: period.backlog.open,
    oldestOpenMinutes: oldest ? Math.max(0, Math.round((endMs - Date.parse(oldest)) / 60_000)) : null,
    firstResponseMedianMinutes: period.firstResponse.medianMinutes,
    resolutionMedianMinutes: period.resolution.medianMinutes,
    comparison: comparison
      ? { womenMedianMinutes: comparison.womenMedianMinutes, menMedianMinutes: comparison.menMedianMinutes, verdict: comparison.verdict }
      : null,
    slaShare: period.firstResponse.withinSla.share,
    slaBreaches: period.slaBreaches,
    ratingAverage: period.satisfaction.average,
  };
}
