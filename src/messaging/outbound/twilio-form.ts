/**
 * Form encoding of the `twilio` library's request data and query params, byte for byte what its
 * default client sends (`qs.stringify(data, { arrayFormat: 'repeat' })`): keys in insertion order,
 * RFC 3986 percent-encoding (space as `%20`, `!'()*` escaped), an array as the key repeated,
 * `undefined` left out, `null` as an empty value, a Date as its ISO string.
 *
 * The library hands over flat values only (its generated code serializes objects to JSON strings
 * first), so a nested object is refused rather than guessed at.
 */
export function encodeTwilioForm(data: object): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === undefined) continue;
      parts.push(`${encodePart(key)}=${encodePart(formValue(key, item))}`);
    }
  }
  return parts.join('&');
}

function formValue(key: string, value: unknown): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`form value of ${key} is not a flat value`);
  }
  return String(value);
}

function encodePart(text: string): string {
  // A lone surrogate (text cut in the middle of an emoji) makes encodeURIComponent throw; send
  // U+FFFD in its place, as URLSearchParams would.
  const wellFormed = (text as string & { toWellFormed(): string }).toWellFormed();
  return encodeURIComponent(wellFormed).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
