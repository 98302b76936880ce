/**
 * How notice windows read in an SMS and how operators type them, in the locality's time zone:
 * `mar 2 dic 14:00` out; `14:00`, `2/12-14:00` or `2/12/2026-14:00` in (AVISO command).
 */
import { DateTime } from 'luxon';
import type { Language } from '../domain/resident';

const LOCALE: Record<Language, string> = { es: 'es-PE', en: 'en-GB', qu: 'es-PE' };

/** `mar 2 dic 14:00`, short enough for one SMS. */
export function formatNoticeTime(iso: string, timeZone: string, language: Language): string {
  const at = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).setLocale(LOCALE[language]);
  return at.isValid ? at.toFormat('ccc d LLL HH:mm').replace(/\./g, '') : iso;
}

const TIME = /^(\d{1,2})(?::(\d{2}))?(?:h)?$/i;
const DATE_TIME = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?[-T](\d{1,2})(?::(\d{2}))?$/i;

/**
 * One typed instant, or null when it is not one of the accepted shapes. A bare time is on
 * `baseDay` (the locality's today, or the start's day for an end time).
 */
export function parseNoticeTime(text: string, options: { timeZone: string; baseDay: DateTime }): DateTime | null {
  const value = text.trim();
  const dated = DATE_TIME.exec(value);
  if (dated) {
    const [, day, month, year, hour, minute] = dated;
    const at = DateTime.fromObject(
      { year: year ? Number(year) : options.baseDay.year, month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute ?? 0) },
      { zone: options.timeZone },
    );
    return at.isValid ? at : null;
  }
  const timed = TIME.exec(value);
  if (timed) {
    const [, hour, minute] = timed;
    const at = options.baseDay.setZone(options.timeZone).set({ hour: Number(hour), minute: Number(minute ?? 0), second: 0, millisecond: 0 });
    return at.isValid && Number(hour) < 24 ? at : null;
  }
  return null;
}
