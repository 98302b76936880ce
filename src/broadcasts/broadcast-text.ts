/**
 * The SMS budget of one broadcast: the text every resident gets (the operator's words inside a
 * localized frame) must fit 2 GSM-7 segments in every language it will be sent in, or the
 * broadcast is refused before anything is stored.
 */
import { LANGUAGES, type Language } from '../domain/resident';
import { adaptForChannel } from '../i18n/channel-text';
import { MAX_BOT_SMS_SEGMENTS, measureSms } from '../i18n/sms-segments';

/** The largest segment count of `render(language)` over every language, as sent by SMS. */
export function worstSegments(render: (language: Language) => string, languages: readonly Language[] = LANGUAGES): number {
  return Math.max(...languages.map((language) => measureSms(adaptForChannel(render(language), 'sms')).segments));
}

export function fitsSmsBudget(render: (language: Language) => string, languages?: readonly Language[]): boolean {
  return worstSegments(render, languages) <= MAX_BOT_SMS_SEGMENTS;
}
