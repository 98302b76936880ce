/**
 * Residents write "aguaaa", "q paso", "desague" and "DESAGÜE" for the same thing. Every reply
 * and every vocabulary word goes through the same normalization, so matching compares like
 * with like: lower case, no accents, stretched letters collapsed, SMS shorthand expanded.
 */

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
 * @example normalizeTokens('Q pasó con el AGUAAA!!', { q: 'que' }) → ['que', 'paso', 'con', 'el', 'agua']
 */
export function normalizeTokens(text: string, shorthand: ReadonlyMap<string, readonly string[]> = new Map()): string[] {
  const out: string[] = [];
  const spaced = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2');
  for (const raw of spaced.split(/[^a-z0-9]+/)) {
    const word = normalizeWord(raw);
    if (word === '') continue;
    const expanded = shorthand.get(word);
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
