/**
 * Residents write "aguaaa", "q paso", "desague", "DESAGÜE 😡" and "b. alto" for the same things.
 * This is THE normalization: every comparison (a reply against vocabulary words, option words,
 * sector names, the classifier's corpus against a first message) runs both sides through
 * `normalizeTokens` with the same shorthand table, so like is compared with like:
 * lower case, no accents, punctuation and emoji dropped, stretched letters collapsed,
 * SMS shorthand and dotted abbreviations ("jr.", "av.", "b.") expanded.
 */

/** Shorthand table: normalized token (or token + "." for dotted abbreviations) → replacement words. */
export type ShorthandTable = ReadonlyMap<string, readonly string[]>;

/** Lower case, accents and punctuation removed, stretched letters collapsed (digits kept as typed). */
export function normalizeWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]/g, '')
    .replace(/([a-z])\1+/g, '$1');
}

/**
 * The key a shorthand entry is stored under: "b." stays dotted (an abbreviation only with its
 * dot, so "mz b" keeps its letter), anything else is a normalized word.
 */
export function shorthandKey(entry: string): string {
  const dotted = /\.$/.test(entry.trim());
  const word = normalizeWord(entry);
  return dotted ? `${word}.` : word;
}

/**
 * @example normalizeTokens('Q pasó con el AGUAAA!! 😡', table) → ['que', 'paso', 'con', 'el', 'agua']
 * @example normalizeTokens('Jr. Lima, b. alto', table) → ['jiron', 'lima', 'barrio', 'alto']
 */
export function normalizeTokens(text: string, shorthand: ShorthandTable = new Map()): string[] {
  const out: string[] = [];
  const spaced = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2');
  // A dot glued to letters ("jr.", "b.") is kept so that dotted abbreviations can be told apart.
  for (const [, raw, dot] of spaced.matchAll(/([a-z0-9]+)(\.)?/g)) {
    const word = normalizeWord(raw!);
    if (word === '') continue;
    const expanded = (dot && /^[a-z]+$/.test(word) ? shorthand.get(`${word}.`) : undefined) ?? shorthand.get(word);
    if (expanded) out.push(...expanded);
    else out.push(word);
  }
  return out;
}

/**
 * A sound-alike key for common Spanish spelling slips: b/v, s/z/soft c, silent h, y/ll/i.
 * @example phoneticKey('rebalza') === phoneticKey('rebalsa')
 */
export function phoneticKey(word: string): string {
  return word
    .replace(/v/g, 'b')
    .replace(/z/g, 's')
    .replace(/c([ei])/g, 's$1')
    .replace(/qu([ei])/g, 'k$1')
    .replace(/c([aou])/g, 'k$1')
    .replace(/(^|[^c])h/g, '$1')
    .replace(/y/g, 'i')
    .replace(/([a-z])\1+/g, '$1');
}
