/**
 * The few words that describe a ticket in a staff SMS (operator commands, new-ticket alerts, SLA
 * alerts): its category, sector, age and a short summary in the resident's own words. Every
 * word comes from `locales/`; only numbers are formatted here.
 *
 * A staff SMS should fit ONE segment: {@link fitOneSegment} shortens the one free-text part
 * (summary, note) until the whole message does, measured after GSM-7 conversion.
 */
import type { Language } from '../domain/resident';
import type { Ticket } from '../domain/ticket';
import { toGsm7 } from '../i18n/gsm7';
import { measureSms } from '../i18n/sms-segments';
import type { Translator } from '../i18n/translator';

export type LabelTranslator = Pick<Translator, 'render'>;

/** Short category word for lists and digests, e.g. `corte`. */
export function categoryWord(t: LabelTranslator, category: Ticket['category'], language: Language): string {
  return t.render('operator.category', language, { category });
}

/** Category as a phrase for a single alert, e.g. `Corte de agua`. */
export function categoryPhrase(t: LabelTranslator, category: Ticket['category'], language: Language): string {
  return t.render('alert.category', language, { category });
}

export function sectorLabel(t: LabelTranslator, sector: string | null, language: Language): string {
  return sector && sector.trim() !== '' ? sector.trim() : t.render('operator.no_sector', language);
}

/** `45 min`, `3 h`, `2 d`: how long the ticket has been waiting. */
export function ageLabel(t: LabelTranslator, fromIso: string, nowIso: string, language: Language): string {
  const minutes = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 60) return t.render('operator.age', language, { unit: 'minutes', amount: minutes });
  if (minutes < 48 * 60) return t.render('operator.age', language, { unit: 'hours', amount: Math.floor(minutes / 60) });
  return t.render('operator.age', language, { unit: 'days', amount: Math.floor(minutes / (24 * 60)) });
}

/**
 * Details a flow captured that help an operator picture the problem. Account numbers, the
 * holder's name and DNI are left out on purpose: a staff SMS can be read over a shoulder.
 */
const SUMMARY_FIELDS = ['description', 'where', 'problem_text'] as const;

/** The resident's own words (first matching detail), collapsed to one line; '' when none. */
export function ticketSummary(ticket: Pick<Ticket, 'details' | 'location'>): string {
  for (const field of SUMMARY_FIELDS) {
    const value = ticket.details[field];
    if (typeof value === 'string' && value.trim() !== '') return value.replace(/\s+/g, ' ').trim();
  }
  return ticket.location?.label?.trim() ?? '';
}

/** Details that say where the problem is, in the order the flows ask them. */
const ADDRESS_FIELDS = ['where', 'address'] as const;
/** Details in the resident's own words that are not the address. */
const WORDS_FIELDS = ['description', 'problem_text'] as const;

/**
 * Where to go: the address or landmark the resident typed, else the label of their WhatsApp pin,
 * else its coordinates; '' when the flow captured none.
 */
export function ticketAddress(ticket: Pick<Ticket, 'details' | 'location'>): string {
  for (const field of ADDRESS_FIELDS) {
    const value = ticket.details[field];
    if (typeof value === 'string' && value.trim() !== '') return value.replace(/\s+/g, ' ').trim();
  }
  const location = ticket.location;
  if (!location) return '';
  return location.label?.trim() || `${location.lat.toFixed(5)},${location.lng.toFixed(5)}`;
}

/** The resident's own words about the problem (not the address); '' when none. */
export function ticketWords(ticket: Pick<Ticket, 'details'>): string {
  for (const field of WORDS_FIELDS) {
    const value = ticket.details[field];
    if (typeof value === 'string' && value.trim() !== '') return value.replace(/\s+/g, ' ').trim();
  }
  return '';
}

const ELLIPSIS = '...';

/**
 * Renders `build(free)` with the longest prefix of `free` that keeps the SMS in one segment
 * (after GSM-7 conversion); drops `free` entirely when even the rest needs two. Returns the
 * untruncated text when it already fits.
 *
 * @example fitOneSegment('una fuga grande frente al mercado…', (s) => `Nuevo reclamo 4820176: Fuga. ${s}`)
 */
export function fitOneSegment(free: string, build: (free: string) => string): string {
  const fits = (text: string) => measureSms(toGsm7(text)).segments <= 1;
  const whole = build(free).trim();
  if (free === '' || fits(whole)) return whole;
  let low = 0;
  let high = free.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(build(`${free.slice(0, mid).trimEnd()}${ELLIPSIS}`))) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? build('').trim() : build(`${free.slice(0, low).trimEnd()}${ELLIPSIS}`).trim();
}
