/**
 * The only periods AguaVoz publishes figures for: ISO weeks (Monday 00:00 to the next Monday
 * 00:00 in the locality's time zone) and whole calendar months in that zone. An arbitrary instant
 * is never a period boundary, because two queries whose ends differ by one millisecond differ by
 * the one ticket created in between, and its reporter's gender with it (the "man 7 → 8" leak).
 * Callers snap whatever they were asked for onto these periods with {@link snapToIsoWeeks}.
 *
 * Periods are half-open `[from, to)` in UTC ISO-8601 so store queries can use them as they are.
 *
 * @example isoWeekContaining('2026-11-30T12:00:00Z', 'America/Lima')
 *   // { kind: 'iso_week', key: '2026-W49', from: '2026-11-30T05:00:00.000Z', to: '2026-12-07T05:00:00.000Z',
 *   //   timeZone: 'America/Lima', firstDay: '2026-11-30', lastDay: '2026-12-06' }
 */
import { DateTime } from 'luxon';

export type PeriodKind = 'iso_week' | 'month';

export interface AlignedPeriod {
  kind: PeriodKind;
  /** `2026-W49` or `2026-11`: stable, sortable, usable as a store key. */
  key: string;
  /** Inclusive start, UTC ISO-8601. */
  from: string;
  /** Exclusive end, UTC ISO-8601. */
  to: string;
  timeZone: string;
  /** First and last local calendar day (YYYY-MM-DD), for people. */
  firstDay: string;
  lastDay: string;
}

export class InvalidPeriodError extends Error {
  readonly code = 'invalid_period';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPeriodError';
  }
}

function zoned(instant: string | Date, timeZone: string): DateTime {
  const dt = (typeof instant === 'string' ? DateTime.fromISO(instant, { setZone: true }) : DateTime.fromJSDate(instant)).setZone(timeZone);
  if (!dt.isValid) throw new InvalidPeriodError(`invalid instant or time zone: ${String(instant)} in ${timeZone}`);
  return dt;
}

function periodFrom(kind: PeriodKind, start: DateTime): AlignedPeriod {
  const end = kind === 'iso_week' ? start.plus({ weeks: 1 }) : start.plus({ months: 1 });
  return {
    kind,
    key: kind === 'iso_week' ? start.toFormat("kkkk-'W'WW") : start.toFormat('yyyy-MM'),
    from: start.toUTC().toISO()!,
    to: end.toUTC().toISO()!,
    timeZone: start.zoneName!,
    firstDay: start.toISODate()!,
    lastDay: end.minus({ days: 1 }).toISODate()!,
  };
}

/** The ISO week (Monday–Sunday, local) that contains `instant`. */
export function isoWeekContaining(instant: string | Date, timeZone: string): AlignedPeriod {
  return periodFrom('iso_week', zoned(instant, timeZone).startOf('week'));
}

/** The calendar month (local) that contains `instant`. */
export function monthContaining(instant: string | Date, timeZone: string): AlignedPeriod {
  return periodFrom('month', zoned(instant, timeZone).startOf('month'));
}

/**
 * The ISO week containing a local calendar day (`YYYY-MM-DD`, any day of that week).
 * @throws InvalidPeriodError for a malformed date.
 */
export function isoWeekOfLocalDate(date: string, timeZone: string): AlignedPeriod {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: timeZone }) : null;
  if (!day?.isValid) throw new InvalidPeriodError(`not a date (YYYY-MM-DD): ${date}`);
  return periodFrom('iso_week', day.startOf('week'));
}

/** The week or month right after / before `period`. */
export function shiftPeriod(period: AlignedPeriod, steps: number): AlignedPeriod {
  const start = zoned(period.from, period.timeZone);
  return periodFrom(period.kind, period.kind === 'iso_week' ? start.plus({ weeks: steps }) : start.plus({ months: steps }));
}

/** The last ISO week that has fully ended at `now` ("last week" for the Monday summary). */
export function lastCompleteIsoWeek(now: string | Date, timeZone: string): AlignedPeriod {
  return shiftPeriod(isoWeekContaining(now, timeZone), -1);
}

/** The `count` complete ISO weeks before `now`'s week, oldest first (the page's 13 weeks). */
export function lastCompleteIsoWeeks(now: string | Date, timeZone: string, count: number): AlignedPeriod[] {
  const last = lastCompleteIsoWeek(now, timeZone);
  return Array.from({ length: count }, (_, i) => shiftPeriod(last, i - (count - 1)));
}

/** True when the period has ended at `now` (figures for it no longer change membership). */
export function isComplete(period: AlignedPeriod, now: string | Date): boolean {
  return Date.parse(period.to) <= (typeof now === 'string' ? Date.parse(now) : now.getTime());
}

/**
 * Snaps an arbitrary `[from, to)` request onto the whole ISO weeks it touches: `from` back to the
 * Monday 00:00 that starts its week, `to` forward to the end of its week (unless it already is a
 * Monday 00:00), and never past the start of the week in progress at `now` (a week still running
 * changes with every new ticket, which is the same leak in slow motion). Returns the weeks,
 * oldest first; empty when nothing complete is left (e.g. both ends inside the current week).
 *
 * Any two requests that snap to the same weeks get the same answer, whatever their milliseconds.
 */
export function snapToIsoWeeks(request: { from: string; to: string }, now: string | Date, timeZone: string): AlignedPeriod[] {
  const first = isoWeekContaining(request.from, timeZone);
  const current = isoWeekContaining(now, timeZone);
  const toWeek = isoWeekContaining(request.to, timeZone);
  const toMs = Date.parse(request.to) === Date.parse(toWeek.from) ? Date.parse(toWeek.from) : Date.parse(toWeek.to);
  const endMs = Math.min(toMs, Date.parse(current.from));
  const weeks: AlignedPeriod[] = [];
  for (let week = first; Date.parse(week.from) < endMs; week = shiftPeriod(week, 1)) weeks.push(week);
  return weeks;
}

/** Minutes between two instants; for ages ("the oldest open report is 3 days old"). */
export function minutesBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}
