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
  const parsed = parsePhoneNumberFromString(value.trim(), 'PE');
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** `+51987654321` → `•••••••4321`: what the console shows an operator. */
export function maskPhone(phone: string): string {
  const visible = phone.slice(-4);
  return `${'•'.repeat(Math.max(phone.length - 4, 0))}${visible}`;
}

/** The Twilio address for sending on a channel. */
export function toTwilioAddress(phone: string, channel: Channel): string {
  return channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
}
