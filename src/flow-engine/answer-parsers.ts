/**
 * Turns a resident's reply into the value a step saves, per `expect` type. Every parser is
 * forgiving (digits, option words in any language, typos, shorthand) and says `invalid`
 * rather than guess: the engine then re-prompts, and after repeated failures hands over.
 */
import type { GeoPoint } from '../domain/ticket';
import { isValidReference, normalizeReferenceInput, REFERENCE_LENGTHS } from '../domain/reference';
import type { Ask } from './flow-schema';
import type { NlpModel } from '../nlp/nlp-model';
import { routeReading } from '../nlp/routing-policy';
import {
  equalsPhrase,
  matchingOptions,
  pickOption,
  startsWithPhrase,
  type PreparedPhrase,
  type PreparedToken,
} from './phrase-matcher';
import type { PreparedVocabulary } from './prepared-vocabulary';
import { findSector, sectorMentioned } from './sector-matcher';

export type VarValue = string | number | boolean | null;

export type ParsedAnswer =
  | { kind: 'answer'; value: VarValue; extra: Record<string, VarValue> }
  | { kind: 'skip' }
  /** Two sectors fit about equally ("alto": Barrio Alto or Alto Perú): the resident is asked which. */
  | { kind: 'ambiguous'; candidates: [string, string] }
  | { kind: 'invalid' };

export interface Reply {
  text: string;
  words: PreparedToken[];
  location: GeoPoint | null;
  mediaCount: number;
}

export interface ParseContext {
  vocabulary: PreparedVocabulary;
  /** Prepared phrases per option, for choice steps. */
  options: PreparedPhrase[][];
  sectors: readonly string[];
  /** How many sectors the prompt listed with numbers. */
  listedSectors: number;
  nlp: NlpModel;
  /** Two sectors offered after an ambiguous answer ("1 Barrio Alto 2 Alto Perú"), if any. */
  sectorCandidates?: readonly string[];
}

const INVALID: ParsedAnswer = { kind: 'invalid' };
const FILLER = new Set(['opcion', 'opciones', 'op', 'numero', 'nro', 'num', 'n', 'option', 'number', 'la', 'el', 'es', 'mi', 'the', 'is']);
const MAX_TEXT = 500;

function answer(value: VarValue, extra: Record<string, VarValue> = {}): ParsedAnswer {
  return { kind: 'answer', value, extra };
}

/** "2", "opción 2", "dos", "iskay" → 2; null when the reply is not just a number. */
export function readNumber(words: PreparedToken[], vocabulary: PreparedVocabulary): number | null {
  const rest = words.filter((w) => !FILLER.has(w.text));
  if (rest.length === 0) return null;
  if (rest.length === 1 && /^\d+$/.test(rest[0]!.text)) return Number(rest[0]!.text);
  const asWords = vocabulary.numbers.get(rest.map((w) => w.text).join(' '));
  return asWords ?? null;
}

function isSkip(reply: Reply, vocabulary: PreparedVocabulary): boolean {
  if (reply.words.length === 0) return false;
  if (readNumber(reply.words, vocabulary) === 0) return true;
  if (vocabulary.skip.some((p) => equalsPhrase(reply.words, p))) return true;
  return vocabulary.unknown.some((p) => startsWithPhrase(reply.words, p));
}

function cleanText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').slice(0, MAX_TEXT);
}

function letterCount(text: string): number {
  return (text.match(/[\p{L}\d]/gu) ?? []).length;
}

/** One or two words ("fuga", "mi reclamo") are matched against option words first; longer text is classified. */
const SHORT_REPLY_WORDS = 2;

