/**
 * What a first message's reading means for the resident: straight to the report ("Entendido:
 * corte de agua"), a yes/no confirmation, or the menu. A wrong category sends the wrong crew
 * with the wrong deadline, so it costs more than a question; the thresholds below were chosen on
 * 5-fold cross-validation of the TRAINING split (`npm run eval:nlp` prints that sweep), never on
 * the held-out split: at 0.75 about 1 message in 100 went straight to a wrong report, at 0.45
 * the confirmations caught most of the rest.
 */
import type { Category } from '../domain/ticket';

/** Calibrated confidence at or above which the menu is skipped. */
export const CLEAR_CONFIDENCE = 0.75;
/** Below this the message is `other` (the menu); between the two the guess is confirmed. */
export const CONFIRM_CONFIDENCE = 0.45;

export type RoutingBand = 'clear' | 'confirm' | 'unclear';

export interface Routing {
  band: RoutingBand;
  /** The category guessed; `other` when unclear. */
  category: Category;
}

export function routeReading(reading: { category: Category; confidence: number }): Routing {
  if (reading.category === 'other') return { band: 'unclear', category: 'other' };
  if (reading.confidence >= CLEAR_CONFIDENCE) return { band: 'clear', category: reading.category };
  if (reading.confidence >= CONFIRM_CONFIDENCE) return { band: 'confirm', category: reading.category };
  return { band: 'unclear', category: 'other' };
}
