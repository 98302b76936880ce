/**
 * The corpus the classifiers learn from: `nlp/corpus/train.tsv`, one message per line,
 * `category<TAB>language<TAB>text`, `#` comments. Kept as plain text in the repository so anyone
 * can add the messages residents really send (see nlp/README.md) without touching code.
 */
import { CATEGORIES, type Category } from '../domain/ticket';
import { LANGUAGES, type Language } from '../domain/resident';

export interface CorpusExample {
  category: Category;
  language: Language;
  text: string;
}

export class CorpusFormatError extends Error {
  readonly code = 'nlp_corpus_invalid';
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in the NLP corpus:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CorpusFormatError';
  }
}

/** @example parseCorpus('outage\tes\tno hay agua\n', 'train.tsv') → [{ category: 'outage', language: 'es', text: 'no hay agua' }] */
export function parseCorpus(content: string, source: string): CorpusExample[] {
  const problems: string[] = [];
  const examples: CorpusExample[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const [category, language, text, ...rest] = line.split('\t');
    const where = `${source}:${index + 1}`;
    if (rest.length > 0 || text === undefined || text.trim() === '') problems.push(`${where}: expected category<TAB>language<TAB>text`);
    else if (!(CATEGORIES as readonly string[]).includes(category!)) problems.push(`${where}: unknown category "${category}"`);
    else if (!(LANGUAGES as readonly string[]).includes(language!)) problems.push(`${where}: unknown language "${language}"`);
    else examples.push({ category: category as Category, language: language as Language, text: text.trim() });
  });
  if (problems.length > 0) throw new CorpusFormatError(problems);
  return examples;
}