function parseChoice(ask: Extract<Ask, { expect: 'choice' }>, reply: Reply, p: ParseContext): ParsedAnswer {
  const number = readNumber(reply.words, p.vocabulary);
  const matchVar = ask.classify?.saveMatchAs;
  if (number !== null) {
    const option = ask.options[number - 1];
    return option ? answer(option.value, matchVar ? { [matchVar]: null } : {}) : INVALID;
  }
  const keep: Record<string, VarValue> = ask.classify ? { [ask.classify.saveTextAs]: cleanText(reply.text) } : {};
  if (matchVar) keep[matchVar] = null;
  const index = pickOption(reply.words, p.options);
  // The classifier reads the whole message: a menu word inside it ("huele a desague") must not decide alone.
  if (ask.classify && reply.words.length > SHORT_REPLY_WORDS) {
    const routing = routeReading(p.nlp.read(reply.text));
    const option = ask.options.find((o) => o.value === routing.category);
    if (routing.band !== 'unclear' && option) return answer(option.value, matchVar ? { ...keep, [matchVar]: routing.band } : keep);
  }
  if (index !== null) return answer(ask.options[index]!.value, matchVar ? { ...keep, [matchVar]: 'clear' } : keep);
  if (ask.classify && reply.words.length <= SHORT_REPLY_WORDS) {
    const routing = routeReading(p.nlp.read(reply.text));
    const option = ask.options.find((o) => o.value === routing.category);
    if (routing.band !== 'unclear' && option) return answer(option.value, matchVar ? { ...keep, [matchVar]: routing.band } : keep);
  }
  if (ask.allowText && letterCount(reply.text) >= 3) {
    return answer('other', { [`${ask.save}_text`]: cleanText(reply.text) });
  }
  return INVALID;
}

function parseMultiChoice(ask: Extract<Ask, { expect: 'multi_choice' }>, reply: Reply, p: ParseContext): ParsedAnswer {
  const digits = reply.words.filter((w) => !FILLER.has(w.text) && !['y', 'and', 'e'].includes(w.text));
  if (digits.length > 0 && digits.every((w) => /^\d+$/.test(w.text))) {
    const picked = digits.flatMap((w) => (w.text.length > 1 && ask.options.length < 10 ? [...w.text] : [w.text])).map(Number);
    if (picked.some((n) => n < 1 || n > ask.options.length)) return INVALID;
    const values = ask.options.filter((_, i) => picked.includes(i + 1)).map((o) => o.value);
    return answer(values.join(','));
  }
  const indexes = matchingOptions(reply.words, p.options);
  if (indexes.length === 0) return INVALID;
  return answer(indexes.map((i) => ask.options[i]!.value).join(','));
}

function longestLeading(words: PreparedToken[], phrases: PreparedPhrase[]): number {
  let best = 0;
  for (const phrase of phrases) {
    const single = phrase.tokens.length === 1 && phrase.tokens[0]!.text.length === 1;
    const hit = single ? equalsPhrase(words, phrase) : startsWithPhrase(words, phrase);
    if (hit && phrase.tokens.length > best) best = phrase.tokens.length;
  }
  return best;
}

/** "si", "sííí", "ok", "ya", "claro", "1", "ari" → true; "no", "nop", "2", "manam" → false. */
export function parseYesNo(reply: Reply, vocabulary: PreparedVocabulary): ParsedAnswer {
  if (vocabulary.unknown.some((phrase) => startsWithPhrase(reply.words, phrase))) return INVALID;
  const number = readNumber(reply.words, vocabulary);
  if (number !== null) return number === 1 ? answer(true) : number === 2 ? answer(false) : INVALID;
  const yes = longestLeading(reply.words, vocabulary.yes);
  const no = longestLeading(reply.words, vocabulary.no);
  if (yes === 0 && no === 0) return INVALID;
  if (yes === no) return INVALID;
  return answer(yes > no);
}

function parseNumber(ask: Extract<Ask, { expect: 'number' }>, reply: Reply, p: ParseContext): ParsedAnswer {
  let value = readNumber(reply.words, p.vocabulary);
  if (value === null) {
    const numbers = reply.words.filter((w) => /^\d+$/.test(w.text));
    if (numbers.length === 1) value = Number(numbers[0]!.text);
  }
  return value !== null && value >= ask.min && value <= ask.max ? answer(value) : INVALID;
}

function parseDigits(ask: Extract<Ask, { expect: 'digits' }>, reply: Reply): ParsedAnswer {
  const joined = reply.text.replace(/(\d)[\s.\-]+(?=\d)/g, '$1');
  const runs = joined.match(/\d+/g) ?? [];
  if (runs.length !== 1) return INVALID;
  const run = runs[0]!;
  return run.length >= ask.minLength && run.length <= ask.maxLength ? answer(run) : INVALID;
}

function parseText(ask: Extract<Ask, { expect: 'text' }>, reply: Reply): ParsedAnswer {
  if (reply.text.trim() === '' && reply.mediaCount > 0) return answer(null, { [`${ask.save}_media`]: reply.mediaCount });
  return letterCount(reply.text) >= ask.minLength ? answer(cleanText(reply.text)) : INVALID;
}

