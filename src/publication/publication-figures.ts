/**
 * Store-backed figures for everything published: the committee summary, the public page, CSV,
 * Open311 and the metrics API all call this, so the numbers agree everywhere and all pass the
 * one publication rule. Reads go through the lean figure queries (`store/figure-queries.ts`):
 * one indexed scan per series for creations, one for resolutions, one count per backlog point.
 *
 * @example
 * const figures = createPublicationFigures({ repo, now: () => new Date().toISOString() });
 * const { weeks } = await figures.weeklySeries(locality, { weeks: 13 });
 * weeks[12].reports.byGender.all.cells.woman // { value: 14, display: '14' } or { value: null, display: '<5' }
 */
import type { Locality } from '../domain/locality';
import type { Repository } from '../store/repository';
import type { TicketFigureRow } from '../store/figure-queries';
import { isComplete, lastCompleteIsoWeeks, shiftPeriod, type AlignedPeriod } from './aligned-period';
import { compareGenders, EQUITY_WINDOW_WEEKS, type GenderComparison } from './equity-flag';
import { computePeriodFigures, DEFAULT_MIN_CELL_SIZE, type PeriodFigures } from './period-figures';

export interface PublicationFiguresDeps {
  repo: Pick<Repository, 'listTicketFigureRows' | 'openBacklog'>;
  now: () => string;
}

export interface WeeklySeries {
  locality: { id: string; slug: string; name: string; timeZone: string };
  minCellSize: number;
  /** Complete ISO weeks, oldest first. */
  weeks: PeriodFigures[];
  /** Open now (count and the oldest one's creation). */
  backlogNow: { open: number; oldestCreatedAt: string | null };
  generatedAt: string;
}

/** The locality's threshold (per-locality setting, default 5). */
export function minCellSizeOf(locality: Pick<Locality, 'minCellSize'>): number {
  return locality.minCellSize ?? DEFAULT_MIN_CELL_SIZE;
}

export function createPublicationFigures(deps: PublicationFiguresDeps) {
  const rowsIn = (localityIds: string[], by: 'created' | 'resolved', from: string, to: string) =>
    deps.repo.listTicketFigureRows({ localityIds, by, from, to });
  const within = (rows: readonly TicketFigureRow[], field: 'createdAt' | 'resolvedAt', p: AlignedPeriod) =>
    rows.filter((r) => r[field] !== null && r[field]! >= p.from && r[field]! < p.to);

  /** Figures of each period (ISO weeks or months, contiguous or not) for one locality. */
  async function periodsFigures(locality: Locality, periods: readonly AlignedPeriod[]): Promise<PeriodFigures[]> {
    if (periods.length === 0) return [];
    const now = deps.now();
    const from = periods.reduce((min, p) => (p.from < min ? p.from : min), periods[0]!.from);
    const to = periods.reduce((max, p) => (p.to > max ? p.to : max), periods[0]!.to);
    const [created, resolved] = await Promise.all([rowsIn([locality.id], 'created', from, to), rowsIn([locality.id], 'resolved', from, to)]);
    return Promise.all(
      periods.map(async (period) => {
        const backlog = await deps.repo.openBacklog(
          isComplete(period, now) ? { localityIds: [locality.id], at: period.to } : { localityIds: [locality.id] },
        );
        return computePeriodFigures({
          period,
          created: within(created, 'createdAt', period),
          resolved: within(resolved, 'resolvedAt', period),
          backlog,
          now,
          minCellSize: minCellSizeOf(locality),
        });
      }),
    );
  }

  return {
    periodsFigures,

    /** One period's figures (a week of the summary, a month of the CSV). */
    async periodFigures(locality: Locality, period: AlignedPeriod): Promise<PeriodFigures> {
      return (await periodsFigures(locality, [period]))[0]!;
    },

    /** The last `weeks` complete ISO weeks (default 13) and the backlog now: the page and dashboard. */
    async weeklySeries(locality: Locality, options: { weeks?: number } = {}): Promise<WeeklySeries> {
      const now = deps.now();
      const weeks = await periodsFigures(locality, lastCompleteIsoWeeks(now, locality.timeZone, options.weeks ?? 13));
      return {
        locality: { id: locality.id, slug: locality.slug, name: locality.name, timeZone: locality.timeZone },
        minCellSize: minCellSizeOf(locality),
        weeks,
        backlogNow: await deps.repo.openBacklog({ localityIds: [locality.id] }),
        generatedAt: now,
      };
    },

    /**
     * Women's and men's median first response over the 4 ISO weeks ending with `lastWeek`, and
     * the equity verdict (see `equity-flag.ts`).
     */
    async genderComparison(locality: Locality, lastWeek: AlignedPeriod): Promise<GenderComparison & { window: { from: string; to: string } }> {
      const first = shiftPeriod(lastWeek, -(EQUITY_WINDOW_WEEKS - 1));
      const rows = await rowsIn([locality.id], 'created', first.from, lastWeek.to);
      return { ...compareGenders(rows, minCellSizeOf(locality)), window: { from: first.from, to: lastWeek.to } };
    },
  };
}

export type PublicationFigures = ReturnType<typeof createPublicationFigures>;
