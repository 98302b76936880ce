/**
 * Matches "bellavista", "sector bella vista" or "belavista" to the locality's "Bellavista".
 * Residents rarely spell a sector the way the operator's list does.
 */
import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import { prepareText, tokensMatch, type Shorthand } from './phrase-matcher';

const PLACE_WORDS = new Set([
  'sector', 'barrio', 'zona', 'aah', 'aahh', 'asentamiento', 'humano', 'urbanizacion', 'urb', 'centro', 'poblado',
  'anexo', 'caserio', 'el', 'la', 'los', 'las', 'de', 'del', 'en', 'mi', 'es', 'vivo', 'estoy', 'the', 'in',
]);
const MIN_SIMILARITY = 0.88;

function core(text: string, shorthand: Shorthand): string[] {
  const tokens = prepareText(text, shorthand).map((t) => t.text);
  const meaningful = tokens.filter((t) => !PLACE_WORDS.has(t));
  return meaningful.length > 0 ? meaningful : tokens;
}

function score(reply: string, sector: string, shorthand: Shorthand): number {
  const a = core(reply, shorthand);
  const b = core(sector, shorthand);
  if (a.length === 0 || b.length === 0) return 0;
  if (a.join('') === b.join('')) return 1;
  const whole = JaroWinklerDistance(a.join(''), b.join(''));
  const replyTokens = prepareText(a.join(' '), new Map());
  const contained = prepareText(b.join(' '), new Map()).every((t) => replyTokens.some((r) => tokensMatch(r, t)));
  return Math.max(whole, contained ? 0.95 : 0);
}

/** The best-matching sector name, or null when none is close enough or two tie. */
export function matchSector(reply: string, sectors: readonly string[], shorthand: Shorthand): string | null {
  let best: string | null = null;
  let bestScore = 0;
  let tie = false;
  for (const sector of sectors) {
    const s = score(reply, sector, shorthand);
    if (s > bestScore) {
      best = sector;
      bestScore = s;
      tie = false;
    } else if (s === bestScore && s > 0) {
      tie = true;
    }
  }
  return bestScore >= MIN_SIMILARITY && !tie ? best : null;
}
