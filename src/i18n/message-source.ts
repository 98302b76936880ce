/**
 * One locale message as data: its ICU text and the ICU locale to format it in. A message whose
 * arguments are only known later, somewhere the locale files are not loaded (the SQLite store
 * thread formats the "we already know" reply inside its transaction, issue 9/11), travels as a
 * source and is formatted there with {@link formatMessageSource}. Everything else uses
 * `Translator.render`.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { MessageParams } from './translator';

export interface MessageSource {
  /** ICU MessageFormat text, as in `locales/<lang>.json`. */
  text: string;
  /** ICU locale, e.g. `es-PE`. */
  locale: string;
}

const compiled = new Map<string, IntlMessageFormat>();
const CACHE_LIMIT = 256;

export function formatMessageSource(source: MessageSource, params: MessageParams): string {
  const cacheKey = `${source.locale}\u0000${source.text}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(source.text, source.locale);
    // A handful of messages in three languages: the bound only guards against misuse.
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(cacheKey, format);
  }
  return String(format.format(params));
}
