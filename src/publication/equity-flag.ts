/**
 * The equity flag: the question this system exists to make visible ("why are women's complaints
 * answered slower?"), stated in words in the committee summary.
 *
 * Rule (documented in the README): over the last 4 complete ISO weeks, compare the median first
 * response of tickets reported by women with that of men. The flag fires when one median is at
 * least 25% AND at least 1 hour slower than the other, and only when both groups have at least
 * the threshold's count of answered tickets (default 5); otherwise it says nothing, because a
 * comparison of two or three tickets would point at people, not at the service.
 *
 * The window's counts are never published (only whether each group is large enough), so two
 * overlapping 4-week windows cannot be subtracted into one week's small count; a median cannot
 * be subtracted at all.
 */
import { nearestRankPercentile } from '../response-times/nearest-rank-percentile';
import type { TicketFigureRow } from '../store/figure-queries';
import { minutesTo } from './period-figures';

export const EQUITY_MIN_RELATIVE = 0.25;
export const EQUITY_MIN_MINUTES = 60;
export const EQUITY_WINDOW_WEEKS = 4;

export type EquityVerdict = 'women_slower' | 'men_slower' | 'no_gap' | 'too_few';

export interface GenderComparison {
  /** Medians of first response in minutes; null when the group is under the threshold. */
  womenMedianMinutes: number | null;
  menMedianMinutes: number | null;
  verdict: EquityVerdict;
  /** Never the counts themselves: only that both groups reached the threshold. */
  bothGroupsLargeEnough: boolean;
}

export function evaluateEquity(input: { women: readonly number[]; men: readonly number[]; k: number }): GenderComparison {
  const large = input.women.length >= input.k && input.men.length >= input.k;
  const women = input.women.length >= input.k ? nearestRankPercentile(input.women, 50) : null;
  const men = input.men.length >= input.k ? nearestRankPercentile(input.men, 50) : null;
  if (!large || women === null || men === null) {
    return { womenMedianMinutes: women, menMedianMinutes: men, verdict: 'too_few', bothGroupsLargeEnough: false };
  }
  const slower = Math.max(women, men);
  const faster = Math.min(women, men);
  const gap = slower - faster >= EQUITY_MIN_MINUTES && slower >= faster * (1 + EQUITY_MIN_RELATIVE);
  return {
    womenMedianMinutes: women,
    menMedianMinutes: men,
    verdict: !gap ? 'no_gap' : women > men ? 'women_slower' : 'men_slower',
    bothGroupsLargeEnough: true,
  };
}

/** The comparison over tickets created in the window (answered ones count). */
export function compareGenders(rows: readonly TicketFigureRow[], k: number): GenderComparison {
  const of = (gender: 'woman' | 'man') =>
    rows.flatMap((r) => {
      const m = r.reporterGender === gender ? minutesTo(r, 'firstResponseAt') : null;
      return m === null ? [] : [m];
    });
  return evaluateEquity({ women: of('woman'), men: of('man'), k });
}
