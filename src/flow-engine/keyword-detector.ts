/**
 * Global keywords work at any point and in every language: MENU, AYUDA, CANCELAR, ESTADO <ref>,
 * IDIOMA, GENERO, BAJA/STOP, ALTA/START. A keyword is the whole message (so "baja presión" is
 * an outage, not an opt-out); keywords that take an argument may be followed by it.
 */
import { equalsPhrase, startsWithPhrase, type PreparedToken } from './phrase-matcher';
import type { PreparedVocabulary } from './prepared-vocabulary';
import type { Keyword } from './vocabulary-schema';

export interface DetectedKeyword {
  keyword: Keyword;
  /** Raw text after the keyword, for keywords that accept one; '' when none. */
  argument: string;
}

function exactWords(words: PreparedToken[]): PreparedToken[] {
  // A keyword is matched exactly: no stems, no fuzzy distance, so "estado" never eats "esta todo".
  return words.map((w) => ({ text: w.text, stem: `\u0000${w.text}`, phonetic: `\u0000${w.text}` }));
}

/** Drops the first `count` words of the raw text, keeping the rest as typed. */
function rawAfter(text: string, count: number): string {
  const parts = text.trim().split(/\s+/);
  return parts.slice(count).join(' ').trim();
}

export function detectKeyword(text: string, words: PreparedToken[], vocabulary: PreparedVocabulary): DetectedKeyword | null {
  if (words.length === 0) return null;
  const exact = exactWords(words);
  for (const { keyword, phrases } of vocabulary.keywords) {
    for (const phrase of phrases) {
      const strict = { ...phrase, tokens: exactWords(phrase.tokens) };
      if (equalsPhrase(exact, strict)) return { keyword, argument: '' };
      if (keyword.action === 'open_flow' && keyword.argument && startsWithPhrase(exact, strict)) {
        const raw = rawAfter(text, phrase.tokens.length);
        const argument = raw !== '' ? raw : words.slice(phrase.tokens.length).map((w) => w.text).join(' ');
        return { keyword, argument };
      }
    }
  }
  return null;
}
