/**
 * Only Twilio may post to the webhooks. With an auth token, every request must carry a valid
 * `X-Twilio-Signature` over PUBLIC_BASE_URL + the path Twilio called + the form parameters
 * (Twilio signs the public URL, which a proxy in front of us rewrites). Without a token (local
 * mode, for `aguavoz chat`) nothing can be verified, so only this machine may post: loopback
 * peers, and no proxy header naming anyone else. Both routes (messages, status callbacks) use it.
 *
 * Needs the form already parsed (`twilioFormBody`) into `req.body`.
 */
import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
// Only the signature check: the whole `twilio` package takes ~30× longer to load (issue 11, start-up).
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import type { Logger } from '../shared/logger';
import { isLoopbackAddress } from './loopback';

export interface TwilioSignatureOptions {
  authToken?: string;
  /** Required with `authToken`: the scheme and host Twilio is configured to call. */
  publicBaseUrl?: string;
  logger: Logger;
}

/** An auth token without a public URL cannot be checked: a start-up (programmer) error. */
export class WebhookAuthConfigError extends Error {
  readonly code = 'webhook_auth_config';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookAuthConfigError';
  }
}

export function verifyTwilioSignature(options: TwilioSignatureOptions): RequestHandler {
  const { authToken, logger } = options;
  if (!authToken) {
    logger.warn('TWILIO_AUTH_TOKEN is not set: webhook signatures are not checked; only loopback requests are accepted');
    return (req, res, next) => {
      if (isLocalRequest(req.socket.remoteAddress, req.headers)) {
        next();
        return;
      }
      logger.warn({ path: req.path }, 'unsigned webhook from a non-loopback address refused (local mode)');
      res.status(403).type('text/plain').send('Forbidden: local mode accepts loopback requests only');
    };
  }
  if (!options.publicBaseUrl) {
    throw new WebhookAuthConfigError('PUBLIC_BASE_URL is required to check Twilio signatures');
  }
  const baseUrl = options.publicBaseUrl.replace(/\/+$/, '');
  return (req, res, next) => {
    const signature = req.header('x-twilio-signature');
    const params = isFormObject(req.body) ? req.body : {};
    const url = `${baseUrl}${req.originalUrl}`;
    if (signature && (matchesSignedUrl(authToken, signature, url, params) || validateRequest(authToken, signature, url, params))) {
      next();
      return;
    }
    logger.warn({ path: req.path, hasSignature: Boolean(signature) }, 'webhook with a missing or invalid Twilio signature refused');
    res.status(403).type('text/plain').send('Forbidden: invalid Twilio signature');
  };
}

/**
 * One HMAC over the URL exactly as we were called, which is the string Twilio signs. Only when it
 * does not match does `validateRequest` try its variants (with and without the port, normalised,
 * legacy query encoding). It starts with the URL stripped of its port, so with a port in
 * PUBLIC_BASE_URL every valid request paid two HMACs (issue 11). What is accepted is unchanged:
 * this URL is always one of `validateRequest`'s candidates.
 */
function matchesSignedUrl(authToken: string, signature: string, url: string, params: Record<string, unknown>): boolean {
  const expected = Buffer.from(getExpectedTwilioSignature(authToken, url, params));
  const offered = Buffer.from(signature);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

function isFormObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** Loopback peer, and any forwarding header (a local reverse proxy) also names loopback only. */
function isLocalRequest(remoteAddress: string | undefined, headers: Record<string, string | string[] | undefined>): boolean {
  if (!isLoopbackAddress(remoteAddress)) return false;
  const forwarded = headers['x-forwarded-for'];
  if (forwarded === undefined && headers.forwarded === undefined) return true;
  if (headers.forwarded !== undefined) return false;
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',');
  return hops.every((hop) => isLoopbackAddress(hop.trim()));
}
