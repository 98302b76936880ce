/**
 * Turns Twilio's inbound webhook form (SMS, MMS, WhatsApp text, media and location pins) into the
 * domain's `InboundMessage`. Anything that cannot have come from Twilio (no sid, a sender that is
 * not a phone number, a nonsense media count) is refused with a typed error the router answers
 * with 400: it changes nothing.
 *
 * Example form (as Twilio posts it):
 * `MessageSid=SM0123…&From=whatsapp:+51987654321&To=whatsapp:+5116000000&Body=no+hay+agua&NumMedia=0`
 */
import { z } from 'zod';
import type { InboundMessage, MediaItem } from '../../domain/message';
import type { GeoPoint } from '../../domain/ticket';
import { parseTwilioAddress } from '../../shared/phone';

/** Twilio sids: two letters and 32 hex digits, e.g. `SM` + 32 hex for messages. */
const SID_PATTERN = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;
/** Twilio sends at most 10 media items per message. */
const MAX_MEDIA = 10;

const coordinate = (limit: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d+)?$/, 'must be a decimal number')
    .transform(Number)
    .refine((value) => Math.abs(value) <= limit, `must be within ±${limit}`);

const formSchema = z.looseObject({
  MessageSid: z.string().regex(SID_PATTERN, 'must be a Twilio message sid').optional(),
  SmsMessageSid: z.string().regex(SID_PATTERN, 'must be a Twilio message sid').optional(),
  From: z.string(),
  To: z.string(),
  Body: z.string().optional(),
  NumMedia: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number')
    .transform(Number)
    .refine((value) => value <= MAX_MEDIA, `must be at most ${MAX_MEDIA}`)
    .optional(),
  Latitude: coordinate(90).optional(),
  Longitude: coordinate(180).optional(),
  Label: z.string().optional(),
  Address: z.string().optional(),
});

/** The form did not look like a Twilio message. `issues` name fields only, never their values. */
export class InvalidInboundMessageError extends Error {
  readonly code = 'invalid_inbound_message';
  constructor(readonly issues: string[]) {
    super(`invalid inbound message: ${issues.join('; ')}`);
    this.name = 'InvalidInboundMessageError';
  }
}

/**
 * Parses a Twilio inbound form. `id` and `receivedAt` come from the caller (the webhook's clock
 * and id generator) so that parsing stays a pure function.
 */
export function parseInboundForm(form: unknown, options: { id: string; receivedAt: string }): InboundMessage {
  const parsed = formSchema.safeParse(form ?? {});
  if (!parsed.success) {
    throw new InvalidInboundMessageError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(form)'}: ${issue.message}`),
    );
  }
  const data = parsed.data;
  const issues: string[] = [];

  const providerSid = data.MessageSid ?? data.SmsMessageSid;
  if (!providerSid) issues.push('MessageSid: is required');
  const from = parseTwilioAddress(data.From);
  if (!from) issues.push('From: must be a phone number (E.164, optionally whatsapp:)');
  const to = parseTwilioAddress(data.To);
  if (!to) issues.push('To: must be a phone number (E.164, optionally whatsapp:)');
  const media = readMedia(data, data.NumMedia ?? 0, issues);
  const location = readLocation(data, issues);

  if (issues.length > 0 || !providerSid || !from || !to) throw new InvalidInboundMessageError(issues);
  return {
    id: options.id,
    providerSid,
    channel: from.channel,
    fromPhone: from.phone,
    toPhone: to.phone,
    body: data.Body ?? '',
    media,
    location,
    receivedAt: options.receivedAt,
    processedAt: null,
    residentId: null,
    localityId: null,
  };
}

function readMedia(form: Record<string, unknown>, count: number, issues: string[]): MediaItem[] {
  const media: MediaItem[] = [];
  for (let index = 0; index < count; index += 1) {
    const url = form[`MediaUrl${index}`];
    const contentType = form[`MediaContentType${index}`];
    if (typeof url !== 'string' || !URL.canParse(url)) {
      issues.push(`MediaUrl${index}: must be a URL (NumMedia is ${count})`);
      continue;
    }
    media.push({ url, contentType: typeof contentType === 'string' && contentType !== '' ? contentType : null });
  }
  return media;
}

function readLocation(
  data: { Latitude?: number; Longitude?: number; Label?: string; Address?: string },
  issues: string[],
): GeoPoint | null {
  if (data.Latitude === undefined && data.Longitude === undefined) return null;
  if (data.Latitude === undefined || data.Longitude === undefined) {
    issues.push('Latitude/Longitude: both are required for a location');
    return null;
  }
  const label = [data.Label, data.Address].find((value) => value !== undefined && value.trim() !== '');
  return { lat: data.Latitude, lng: data.Longitude, label: label?.trim() ?? null };
}
