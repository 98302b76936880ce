/**
 * One pino logger for the process. Phone numbers are personal data: the redaction list covers
 * every field name that could carry one, and code logs resident ids, never phones.
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'phone',
  'toPhone',
  'fromPhone',
  'From',
  'To',
  // What a resident writes is personal too (names, DNI, addresses).
  'Body',
  'body.Body',
  '*.Body',
  'body.From',
  'body.To',
  // Defence in depth (issue 7): no code logs a text, and a field that would carry one is censored.
  'body',
  'text',
  'note',
  'description',
  '*.body',
  '*.text',
  '*.note',
  '*.description',
  '*.phone',
  '*.toPhone',
  '*.fromPhone',
  'req.body',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'aguavoz',
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

export type { Logger };
