/**
 * Matches "bellavista", "sector bella vista", "belavista", "b. alto", "el alto", "sta rosa" or
 * "por el centro" to the locality's sector names. Residents rarely spell a sector the way the
 * operator's list does, so the reply AND every sector name go through the same normalization
 * (`normalizeTokens` with the place table: "sta" → santa, "b." → barrio) before comparing.
 *
 * Scores (1 = same words, 0.97 = every word of the sector is in the reply, 0.9 = the reply is a
 * distinctive part of the sector name, else Jaro–Winkler of the joined letters). The threshold
 * 0.88 was chosen on the examples in test/flow-engine/sector-matching.test.ts: 0.85 accepted
 * "lima" for "Las Lomas", 0.90 refused "miraflore"/"san martn" typos of two-word names.
 */
import { JaroWinklerDistance } from '../nlp/natural-parts';
import { prepareToken, tokensMatch } from './phrase-matcher';
import { normalizeTokens, type ShorthandTable } from './text-normalizer';

/** Words around a sector name that say nothing about which one ("vivo en el sector ..."). */
const PLACE_WORDS = new Set([
  'sector', 'barrio', 'zona', 'aah', 'aahh', 'asentamiento', 'humano', 'urbanizacion', 'urb', 'poblado', 'anexo',
  'caserio', 'el', 'la', 'los', 'las', 'de', 'del', 'en', 'mi', 'es', 'vivo', 'estoy', 'por', 'al', 'a', 'the', 'in',
  'at', 'near', 'cerca', 'lado', 'parte', 'soy', 'somos', 'aca', 'aqui', 'que', 'y',
]);
export const SECTOR_MIN_SIMILARITY = 0.88;
/** Two candidates closer than this are both offered ("¿cuál?") instead of guessing. */
const AMBIGUITY_MARGIN = 0.04;
const PARTIAL_SCORE = 0.9;
const CONTAINED_SCORE = 0.97;
const MIN_PARTIAL_LETTERS = 4;

export type SectorMatch =
  | { kind: 'match'; sector: string }
  | { kind: 'ambiguous'; candidates: [string, string] }
  | { kind: 'none' };

function core(text: string, places: ShorthandTable): string[] {
  const tokens = normalizeTokens(text, places);
  // "centro poblado" is a kind of place; "centro" alone is usually the sector Centro.
  const meaningful = tokens.filter((t, i) => !PLACE_WORDS.has(t) && !(t === 'centro' && tokens[i + 1] === 'poblado'));
  return meaningful.length > 0 ? meaningful : tokens;
}

function allMatched(needles: string[], haystack: string[]): boolean {
  const hay = haystack.map(prepareToken);
  return needles.every((n) => hay.some((h) => tokensMatch(h, prepareToken(n))));
}

function score(reply: string[], sector: string[]): number {
  if (reply.length === 0 || sector.length === 0) return 0;
  if (reply.join(' ') === sector.join(' ')) return 1;
  if (allMatched(sector, reply)) return CONTAINED_SCORE;
  const whole = JaroWinklerDistance(reply.join(''), sector.join(''));
  const partial = reply.join('').length >= MIN_PARTIAL_LETTERS && allMatched(reply, sector) ? PARTIAL_SCORE : 0;
  return Math.max(whole, partial);
}

/** Every sector with its score, best first. */
export function rankSectors(reply: string, sectors: readonly string[], places: ShorthandTable): { sector: string; score: number }[] {
  const r = core(reply, places);
  return sectors
    .map((sector) => ({ sector, score: score(r, core(sector, places)) }))
    .sort((a, b) => b.score - a.score);
}

/** The sector a reply names; two close candidates are returned for the resident to pick. */
export function findSector(reply: string, sectors: readonly string[], places: ShorthandTable): SectorMatch {
  const [best, second] = rankSectors(reply, sectors, places);
  if (!best || best.score < SECTOR_MIN_SIMILARITY) return { kind: 'none' };
  if (second && second.score >= SECTOR_MIN_SIMILARITY && best.score - second.score < AMBIGUITY_MARGIN) {
    return { kind: 'ambiguous', candidates: [best.sector, second.sector] };
  }
  return { kind: 'match', sector: best.sector };
}

/** The best-matching sector name, or null when none is close enough or two are too close to call. */
export function matchSector(reply: string, sectors: readonly string[], places: ShorthandTable): string | null {
  const found = findSector(reply, sectors, places);
  return found.kind === 'match' ? found.sector : null;
}

/**
 * A sector named somewhere inside a longer message ("no hay agua en el barrio alto desde ayer"):
 * only a sector whose every word appears, and only when exactly one does.
 */
export function sectorMentioned(text: string, sectors: readonly string[], places: ShorthandTable): string | null {
  const r = normalizeTokens(text, places);
  const hits = sectors.filter((s) => {
    const c = core(s, places);
    return c.join('').length >= MIN_PARTIAL_LETTERS && allMatched(c, r);
  });
  return hits.length === 1 ? hits[0]! : null;
}
