/**
 * A resident is identified by their phone number (E.164). The same person writing by SMS and by
 * WhatsApp is one resident. The phone number is personal data: it never goes into logs or job
 * payloads; use the resident id there.
 */
export const CHANNELS = ['sms', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LANGUAGES = ['es', 'en', 'qu'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Self-identified only, never inferred. `null` on a resident means "never answered". */
export const GENDERS = ['woman', 'man', 'another', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export interface Resident {
  id: string;
  /** E.164, e.g. `+51987654321`. */
  phone: string;
  localityId: string | null;
  language: Language;
  gender: Gender | null;
  /** When the gender question was asked, answered or declined: it is asked once. */
  genderAskedAt: string | null;
  privacyNoticeSentAt: string | null;
  optedOut: boolean;
  /** Last inbound message per channel: WhatsApp free text is allowed for 24 h after it. */
  lastInboundAt: string | null;
  lastWhatsappInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
}
