/**
 * The port every outgoing message leaves through: Twilio's REST API in production, a local
 * recorder when there is no Twilio account. The sender worker decides retries from the error
 * class alone, so each transport must sort its failures into transient and permanent.
 */
import type { Channel } from '../../domain/resident';

export interface SendRequest {
  /** E.164 without any `whatsapp:` prefix; the transport adds it for the channel. */
  to: string;
  /** E.164 of the sending number; null lets the transport use its configured default. */
  from: string | null;
  body: string;
  channel: Channel;
  /** WhatsApp approved template (Twilio Content API), used outside the 24-hour window. */
  contentSid?: string;
  /** JSON object of template variables, e.g. `{"1":"Su reclamo 4821 fue registrado."}`. */
  contentVariables?: string;
  /** For log lines only (ids are safe to log, phone numbers are not). */
  outboxId?: string;
}

export interface SendResult {
  /** Twilio's MessageSid (`SM…`), or `LOCAL…` from the local transport. */
  providerSid: string;
  /** The provider's own status word at acceptance, e.g. `queued`. */
  status: string;
}

/** "Did you already take this message?" (see `send-reconciler`). */
export interface SentLookup {
  to: string;
  from: string | null;
  channel: SendRequest['channel'];
  body: string;
  /** Only messages the provider created at or after this instant count. */
  since: Date;
}

export interface Transport {
  /** `twilio` or `local`: shown at start-up so nobody mistakes one for the other. */
  readonly name: string;
  send(request: SendRequest): Promise<SendResult>;
  /**
   * The provider's record of a message with this recipient, sender and body created since
   * `since`, or null. Transports without a queryable provider leave it out (at-least-once).
   * Throws a {@link TransientSendError} when the provider cannot be asked.
   */
  findSent?(lookup: SentLookup): Promise<SendResult | null>;
}

/**
 * Worth trying again later: network failure, timeout, HTTP 5xx, HTTP 429. `code` is what the
 * outbox row stores in `errorCode`, e.g. `http_429`, `http_503`, `network_ECONNREFUSED`.
 */
export class TransientSendError extends Error {
  readonly code: string;
  /** From `Retry-After` on a 429/503, when the provider said how long to wait. */
  readonly retryAfterMs: number | null;
  readonly httpStatus: number | null;
  constructor(options: { code: string; message: string; retryAfterMs?: number | null; httpStatus?: number | null; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'TransientSendError';
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.httpStatus = options.httpStatus ?? null;
  }
}

/**
 * Sending again would fail the same way. `code` is Twilio's error code as a string when it gave
 * one (`21211` invalid number, `21610` recipient unsubscribed, `21408` region not enabled,
 * `21614` not a mobile number, `63016` WhatsApp outside the 24-hour window), otherwise e.g.
 * `http_401` or `no_from_number`.
 */
export class PermanentSendError extends Error {
  readonly code: string;
  readonly httpStatus: number | null;
  constructor(options: { code: string; message: string; httpStatus?: number | null; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'PermanentSendError';
    this.code = options.code;
    this.httpStatus = options.httpStatus ?? null;
  }
}

/** Twilio: "the recipient has replied STOP": the resident must be marked opted out. */
export const TWILIO_UNSUBSCRIBED_CODE = '21610';
