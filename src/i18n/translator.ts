/**
 * Renders user-facing text from `locales/<lang>.json` (ICU MessageFormat). Code and flows only
 * ever hold keys; this is the one place text is produced. Quechua is a draft: any key it lacks
 * falls back to Spanish, so a missing translation never reaches a resident as a raw key.
 *
 * @example
 *   const t = createTranslator({ localesDir: 'locales' });
 *   t.render('status.not_found', 'es', { reference: '4820173' });
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES, type Language } from '../domain/resident';
import { contentHash } from '../shared/content-hash';
import { collectArgumentNames } from './message-arguments';
import type { MessageSource } from './message-source';

export type MessageParams = Record<string, string | number>;

export interface Translator {
  /** sha256 over every locale file loaded: what checks made against these texts are valid for. */
  readonly contentHash: string;
  /** Languages that have a locale file, Spanish first. */
  readonly languages: readonly Language[];
  /** Renders `key` in `language`, falling back to Spanish when the language lacks the key. */
  render(key: string, language: Language, params?: MessageParams): string;
  /**
   * The message `render` would format, as data (Spanish fallback included), for a caller that
   * formats it later elsewhere (`formatMessageSource`).
   */
  source(key: string, language: Language): MessageSource;
  /** True when `language`'s own file has the key (no fallback). */
  has(key: string, language: Language): boolean;
  /** Every message key of `language`'s own file (meta entries excluded), sorted. */
  keys(language: Language): string[];
  /** True when the locale is marked as a draft needing native-speaker review (`_meta.status`). */
  isDraft(language: Language): boolean;
  /** The ICU argument names a key uses in any language, e.g. `['reference', 'status']`. */
  argumentNames(key: string): string[];
}

export const FALLBACK_LANGUAGE: Language = 'es';

/** ICU locale per language; Node has no Quechua plural data, so `qu` messages use only `=0`, `=1`, `other`. */
const ICU_LOCALES: Record<Language, string> = { es: 'es-PE', en: 'en', qu: 'qu' };

export class LocaleFileError extends Error {
  readonly code = 'locale_file_invalid';
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'LocaleFileError';
  }
}

export class MissingMessageError extends Error {
  readonly code = 'message_missing';
  constructor(readonly key: string, readonly language: Language) {
    super(`no message "${key}" in ${language} nor in ${FALLBACK_LANGUAGE}`);
    this.name = 'MissingMessageError';
  }
}

interface LocaleData {
  messages: Map<string, string>;
  draft: boolean;
  hash: string;
}

export interface TranslatorOptions {
  localesDir: string;
  /**
   * Hashes of locale files whose every message the build already compiled
   * (`dist/checked-content.json`): those are not compiled again at start-up. Any other file is.
   */
  trustedLocaleHashes?: readonly string[];
}

/** Flattens nested objects to dotted keys; top-level keys starting with `_` are metadata. */
function flatten(value: unknown, prefix: string, out: Map<string, string>, problems: string[]): void {
  if (typeof value === 'string') {
    out.set(prefix, value);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`"${prefix}" must be a string or an object of messages`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (prefix === '' && k.startsWith('_')) continue;
    flatten(v, prefix === '' ? k : `${prefix}.${k}`, out, problems);
  }
}

function loadLocale(file: string, language: Language, trusted: ReadonlySet<string>): LocaleData {
  let raw: unknown;
  const content = readFileSync(file, 'utf8');
  const hash = contentHash(content);
  try {
    raw = JSON.parse(content);
  } catch (err) {
    throw new LocaleFileError(file, [`cannot parse JSON: ${(err as Error).message}`]);
  }
  const messages = new Map<string, string>();
  const problems: string[] = [];
  flatten(raw, '', messages, problems);
  // Compiling every message proves the file valid; the build did so for a trusted hash.
  for (const [key, text] of trusted.has(hash) ? [] : messages) {
    try {
      new IntlMessageFormat(text, ICU_LOCALES[language]);
    } catch (err) {
      problems.push(`"${key}" is not valid ICU MessageFormat: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new LocaleFileError(file, problems);
  const meta = (raw as Record<string, unknown>)._meta as Record<string, unknown> | undefined;
  return { messages, draft: meta?.status === 'draft', hash };
}

export function createTranslator(options: TranslatorOptions): Translator {
  const locales = new Map<Language, LocaleData>();
  const trusted = new Set(options.trustedLocaleHashes ?? []);
  for (const language of LANGUAGES) {
    const file = join(options.localesDir, `${language}.json`);
    if (existsSync(file)) locales.set(language, loadLocale(file, language, trusted));
  }
  if (!locales.has(FALLBACK_LANGUAGE)) {
    throw new LocaleFileError(join(options.localesDir, `${FALLBACK_LANGUAGE}.json`), ['the Spanish locale is required']);
  }
  const compiled = new Map<string, IntlMessageFormat>();
  const argumentCache = new Map<string, string[]>();

  function find(key: string, language: Language): { text: string; language: Language } | undefined {
    const own = locales.get(language)?.messages.get(key);
    if (own !== undefined) return { text: own, language };
    const fallback = locales.get(FALLBACK_LANGUAGE)?.messages.get(key);
    return fallback === undefined ? undefined : { text: fallback, language: FALLBACK_LANGUAGE };
  }

  return {
    contentHash: contentHash([...locales].map(([language, data]) => `${language}:${data.hash}`).join('\n')),
    languages: LANGUAGES.filter((l) => locales.has(l)),
    render(key, language, params = {}) {
      const found = find(key, language);
      if (!found) throw new MissingMessageError(key, language);
      const cacheKey = `${found.language}\u0000${key}`;
      let format = compiled.get(cacheKey);
      if (!format) {
        format = new IntlMessageFormat(found.text, ICU_LOCALES[found.language]);
        compiled.set(cacheKey, format);
      }
      return String(format.format(params));
    },
    source(key, language) {
      const found = find(key, language);
      if (!found) throw new MissingMessageError(key, language);
      return { text: found.text, locale: ICU_LOCALES[found.language] };
    },
    has(key, language) {
      return locales.get(language)?.messages.has(key) ?? false;
    },
    keys(language) {
      return [...(locales.get(language)?.messages.keys() ?? [])].sort();
    },
    isDraft(language) {
      return locales.get(language)?.draft ?? false;
    },
    argumentNames(key) {
      let names = argumentCache.get(key);
      if (!names) {
        const all = new Set<string>();
        for (const data of locales.values()) {
          const text = data.messages.get(key);
          if (text !== undefined) collectArgumentNames(text).forEach((n) => all.add(n));
        }
        names = [...all].sort();
        argumentCache.set(key, names);
      }
      return names;
    },
  };
}
