/**
 * Tolerant phrase matching: a phrase matches when its words appear in order in the reply,
 * each word equal, sharing a Spanish stem, sounding alike, or within a small Jaro–Winkler
 * distance (typos). One unrelated word may sit between two phrase words ("no hay nada agua").
 */
import { JaroWinklerDistance, PorterStemmerEs } from '../nlp/natural-parts';
import { normalizeTokens, phoneticKey } from './text-normalizer';

export interface PreparedToken {
  text: string;
  stem: string;
  phonetic: string;
}

export interface PreparedPhrase {
  tokens: PreparedToken[];
  weight: number;
}

export type Shorthand = ReadonlyMap<string, readonly string[]>;

const FUZZY_MIN_LENGTH = 5;
/** Shorter stems join unrelated words ("sale"/"salada" → "sal"). */
const STEM_MIN_LENGTH = 4;
const FUZZY_MIN_SIMILARITY = 0.92;
const MAX_GAP = 1;

/** natural's Spanish stemmer takes ~50–90 µs a word, and residents reuse the same few hundred words. */
const preparedTokens = new Map<string, PreparedToken>();
const MAX_PREPARED_TOKENS = 50_000;

export function prepareToken(text: string): PreparedToken {
  const known = preparedTokens.get(text);
  if (known) return known;
  const isWord = /^[a-z]+$/.test(text);
  const token = {
    text,
    stem: isWord && text.length >= 4 ? PorterStemmerEs.stem(text) : text,
    phonetic: isWord ? phoneticKey(text) : text,
  };
  if (preparedTokens.size < MAX_PREPARED_TOKENS) preparedTokens.set(text, token);
  return token;
}

export function prepareText(text: string, shorthand: Shorthand): PreparedToken[] {
  return normalizeTokens(text, shorthand).map(prepareToken);
}

export function preparePhrase(text: string, shorthand: Shorthand, weight = 1): PreparedPhrase {
  return { tokens: prepareText(text, shorthand), weight };
}

export function tokensMatch(a: PreparedToken, b: PreparedToken): boolean {
  if (a.text === b.text) return true;
  if (/\d/.test(a.text) || /\d/.test(b.text)) return false;
  if (a.text.length >= 4 && b.text.length >= 4) {
    if (a.stem === b.stem && a.stem.length >= STEM_MIN_LENGTH) return true;
    if (a.phonetic === b.phonetic) return true;
  }
  if (a.text.length >= 3 && (a.text === `${b.text}s` || b.text === `${a.text}s`)) return true;
  return (
    a.text.length >= FUZZY_MIN_LENGTH &&
    b.text.length >= FUZZY_MIN_LENGTH &&
    JaroWinklerDistance(a.text, b.text) >= FUZZY_MIN_SIMILARITY
  );
}

function matchFrom(words: PreparedToken[], phrase: PreparedToken[], start: number): boolean {
  let pos = start;
  for (let i = 0; i < phrase.length; i++) {
    const limit = i === 0 ? pos : Math.min(words.length - 1, pos + MAX_GAP);
    let found = -1;
    for (let j = pos; j <= limit; j++) {
      if (tokensMatch(words[j]!, phrase[i]!)) {
        found = j;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + 1;
    if (i < phrase.length - 1 && pos >= words.length) return false;
  }
  return true;
}

/** True when the phrase occurs in the reply. */
export function containsPhrase(words: PreparedToken[], phrase: PreparedPhrase): boolean {
  if (phrase.tokens.length === 0) return false;
  for (let start = 0; start < words.length; start++) {
    if (matchFrom(words, phrase.tokens, start)) return true;
  }
  return false;
}

/** True when the reply starts with the phrase. */
export function startsWithPhrase(words: PreparedToken[], phrase: PreparedPhrase): boolean {
  return phrase.tokens.length > 0 && words.length > 0 && matchFrom(words, phrase.tokens, 0);
}

/** True when the reply is exactly the phrase (no extra words). */
export function equalsPhrase(words: PreparedToken[], phrase: PreparedPhrase): boolean {
  return words.length === phrase.tokens.length && phrase.tokens.every((t, i) => tokensMatch(words[i]!, t));
}

/** Length in words of the longest phrase found in the reply, 0 when none. */
export function longestMatch(words: PreparedToken[], phrases: PreparedPhrase[]): number {
  let best = 0;
  for (const phrase of phrases) {
    if (phrase.tokens.length > best && containsPhrase(words, phrase)) best = phrase.tokens.length;
  }
  return best;
}

/**
 * The option whose phrases match best (longest phrase wins); null when none or a tie.
 * @example pickOption(words, [[hoy], [ayer]]) → 1 for "desde ayer"
 */
export function pickOption(words: PreparedToken[], options: PreparedPhrase[][]): number | null {
  let bestIndex: number | null = null;
  let bestLength = 0;
  let tie = false;
  options.forEach((phrases, index) => {
    const length = longestMatch(words, phrases);
    if (length === 0) return;
    if (length > bestLength) {
      bestIndex = index;
      bestLength = length;
      tie = false;
    } else if (length === bestLength) {
      tie = true;
    }
  });
  return tie ? null : bestIndex;
}

/** Every option that matches, for multi-choice answers ("turbia y con olor"). */
export function matchingOptions(words: PreparedToken[], options: PreparedPhrase[][]): number[] {
  return options.flatMap((phrases, index) => (longestMatch(words, phrases) > 0 ? [index] : []));
}
