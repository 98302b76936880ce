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

/** @example redactPhonesInText('whatsapp:+51987654321 escribió') // 'whatsapp:[redacted] escribió' */
export function redactPhonesInText(text: string): string {
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

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
