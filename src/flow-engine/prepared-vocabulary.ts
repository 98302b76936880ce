/**
 * Vocabulary words are normalized, stemmed and phonetic-keyed once at load time, so a turn
 * only prepares the resident's reply.
 */
import type { MatchWords } from './flow-schema';
import { preparePhrase, type PreparedPhrase, type Shorthand } from './phrase-matcher';
import { normalizeTokens, shorthandKey } from './text-normalizer';
import type { Keyword, Vocabulary } from './vocabulary-schema';

export interface PreparedVocabulary {
  shorthand: Shorthand;
  /** `shorthand` plus the place-only rewrites, for sector names and replies naming a sector. */
  places: Shorthand;
  yes: PreparedPhrase[];
  no: PreparedPhrase[];
  unknown: PreparedPhrase[];
  skip: PreparedPhrase[];
  thanks: PreparedPhrase[];
  greetings: PreparedPhrase[];
  /** Normalized number word → value. */
  numbers: ReadonlyMap<string, number>;
  keywords: { keyword: Keyword; phrases: PreparedPhrase[] }[];
  intents: { id: string; phrases: PreparedPhrase[] }[];
}

export function prepareWords(words: MatchWords, shorthand: Shorthand): PreparedPhrase[] {
  return Object.values(words)
    .flat()
    .map((w) => preparePhrase(w, shorthand))
    .filter((p) => p.tokens.length > 0);
}

export function prepareVocabulary(vocabulary: Vocabulary): PreparedVocabulary {
  const shorthand = new Map<string, string[]>();
  for (const [from, to] of Object.entries(vocabulary.answers.shorthand)) {
    shorthand.set(shorthandKey(from), normalizeTokens(to));
  }
  const places = new Map(shorthand);
  for (const [from, to] of Object.entries(vocabulary.answers.places)) places.set(shorthandKey(from), normalizeTokens(to));
  const numbers = new Map<string, number>();
  for (const [digit, words] of Object.entries(vocabulary.answers.numbers)) {
    for (const word of words) numbers.set(normalizeTokens(word, shorthand).join(' '), Number(digit));
  }
  const a = vocabulary.answers;
  return {
    shorthand,
    places,
    yes: prepareWords(a.yes, shorthand),
    no: prepareWords(a.no, shorthand),
    unknown: prepareWords(a.unknown, shorthand),
    skip: prepareWords(a.skip, shorthand),
    thanks: prepareWords(a.thanks, shorthand),
    greetings: prepareWords(a.greetings, shorthand),
    numbers,
    keywords: vocabulary.keywords.map((keyword) => ({ keyword, phrases: prepareWords(keyword.words, shorthand) })),
    intents: Object.entries(vocabulary.intents).map(([id, perLanguage]) => ({
      id,
      phrases: Object.values(perLanguage)
        .flat()
        .map((p) => (typeof p === 'string' ? preparePhrase(p, shorthand) : preparePhrase(p.phrase, shorthand, p.weight)))
        .filter((p) => p.tokens.length > 0),
    })),
  };
}