function parsePlace(reply: Reply): ParsedAnswer {
  const text = cleanText(reply.text);
  if (reply.location) {
    return answer(text === '' ? (reply.location.label ?? null) : text, {
      location_lat: reply.location.lat,
      location_lng: reply.location.lng,
      location_label: reply.location.label ?? null,
    });
  }
  return letterCount(text) >= 3 ? answer(text) : INVALID;
}

function parseReference(reply: Reply): ParsedAnswer {
  const direct = normalizeReferenceInput(reply.text);
  if (isValidReference(direct)) return answer(direct);
  const joined = reply.text.replace(/(\d)[\s.\-]+(?=\d)/g, '$1');
  const runs = (joined.match(/\d+/g) ?? []).filter((run) => REFERENCE_LENGTHS.includes(run.length));
  return runs.length === 1 && isValidReference(runs[0]!) ? answer(runs[0]!) : INVALID;
}

function parseSector(reply: Reply, p: ParseContext): ParsedAnswer {
  if (reply.location && reply.text.trim() === '') {
    // A pin says more than a sector name: keep it, leave the sector to the operator.
    return answer(null, {
      location_lat: reply.location.lat,
      location_lng: reply.location.lng,
      location_label: reply.location.label ?? null,
    });
  }
  const number = readNumber(reply.words, p.vocabulary);
  const candidates = p.sectorCandidates ?? [];
  if (number !== null && candidates.length > 0) {
    return number >= 1 && number <= candidates.length ? answer(candidates[number - 1]!) : INVALID;
  }
  if (number !== null) {
    return number >= 1 && number <= p.listedSectors ? answer(p.sectors[number - 1]!) : INVALID;
  }
  const found = findSector(reply.text, candidates.length > 0 ? candidates : p.sectors, p.vocabulary.places);
  if (found.kind === 'ambiguous') return { kind: 'ambiguous', candidates: found.candidates };
  return found.kind === 'match' ? answer(found.sector) : INVALID;
}

function parseByType(ask: Ask, reply: Reply, p: ParseContext): ParsedAnswer {
  switch (ask.expect) {
    case 'choice':
      return parseChoice(ask, reply, p);
    case 'multi_choice':
      return parseMultiChoice(ask, reply, p);
    case 'yes_no':
      return parseYesNo(reply, p.vocabulary);
    case 'number':
      return parseNumber(ask, reply, p);
    case 'digits':
      return parseDigits(ask, reply);
    case 'text':
      return parseText(ask, reply);
    case 'sector':
      return parseSector(reply, p);
    case 'place':
      return parsePlace(reply);
    case 'reference':
      return parseReference(reply);
  }
}

/**
 * The step's own reading first, then skip words (when the step is skippable). Free text and
 * places would accept "saltar" as an answer, so there skip words are checked first.
 */
export function parseAnswer(ask: Ask, reply: Reply, p: ParseContext): ParsedAnswer {
  if (ask.skippable && (ask.expect === 'text' || ask.expect === 'place') && !reply.location && isSkip(reply, p.vocabulary)) {
    return { kind: 'skip' };
  }
  const parsed = parseByType(ask, reply, p);
  if (parsed.kind === 'invalid' && ask.skippable && isSkip(reply, p.vocabulary)) return { kind: 'skip' };
  return parsed;
}

/**
 * Answers a step from earlier free text (the first message), or undefined when that text does
 * not say. `says` are the step's prefill phrases (see flow-schema), or null to use option words.
 */
export function prefillAnswer(ask: Ask, source: string, words: PreparedToken[], says: PreparedPhrase[][] | null, p: ParseContext): VarValue | undefined {
  switch (ask.expect) {
    case 'choice': {
      const index = pickOption(words, says ?? p.options);
      return index === null ? undefined : ask.options[index]!.value;
    }
    case 'multi_choice': {
      const indexes = matchingOptions(words, says ?? p.options);
      return indexes.length === 0 ? undefined : indexes.map((i) => ask.options[i]!.value).join(',');
    }
    case 'yes_no': {
      if (!says) return undefined;
      const index = pickOption(words, says);
      return index === null ? undefined : index === 0;
    }
    case 'sector':
      return sectorMentioned(source, p.sectors, p.vocabulary.places) ?? undefined;
    case 'place':
      return says && matchingOptions(words, says).length > 0 ? cleanText(source) : undefined;
    default:
      return undefined;
  }
}
