/**
 * Phone numbers: normalize to E.164, mask for display, and never log them.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel } from '../domain/resident';

/** Twilio addresses look like `+51987654321` (SMS) or `whatsapp:+51987654321`. */
export interface ParsedAddress {
  channel: Channel;
  phone: string;
}

/**
 * Parses a Twilio `From`/`To` value. Returns null for anything that is not a valid phone number
 * in E.164 (numbers without a country code are read as Peruvian).
 */
export function parseTwilioAddress(value: string | undefined | null): ParsedAddress | null {
  if (!value) return null;
  const trimmed = value.trim();
  const isWhatsapp = trimmed.toLowerCase().startsWith('whatsapp:');
  const raw = isWhatsapp ? trimmed.slice('whatsapp:'.length) : trimmed;
  const phone = normalizePhone(raw);
  if (!phone) return null;
  return { channel: isWhatsapp ? 'whatsapp' : 'sms', phone };
}

/** `+51 987 654 321` → `+51987654321`; null when it is not a possible number. */
export function normalizePhone(value: string): string | null {
  const trimmed = value.trim();
  if (!E164_SHAPED.test(trimmed)) return parsePhone(trimmed);
  let known = e164Answers.get(trimmed);
  if (known === undefined) {
    known = parsePhone(trimmed);
    if (e164Answers.size >= E164_MEMO_SIZE) e164Answers.clear();
    e164Answers.set(trimmed, known);
  }
  return known;
}

function parsePhone(value: string): string | null {
  const parsed = parsePhoneNumberFromString(value, 'PE');
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/**
 * Twilio sends `From`/`To` in E.164, and the same few: the town's number on every message, a
 * resident's on each of theirs. libphonenumber costs ~13 µs a parse (two per webhook, issue 11),
 * so E.164-shaped text keeps the answer libphonenumber gave for it (null included: what it
 * rejects stays rejected). Bounded: emptied when full, so a flood of new numbers only re-parses.
 */
const E164_SHAPED = /^\+\d{1,15}$/;
const E164_MEMO_SIZE = 10_000;
const e164Answers = new Map<string, string | null>();

/** `+51987654321` → `•••••••4321`: what the console shows an operator. */
export function maskPhone(phone: string): string {
  const visible = phone.slice(-4);
  return `${'•'.repeat(Math.max(phone.length - 4, 0))}${visible}`;
}

/** The Twilio address for sending on a channel. */
export function toTwilioAddress(phone: string, channel: Channel): string {
  return channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
}
