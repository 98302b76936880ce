/**
 * Routes a free first message ("no hay agua desde ayer", "el desague se rebalsa") straight
 * into the matching report. Weighted phrase matching is enough for now; a later issue adds a
 * trained classifier behind the same function.
 */
import { containsPhrase, type PreparedToken } from './phrase-matcher';
import type { PreparedVocabulary } from './prepared-vocabulary';

/** The intent with the highest total weight of matched phrases; null when none or a tie. */
export function classifyIntent(words: PreparedToken[], vocabulary: PreparedVocabulary): string | null {
  let best: string | null = null;
  let bestScore = 0;
  let tie = false;
  for (const intent of vocabulary.intents) {
    let score = 0;
    for (const phrase of intent.phrases) if (containsPhrase(words, phrase)) score += phrase.weight;
    if (score > bestScore) {
      best = intent.id;
      bestScore = score;
      tie = false;
    } else if (score > 0 && score === bestScore) {
      tie = true;
    }
  }
  return tie ? null : best;
}
