/**
 * When a locality's office works: its time zone, weekly opening hours and Peru's public
 * holidays (from date-holidays, so a new law means a library update, not a code change).
 * SLA deadlines in business hours or business days are counted on it; calendar hours are not.
 *
 * Every method takes and returns ISO-8601 strings; results are UTC (`…Z`), like the store.
 */
import type Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { SlaConfigError, describeIssues } from './sla-errors';

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:mm (00:00–24:00)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const openingSchema = z
  .object({ opens: clock, closes: clock })
  .refine((o) => toMinutes(o.opens) < toMinutes(o.closes), 'opens must be before closes');

const daySchema = z
  .array(openingSchema)
  .refine(
    (day) => day.every((o, i) => i === 0 || toMinutes(day[i - 1]!.closes) <= toMinutes(o.opens)),
    'openings must be in order and must not overlap',
  );

/** Mon–Fri 08:00–17:00, the usual municipal office hours. */
export const DEFAULT_WEEKLY_HOURS: Readonly<Partial<Record<WeekdayName, Array<{ opens: string; closes: string }>>>> = {
  mon: [{ opens: '08:00', closes: '17:00' }],
  tue: [{ opens: '08:00', closes: '17:00' }],
  wed: [{ opens: '08:00', closes: '17:00' }],
  thu: [{ opens: '08:00', closes: '17:00' }],
  fri: [{ opens: '08:00', closes: '17:00' }],
};

const weeklyHoursSchema = z
  .partialRecord(z.enum(WEEKDAY_NAMES), daySchema)
  .refine((week) => Object.values(week).some((day) => day && day.length > 0), 'the week has no opening hours');
const holidaySourceSchema = z
  .object({ country: z.string().length(2), state: z.string().min(1).optional() })
  .nullable();

/**
 * Calendar settings without defaults, for configuration layers that are merged (shared
 * settings, then a locality's): a field left out here inherits, it is not reset.
 */
export const businessCalendarSettingsSchema = z.object({
  /** Replaces the whole week: a day left out is closed. */
  weeklyHours: weeklyHoursSchema.optional(),
  /** Public holidays from date-holidays; `null` counts none (a 24/7 service). */
  holidays: holidaySourceSchema.optional(),
  /** Local dates closed by decree or local custom (días no laborables, the town's anniversary). */
  extraClosedDates: z.array(isoDate).optional(),
});
export type BusinessCalendarSettings = z.infer<typeof businessCalendarSettingsSchema>;

/**
 * @example { "timeZone": "America/Lima",
 *   "weeklyHours": { "mon": [{ "opens": "08:00", "closes": "13:00" }, { "opens": "14:00", "closes": "17:00" }],
 *                    "sat": [{ "opens": "08:00", "closes": "12:00" }] },
 *   "holidays": { "country": "PE", "state": "CUS" }, "extraClosedDates": ["2025-10-09"] }
 */
export const businessCalendarOptionsSchema = z.object({
  timeZone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'unknown IANA time zone')
    .default('America/Lima'),
  weeklyHours: weeklyHoursSchema.default(DEFAULT_WEEKLY_HOURS as Record<WeekdayName, Array<{ opens: string; closes: string }>>),
  holidays: holidaySourceSchema.default({ country: 'PE' }),
  extraClosedDates: z.array(isoDate).default([]),
});
export type BusinessCalendarOptions = z.input<typeof businessCalendarOptionsSchema>;

export interface BusinessCalendar {
  readonly timeZone: string;
  /** The public holiday's name on a local date (`YYYY-MM-DD`), or null. */
  holidayName(localDate: string): string | null;
  /** A local date with opening hours that is neither a holiday nor an extra closed date. */
  isBusinessDay(localDate: string): boolean;
  /** Elapsed time, ignoring opening hours and holidays. */
  addHours(from: string, hours: number): string;
  /** The instant when `hours` of opening time have passed since `from`. */
  addBusinessHours(from: string, hours: number): string;
  /**
   * The closing time of the `days`-th business day after the day of receipt. As in Peru's
   * administrative procedure (and SUNASS complaint deadlines), the count starts the day after
   * receipt, and something received after closing time or on a closed day counts as received
   * on the next business day.
   */
  addBusinessDays(from: string, days: number): string;
}

/** Ten years without a single business day means the calendar is wrong, not busy. */
const MAX_DAYS_SCANNED = 3660;

/**
 * @throws SlaConfigError when the options are invalid (bad zone, overlapping hours, empty week).
 * @example createBusinessCalendar({ timeZone: 'America/Lima' }).addBusinessHours('2025-03-07T21:30:00Z', 2)
 *   // '2025-03-10T14:30:00.000Z' (Friday 16:30 → Monday 09:30 in Lima)
 */
