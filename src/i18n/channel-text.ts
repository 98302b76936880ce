/**
 * The last step before a text leaves: SMS gets GSM-7 transliteration (cheaper, readable on any
 * phone), WhatsApp keeps accents and typography.
 */
import type { Channel } from '../domain/resident';
import { toGsm7 } from './gsm7';

/** @example adaptForChannel('Su código', 'sms') → 'Su codigo' */
export function adaptForChannel(text: string, channel: Channel): string {
  return channel === 'sms' ? toGsm7(text) : text;
}
