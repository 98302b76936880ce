/**
 * How many SMS parts a text costs, by Twilio's own calculator. A bot SMS may use at most
 * two segments (`MAX_BOT_SMS_SEGMENTS`); tests and the host budget against it.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export const MAX_BOT_SMS_SEGMENTS = 2;

export interface SmsMeasure {
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
}

/** @example measureSms('Hola') → { segments: 1, encoding: 'GSM-7', characters: 4 } */
export function measureSms(text: string): SmsMeasure {
  const message = new SegmentedMessage(text);
  return {
    segments: message.segmentsCount,
    encoding: message.encodingName,
    characters: message.numberOfCharacters,
  };
}
