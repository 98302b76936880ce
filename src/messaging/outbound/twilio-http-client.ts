/**
 * The HTTP client handed to the `twilio` library. It does two things the library's default
 * client does not:
 *
 * - routes every REST call to `TWILIO_API_BASE_URL` when set (a local fake in tests, a staging
 *   proxy), keeping the path and query: `https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json`
 *   becomes `http://127.0.0.1:4010/2010-04-01/Accounts/AC…/Messages.json`;
 * - turns HTTP 429 and 5xx into {@link TransientSendError} carrying `Retry-After`, which the
 *   library's own `RestException` drops (it keeps the status and body, not the headers).
 *
 * The library's auto-retry stays off: retries belong to the BullMQ job, where they survive a restart.
 */
import twilio from 'twilio';
import type RequestClientType from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { TransientSendError } from './transport';

export interface TwilioHttpClientOptions {
  /** e.g. `http://127.0.0.1:4010`; unset = Twilio's own hosts. */
  baseUrl?: string;
  /** Per-request timeout; a timeout is a transient failure. */
  timeoutMs?: number;
  /** Clock for `Retry-After` given as an HTTP date. */
  now?: () => Date;
}

export function createTwilioHttpClient(options: TwilioHttpClientOptions = {}): RequestClientType {
  const base = options.baseUrl ? new URL(options.baseUrl) : null;
  const now = options.now ?? (() => new Date());

  class TwilioHttpClient extends twilio.RequestClient {
    override async request<TData>(opts: RequestClientType.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
      const uri = base ? rebaseUrl(opts.uri, base) : opts.uri;
      const response = await super.request({ ...opts, uri });
      if (response.statusCode === 429 || response.statusCode >= 500) {
        throw new TransientSendError({
          code: `http_${response.statusCode}`,
          message: `Twilio answered HTTP ${response.statusCode}`,
          httpStatus: response.statusCode,
          retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'), now()),
        });
      }
      return response;
    }
  }

  return new TwilioHttpClient({ timeout: options.timeoutMs ?? 15_000, autoRetry: false });
}

/** Keeps the path and query of `original`, under the origin (and path prefix) of `base`. */
export function rebaseUrl(original: string, base: URL): string {
  const source = new URL(original);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${source.pathname}${source.search}`;
}

/** `Retry-After: 2` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → milliseconds; null if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(at - now.getTime(), 0);
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const withGet = headers as { get?: (key: string) => unknown };
  const fromGet = typeof withGet.get === 'function' ? withGet.get(name) : undefined;
  const raw = fromGet ?? (headers as Record<string, unknown>)[name];
  if (Array.isArray(raw)) return raw.length > 0 ? String(raw[0]) : undefined;
  return raw === undefined || raw === null ? undefined : String(raw);
}
