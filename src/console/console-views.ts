/**
 * Renders the console's eta templates. Templates live next to this file in `views/`; the
 * production image runs compiled code from `dist/` and copies the templates to
 * `src/console/views`, so both places are looked up. `<%= %>` escapes HTML; templates use
 * `<%~ %>` only for the layout's already-rendered body.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import { DateTime } from 'luxon';
import type { Language } from '../domain/resident';
import type { Translator } from '../i18n/translator';
import type { DurationParts } from './ticket-clock';

/** Labels for one operator-facing language; static keys throw when missing (a programmer error). */
export interface ConsoleText {
  language: Language;
  t(key: string, params?: Record<string, string | number>): string;
  /** For keys built from data (a flow variable, a status): falls back when the locale has no label. */
  label(key: string, fallback: string, params?: Record<string, string | number>): string;
  /** "2 h 10 min", "3 d 4 h", "5 min". */
  duration(parts: DurationParts): string;
  /** An instant in the locality's time zone, e.g. "25 jul 14:05". */
  time(iso: string | null, timeZone: string): string;
}

const ICU_LOCALE: Record<Language, string> = { es: 'es-PE', en: 'en-GB', qu: 'es-PE' };

export function createConsoleText(translator: Pick<Translator, 'render' | 'has'>, language: Language): ConsoleText {
  const t = (key: string, params?: Record<string, string | number>) => translator.render(key, language, params);
  return {
    language,
    t,
    label(key, fallback, params) {
      return translator.has(key, language) || translator.has(key, 'es') ? t(key, params) : fallback;
    },
    duration({ days, hours, minutes }) {
      if (days > 0) return t('console.duration.days_hours', { days, hours });
      if (hours > 0) return t('console.duration.hours_minutes', { hours, minutes });
      return t('console.duration.minutes', { minutes });
    },
    time(iso, timeZone) {
      if (!iso) return '—';
      const at = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).setLocale(ICU_LOCALE[language]);
      return at.isValid ? at.toFormat('d MMM HH:mm') : iso;
    },
  };
}

/** Finds `views/` beside the sources, or where the production image copies it. */
export function resolveViewsDir(): string {
  const candidates = [path.join(__dirname, 'views'), path.resolve(__dirname, '..', '..', 'src', 'console', 'views')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'layout.eta')));
  if (!found) throw new Error(`console views not found in ${candidates.join(' or ')}`);
  return found;
}

export interface ConsoleRenderer {
  /** Renders `views/<name>.eta`; `data` reaches the template as `it`. */
  render(name: string, data: object): string;
}

export function createConsoleRenderer(options: { viewsDir?: string; cache?: boolean } = {}): ConsoleRenderer {
  const eta = new Eta({ views: options.viewsDir ?? resolveViewsDir(), cache: options.cache ?? true, autoEscape: true });
  return {
    render(name, data) {
      return eta.render(name, data);
    },
  };
}