export function createBusinessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  const parsed = businessCalendarOptionsSchema.safeParse(options);
  if (!parsed.success) throw new SlaConfigError({ what: 'business calendar', issues: describeIssues(parsed.error.issues) });
  const { timeZone, weeklyHours, holidays, extraClosedDates } = parsed.data;

  // date-holidays takes ~0.5 s to load: loaded at the first date that needs it, not at start-up.
  let loaded: Holidays | null | undefined;
  const holidaySource = (): Holidays | null => {
    if (loaded !== undefined) return loaded;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const HolidaysClass = require('date-holidays') as typeof Holidays;
    loaded = holidays ? new HolidaysClass(holidays.country, holidays.state ?? '', { types: ['public'] }) : null;
    return loaded;
  };
  const closedDates = new Set(extraClosedDates);
  const holidaysByYear = new Map<number, Map<string, string>>();

  function holidayName(localDate: string): string | null {
    if (!holidays) return null;
    const source = holidaySource();
    if (!source) return null;
    const year = Number(localDate.slice(0, 4));
    let year_ = holidaysByYear.get(year);
    if (!year_) {
      year_ = new Map();
      for (const holiday of source.getHolidays(year)) {
        if (holiday.type === 'public') year_.set(holiday.date.slice(0, 10), holiday.name);
      }
      holidaysByYear.set(year, year_);
    }
    return year_.get(localDate) ?? null;
  }

  function openings(day: DateTime): Array<{ start: DateTime; end: DateTime }> {
    const localDate = day.toISODate()!;
    if (closedDates.has(localDate) || holidayName(localDate) !== null) return [];
    const hours = weeklyHours[WEEKDAY_NAMES[day.weekday - 1]!] ?? [];
    return hours.map((o) => ({ start: atClock(day, o.opens), end: atClock(day, o.closes) }));
  }

  function isBusinessDay(localDate: string): boolean {
    const day = DateTime.fromISO(localDate, { zone: timeZone });
    if (!day.isValid) throw new TypeError(`not a local date: ${localDate}`);
    return openings(day).length > 0;
  }

  function addBusinessHours(from: string, hours: number): string {
    let cursor = instant(from, timeZone);
    let remainingMs = Math.round(hours * 3_600_000);
    let day = cursor.startOf('day');
    for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = day.plus({ days: 1 }).startOf('day')) {
      for (const { start, end } of openings(day)) {
        if (end <= cursor) continue;
        const begin = start > cursor ? start : cursor;
        const availableMs = end.toMillis() - begin.toMillis();
        if (remainingMs <= availableMs) return utc(begin.plus({ milliseconds: remainingMs }));
        remainingMs -= availableMs;
        cursor = end;
      }
    }
    throw new SlaConfigError({ what: 'business calendar', issues: [`no business hours within ${MAX_DAYS_SCANNED} days`] });
  }

  function addBusinessDays(from: string, days: number): string {
    const received = instant(from, timeZone);
    let day = received.startOf('day');
    const today = openings(day);
    let counted = today.length > 0 && received < today[today.length - 1]!.end ? 0 : -1;
    for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
      day = day.plus({ days: 1 }).startOf('day');
      const hours = openings(day);
      if (hours.length === 0) continue;
      counted += 1;
      if (counted === days) return utc(hours[hours.length - 1]!.end);
    }
    throw new SlaConfigError({ what: 'business calendar', issues: [`no business day within ${MAX_DAYS_SCANNED} days`] });
  }

  return {
    timeZone,
    holidayName,
    isBusinessDay,
    addHours: (from, hours) => utc(instant(from, timeZone).plus({ milliseconds: Math.round(hours * 3_600_000) })),
    addBusinessHours,
    addBusinessDays,
  };
}

function toMinutes(clockTime: string): number {
  const [h, m] = clockTime.split(':').map(Number);
  return h! * 60 + m!;
}

function atClock(day: DateTime, clockTime: string): DateTime {
  if (clockTime === '24:00') return day.plus({ days: 1 }).startOf('day');
  const [hour, minute] = clockTime.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

function instant(iso: string, zone: string): DateTime {
  const value = DateTime.fromISO(iso, { zone: 'utc' });
  if (!value.isValid) throw new TypeError(`not an ISO-8601 instant: ${iso}`);
  return value.setZone(zone);
}

function utc(value: DateTime): string {
  return value.toUTC().toISO()!;
}
