/**
 * `/metrics/response-times` under the publication rule: the requested `[from, to)` is snapped to
 * whole, complete ISO weeks in the locality's time zone, and a gender breakdown is the same
 * protected table the summary and the public page publish (per locality, categories × gender,
 * every cell hidden that any of the weeks hid). Suppressed and empty gender groups come back
 * identically: `count: null`, `display: "<5"`, no durations.
 */
import { CATEGORIES } from '../domain/ticket';
import type { Locality } from '../domain/locality';
import type { Ticket } from '../domain/ticket';
import { snapToIsoWeeks, type AlignedPeriod } from '../publication/aligned-period';
import { genderGroupOf, publishGenderTableOverWeeks, PUBLISHED_GENDER_GROUPS, type GenderCount, type PublishedGenderGroup } from '../publication/gender-table';
import { minCellSizeOf } from '../publication/publication-figures';
import { hiddenDisplay } from '../publication/published-value';
import { computeResponseTimeStats, type ResponseTimeGroupStats } from '../response-times/response-time-stats';
import { ApiError } from './api-errors';

export interface SnappedPeriod {
  weeks: AlignedPeriod[];
  from: string;
  to: string;
  timeZone: string;
}

/** One time zone for the request: the localities' own, which must agree. */
export function snapRequest(localities: readonly Locality[], request: { from: string; to: string }, now: string): SnappedPeriod {
  const zones = [...new Set(localities.map((l) => l.timeZone))];
  if (zones.length > 1) throw new ApiError('invalid_request', 'your localities are in different time zones: ask for one with `locality_id`');
  const timeZone = zones[0] ?? 'America/Lima';
  const weeks = snapToIsoWeeks(request, now, timeZone);
  if (weeks.length === 0) {
    throw new ApiError('invalid_request', 'figures are published for whole ISO weeks that have ended: this period holds none (the week in progress is left out)');
  }
  return { weeks, from: weeks[0]!.from, to: weeks[weeks.length - 1]!.to, timeZone };
}

/** A gender group as published: its stats, or null everywhere when the cell is hidden. */
export type PublishedGroup = ResponseTimeGroupStats | { key: ResponseTimeGroupStats['key']; hidden: true; display: string };

/**
 * Gender groups per locality (and per category when asked), from each locality's protected
 * table. Several localities are never merged into one gender cell: their tables are separate.
 */
export function genderGroups(input: {
  tickets: readonly Ticket[];
  localities: readonly Locality[];
  period: SnappedPeriod;
  byCategory: boolean;
  byLocality: boolean;
  now: string;
}): { groups: PublishedGroup[]; minGroupSize: number } {
  const groups: PublishedGroup[] = [];
  let minGroupSize = 0;
  for (const locality of input.localities) {
    const k = minCellSizeOf(locality);
    minGroupSize = Math.max(minGroupSize, k);
    const own = input.tickets.filter((t) => t.localityId === locality.id);
    const countsOf = (tickets: readonly Ticket[]): GenderCount[] => {
      const map = new Map<string, number>();
      for (const t of tickets) map.set(`${t.category}|${genderGroupOf(t.reporterGender)}`, (map.get(`${t.category}|${genderGroupOf(t.reporterGender)}`) ?? 0) + 1);
      return [...map].map(([key, count]) => {
        const [stratum, gender] = key.split('|') as [string, PublishedGenderGroup];
        return { stratum, gender, count };
      });
    };
    const table = publishGenderTableOverWeeks({
      k,
      strata: CATEGORIES,
      weekCounts: input.period.weeks.map((w) => countsOf(own.filter((t) => t.createdAt >= w.from && t.createdAt < w.to))),
    });
    const strata: Array<string | '*'> = input.byCategory ? [...CATEGORIES] : ['*'];
    for (const stratum of strata) {
      const inStratum = stratum === '*' ? own : own.filter((t) => t.category === stratum);
      if (input.byCategory && inStratum.length === 0) continue;
      for (const gender of PUBLISHED_GENDER_GROUPS) {
        const key: ResponseTimeGroupStats['key'] = {};
        if (input.byLocality || input.localities.length > 1) key.localityId = locality.id;
        if (stratum !== '*') key.category = stratum as Ticket['category'];
        key.reporterGender = gender;
        if (table.isHidden(stratum, gender)) {
          groups.push({ key, hidden: true, display: hiddenDisplay(k) });
          continue;
        }
        const cell = inStratum.filter((t) => genderGroupOf(t.reporterGender) === gender);
        const stats = computeResponseTimeStats({ tickets: cell, period: { from: input.period.from, to: input.period.to }, now: input.now, groupBy: [] });
        groups.push({ ...stats.total, key });
      }
    }
  }
  return { groups, minGroupSize: minGroupSize || 5 };
}
