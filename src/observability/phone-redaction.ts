/**
 * Request URLs reach the logs, and a URL can carry a phone number (`/dev/phone/messages?phone=…`,
 * a mistyped webhook URL). This masks them before logging. Phone numbers are found with
 * libphonenumber-js, which knows real numbering plans, so ticket references (7 digits), ISO
 * dates and UUIDs stay readable.
 */
import { findPhoneNumbersInText } from 'libphonenumber-js';

export const REDACTED = '[redacted]';

/** Query parameters whose value is a phone whatever it looks like. */
const PHONE_PARAM = /^(phone|from|to|tophone|fromphone|msisdn|number)$/i;

/**
 * No numbering plan has a phone number of fewer digits (the shortest, e.g. Niue's, have 4 after
 * a 3-digit country code; Peru's are 8–9 national digits), so text with fewer cannot hold one and
 * skips libphonenumber's matcher, which costs far more than counting (issue 11: it ran on every
 * URL path segment of every request).
 */
export const MIN_PHONE_DIGITS = 5;

const NON_ASCII_DIGIT = /\p{Nd}/u;

/**
 * True when the text has at least `MIN_PHONE_DIGITS` digits (stops counting there). Any decimal
 * digit counts, not only ASCII: libphonenumber also reads full-width and Arabic-Indic digits.
 */
export function mayContainPhone(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const isDigit = code < 128 ? code >= 48 && code <= 57 : NON_ASCII_DIGIT.test(String.fromCodePoint(text.codePointAt(i)!));
    if (isDigit && ++digits >= MIN_PHONE_DIGITS) return true;
  }
  return false;
}

/** @example redactPhonesInText('whatsapp:+51987654321 escribió') // 'whatsapp:[redacted] escribió' */
export function redactPhonesInText(text: string): string {
  if (!mayContainPhone(text)) return text;
  const found = findPhoneNumbersInText(text, 'PE');
  if (found.length === 0) return text;
  let result = '';
  let cursor = 0;
  for (const match of found) {
    result += text.slice(cursor, match.startsAt) + REDACTED;
    cursor = match.endsAt;
  }
  return result + text.slice(cursor);
}

/**
 * Masks phone numbers in a request URL's path and query (values decoded first, so
 * `%2B51987654321` is caught too). A URL without phone numbers comes back unchanged.
 *
 * @example redactPhonesInUrl('/dev/phone/messages?phone=%2B51987654321&after=2025-07-01T00:00:00Z')
 *   // '/dev/phone/messages?phone=%5Bredacted%5D&after=2025-07-01T00%3A00%3A00Z'
 */
export function redactPhonesInUrl(url: string): string {
  if (!mayContainPhone(url) && !url.includes('%')) return url.includes('?') ? redactPhoneParams(url) : url;
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const redactedPath = path
    .split('/')
    .map((segment) => {
      const decoded = safeDecode(segment);
      const redacted = redactPhonesInText(decoded);
      return redacted === decoded ? segment : encodeURIComponent(redacted);
    })
    .join('/');
  if (queryStart === -1) return redactedPath;
  const rawQuery = url.slice(queryStart + 1);
  const redactedParams = new URLSearchParams();
  let changed = false;
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const redacted = PHONE_PARAM.test(key) && value !== '' ? REDACTED : redactPhonesInText(value);
    changed ||= redacted !== value;
    redactedParams.append(key, redacted);
  }
  return `${redactedPath}?${changed ? redactedParams.toString() : rawQuery}`;
}

/** The query of a URL without digits can still name a phone parameter (`?To=anything`). */
function redactPhoneParams(url: string): string {
  const queryStart = url.indexOf('?');
  const params = new URLSearchParams(url.slice(queryStart + 1));
  let changed = false;
  for (const [key, value] of params) {
    if (PHONE_PARAM.test(key) && value !== '') {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryStart)}?${params.toString()}` : url;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
