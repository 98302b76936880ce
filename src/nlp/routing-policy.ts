/**
 * What a first message's reading means for the resident: straight to the report ("Entendido:
 * corte de agua"), a yes/no confirmation, or the menu. A wrong category sends the wrong crew
 * with the wrong deadline, so it costs more than a question. The clear threshold is the lowest
 * one whose 5-fold cross-validation on the TRAINING split sends at most 3% of messages to a wrong
 * report (`npm run eval:nlp -- --thresholds` prints the sweep; the held-out split is never used):
 * 0.75 → 3.3% wrong, 0.80 → 2.9% wrong with 85% routed right and 11% confirmed.
 */
import type { Category } from '../domain/ticket';

/** Calibrated confidence at or above which the menu is skipped. */
export const CLEAR_CONFIDENCE = 0.8;
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
