/**
 * Sends through Twilio's Messages API with the official `twilio` library. Every call can be routed
 * to `TWILIO_API_BASE_URL` (see {@link createTwilioHttpClient}), which is how the tests talk to a
 * local fake over real HTTP.
 */
import twilio from 'twilio';
import type { MessageListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/message';
import { toTwilioAddress } from '../../shared/phone';
import { STATUS_CALLBACK_PATH } from './status-callback-path';
import { createTwilioHttpClient } from './twilio-http-client';
import { PermanentSendError, TransientSendError, type SendRequest, type SendResult, type SentLookup, type Transport } from './transport';


export interface TwilioTransportOptions {
  accountSid: string;
  authToken: string;
  /** `TWILIO_API_BASE_URL`: send every REST call here instead of Twilio. */
  apiBaseUrl?: string;
  /** `PUBLIC_BASE_URL`: when set, Twilio reports delivery to `${publicBaseUrl}/webhooks/twilio/status`. */
  publicBaseUrl?: string;
  /** Used when an outbox row has no `fromPhone` (no locality number known), e.g. `+51…`. */
  defaultFromPhone?: string;
  /** Used when there is neither a row `fromPhone` nor `defaultFromPhone`. */
  messagingServiceSid?: string;
  timeoutMs?: number;
}

export function createTwilioTransport(options: TwilioTransportOptions): Transport {
  const client = twilio(options.accountSid, options.authToken, {
    httpClient: createTwilioHttpClient({ baseUrl: options.apiBaseUrl, timeoutMs: options.timeoutMs }),
  });
  const statusCallback = options.publicBaseUrl
    ? `${options.publicBaseUrl.replace(/\/+$/, '')}${STATUS_CALLBACK_PATH}`
    : undefined;

  return {
    name: 'twilio',
    async send(request: SendRequest): Promise<SendResult> {
      const params = buildCreateParams(request, { ...options, statusCallback });
      try {
        const message = await client.messages.create(params);
        return { providerSid: message.sid, status: message.status };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
    /**
     * Lists the newest messages to this recipient (from this number, when the row has one) and
     * matches on body and creation time. Not filtered by `DateSent` on Twilio's side: a message
     * still `queued` there has no date sent yet, and it is exactly the one we must not send twice.
     */
    async findSent(lookup: SentLookup): Promise<SendResult | null> {
      const from = lookup.from ?? options.defaultFromPhone ?? null;
      try {
        const listed = await client.messages.list({
          to: toTwilioAddress(lookup.to, lookup.channel),
          ...(from ? { from: toTwilioAddress(from, lookup.channel) } : {}),
          pageSize: 50,
          limit: 50,
        });
        const match = listed.find(
          (message) => message.body?.trim() === lookup.body.trim() && message.dateCreated instanceof Date && message.dateCreated.getTime() >= lookup.since.getTime(),
        );
        return match ? { providerSid: match.sid, status: match.status } : null;
      } catch (error) {
        const classified = classifyTwilioError(error);
        if (classified instanceof TransientSendError) throw classified;
        throw new TransientSendError({ code: 'lookup_failed', message: 'could not ask Twilio whether the message was already sent' });
      }
    },
  };
}

function buildCreateParams(
  request: SendRequest,
  options: TwilioTransportOptions & { statusCallback: string | undefined },
): MessageListInstanceCreateOptions {
  const from = request.from ?? options.defaultFromPhone ?? null;
  if (!from && !options.messagingServiceSid) {
    throw new PermanentSendError({
      code: 'no_from_number',
      message: 'no sending number: the row has no fromPhone and no default number or messaging service is configured',
    });
  }
  const params: MessageListInstanceCreateOptions = { to: toTwilioAddress(request.to, request.channel) };
  if (from) params.from = toTwilioAddress(from, request.channel);
  else params.messagingServiceSid = options.messagingServiceSid;
  if (request.contentSid) {
    params.contentSid = request.contentSid;
    if (request.contentVariables) params.contentVariables = request.contentVariables;
  } else {
    params.body = request.body;
  }
  if (options.statusCallback) params.statusCallback = options.statusCallback;
  return params;
}

const TRANSIENT_HTTP = new Set([408, 409, 425, 429]);

/**
 * Sorts what the library throws: a `RestException`/`TwilioServiceException` carries the HTTP
 * status and Twilio's error `code`; a network failure is an error with a socket `code`
 * (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `ECONNABORTED` on timeout; see
 * {@link createTwilioHttpClient}). Anything else is a programming error and is returned unchanged.
 * Messages are rebuilt from status and code because Twilio's own text can quote the phone number
 * (`The 'To' number +51… is not valid`), so it is not kept as `cause` (log serializers print causes).
 */
export function classifyTwilioError(error: unknown): unknown {
  if (error instanceof TransientSendError || error instanceof PermanentSendError) return error;
  if (!error || typeof error !== 'object') return error;
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status === 'number') {
    if (TRANSIENT_HTTP.has(status) || status >= 500) {
      const message = `Twilio answered HTTP ${status}`;
      return new TransientSendError({ code: `http_${status}`, message, httpStatus: status });
    }
    const providerCode = typeof code === 'number' || typeof code === 'string' ? String(code) : `http_${status}`;
    const message = `Twilio refused the message: error ${providerCode} (HTTP ${status})`;
    return new PermanentSendError({ code: providerCode, message, httpStatus: status });
  }
  if (typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code)) {
    return new TransientSendError({ code: `network_${code}`, message: `network failure talking to Twilio (${code})` });
  }
  return error;
}
