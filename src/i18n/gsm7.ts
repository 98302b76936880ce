/**
 * SMS to basic phones: one character outside the GSM-7 alphabet (á, “, °, an emoji) turns the
 * whole message into UCS-2 and cuts a segment from 160 to 70 characters, so SMS text is
 * transliterated before sending. Spanish keeps ñ, é, ¿ and ¡, which GSM-7 has.
 * The alphabet and the punctuation map are Twilio's own (sms-segments-calculator).
 */
import UnicodeToGsm from 'sms-segments-calculator/dist/libs/UnicodeToGSM';
import SmartEncodingMap from 'sms-segments-calculator/dist/libs/SmartEncodingMap';

/** Replacements Twilio's smart-encoding map lacks and Spanish text meets. */
const EXTRA_REPLACEMENTS: Record<string, string> = {
  '°': 'o',
  'º': 'o',
  'ª': 'a',
  '…': '...',
  '–': '-',
  '—': '-',
  '•': '-',
  '·': '.',
  '\u00a0': ' ',
  '\t': ' ',
  '×': 'x',
  '²': '2',
  '³': '3',
  '¹': '1',
};

/**
 * The tables behind {@link toGsm7}, for the console's live reply counter (the browser repeats the
 * same transliteration): every GSM-7 character, those of the extension table (they cost two),
 * and the replacements.
 */
export function gsm7Tables(): { alphabet: string; extension: string; replacements: Record<string, string> } {
  let alphabet = '';
  let extension = '';
  for (const [code, bytes] of Object.entries(UnicodeToGsm as Record<string, number[]>)) {
    const char = String.fromCharCode(Number(code));
    alphabet += char;
    if (bytes.length > 1) extension += char;
  }
  return { alphabet, extension, replacements: { ...(SmartEncodingMap as Record<string, string>), ...EXTRA_REPLACEMENTS } };
}

function isGsmChar(char: string): boolean {
  return char.length === 1 && UnicodeToGsm[char.charCodeAt(0)] !== undefined;
}

function replaceChar(char: string): string {
  if (isGsmChar(char)) return char;
  const smart = SmartEncodingMap[char] ?? EXTRA_REPLACEMENTS[char];
  if (smart !== undefined) return smart;
  const stripped = char.normalize('NFD').replace(/\p{M}/gu, '');
  if (stripped !== '' && [...stripped].every(isGsmChar)) return stripped;
  return '';
}

/**
 * @example toGsm7('Gracias. Código: “4820173” 👍') → 'Gracias. Codigo: "4820173"'
 */
export function toGsm7(text: string): string {
  let dropped = false;
  let out = '';
  for (const char of text.normalize('NFC')) {
    const replaced = replaceChar(char);
    if (replaced === '' && char !== '') dropped = true;
    out += replaced;
  }
  if (!dropped) return out;
  return out
    .replace(/ {2,}/g, ' ')
    .replace(/ +\n/g, '\n')
    .replace(/\n +/g, '\n')
    .trim();
}

/** True when every character is in the GSM-7 alphabet (basic set or extension table). */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!isGsmChar(char)) return false;
  return true;
}
