/**
 * The HTTP client handed to the `twilio` library in place of its default `RequestClient`. It keeps
 * the library's request contract (`request(opts)` → `{ statusCode, body, headers }`, JSON bodies
 * parsed, any status returned rather than thrown, so the library still builds its own
 * `RestException` with Twilio's code, message and more_info) and adds what the default lacks:
 *
 * - every REST call goes to `TWILIO_API_BASE_URL` when set (a local fake in tests, a staging
 *   proxy), keeping the path and query: `https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json`
 *   becomes `http://127.0.0.1:4010/2010-04-01/Accounts/AC…/Messages.json`;
 * - HTTP 429 and 5xx become {@link TransientSendError} carrying `Retry-After`, which the
 *   library's `RestException` drops (it keeps the status and body, not the headers).
 *
 * It speaks node:http/node:https directly instead of going through axios: at the service's send
 * rate axios's per-request machinery (config merging, interceptors, header objects, stream
 * pipeline) was most of the cost of a send (issue 11). Sockets are kept alive and reused.
 *
 * No retries here, and redirects are not followed (the library asks for neither on the calls we
 * make): retries belong to the BullMQ job, where they survive a restart. A network failure rejects
 * with Node's socket error (`code` ECONNREFUSED, ECONNRESET, …) and a timeout with `code`
 * ECONNABORTED, the codes axios used, which {@link classifyTwilioError} sorts.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import type RequestClientType from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import { encodeTwilioForm } from './twilio-form';
import { TransientSendError } from './transport';

export interface TwilioHttpClientOptions {
  /** e.g. `http://127.0.0.1:4010`; unset = Twilio's own hosts. */
  baseUrl?: string;
  /** Per-request timeout (until the whole answer is in); a timeout is a transient failure. */
  timeoutMs?: number;
  /**
   * Sockets open at once per host. Above the sender's concurrency (SEND_CONCURRENCY, default 32)
   * so a send never waits for a socket; all of them are kept for reuse between bursts.
   */
  maxSockets?: number;
  /** Clock for `Retry-After` given as an HTTP date. */
  now?: () => Date;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_SOCKETS = 64;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export function createTwilioHttpClient(options: TwilioHttpClientOptions = {}): RequestClientType {
  const base = options.baseUrl ? new URL(options.baseUrl) : null;
  const now = options.now ?? (() => new Date());
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agents = createAgents(defaultTimeout, options.maxSockets ?? DEFAULT_MAX_SOCKETS);

  async function request<TData>(opts: RequestClientType.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    if (!opts.method) throw new Error('http method is required');
    if (!opts.uri) throw new Error('uri is required');
    const target = new URL(withQuery(base ? rebaseUrl(opts.uri, base) : opts.uri, opts.params));
    const headers: Record<string, string> = { ...opts.headers };
    if (!headers.Connection && !headers.connection) headers.Connection = 'keep-alive';
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    } else if (opts.authStrategy) {
      headers.Authorization = await opts.authStrategy.getAuthString();
    }
    const body = requestBody(headers, opts.data);
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));

    const raw = await send(target, opts.method.toUpperCase(), headers, body, opts.timeout || defaultTimeout, agents);
    if (raw.statusCode === 429 || raw.statusCode >= 500) {
      throw new TransientSendError({
        code: `http_${raw.statusCode}`,
        message: `Twilio answered HTTP ${raw.statusCode}`,
        httpStatus: raw.statusCode,
        retryAfterMs: parseRetryAfter(headerValue(raw.headers, 'retry-after'), now()),
      });
    }
    return { statusCode: raw.statusCode, body: parseBody(raw.text) as TData, headers: raw.headers } as TwilioResponse<TData>;
  }

  // The library calls nothing but `request` on its http client (BaseTwilio.request and
  // validateSslCert); its RequestClient type has private members, so no plain object matches it.
  return { request } as unknown as RequestClientType;
}

interface Agents {
  http: http.Agent;
  https: http.Agent;
}

/**
 * Keep-alive agents. For https the library's own environment settings still apply: a CA bundle
 * from `TWILIO_CA_BUNDLE`, and `HTTP_PROXY` through the library's own https-proxy-agent.
 * An idle socket is closed after `timeoutMs` (as the library's agent did), or earlier when the
 * server's `Keep-Alive: timeout=` says so (Node honours the hint).
 */
function createAgents(timeoutMs: number, maxSockets: number): Agents {
  const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: timeoutMs, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(common);
  if (process.env.HTTP_PROXY) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proxyAgent = createRequire(require.resolve('twilio'))('https-proxy-agent') as (proxy: string) => http.Agent;
    return { http: httpAgent, https: proxyAgent(process.env.HTTP_PROXY) };
  }
  const ca = process.env.TWILIO_CA_BUNDLE !== undefined ? readFileSync(process.env.TWILIO_CA_BUNDLE) : undefined;
  return { http: httpAgent, https: new https.Agent({ ...common, ca }) };
}

/** What the library's client sends: a form for form posts, JSON for JSON posts, else no body. */
function requestBody(headers: Record<string, string>, data: unknown): string | undefined {
  if (!data) return undefined;
  if (headers['Content-Type'] === FORM) return encodeTwilioForm(data as object);
  if (headers['Content-Type'] === JSON_TYPE) return typeof data === 'string' ? data : JSON.stringify(data);
  return undefined;
}

/** Query params appended as the library's client did (`?` or `&`, fragment dropped). */
function withQuery(uri: string, params: object | undefined): string {
  if (!params) return uri;
  const query = encodeTwilioForm(params);
  const hash = uri.indexOf('#');
  const bare = hash === -1 ? uri : uri.slice(0, hash);
  if (!query) return bare;
  return `${bare}${bare.includes('?') ? '&' : '?'}${query}`;
}

/** JSON when it parses (Twilio answers JSON, errors included), the text as it came otherwise. */
function parseBody(text: string): unknown {
  if (!text) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, agents: Agents): Promise<RawResponse> {
  const secure = url.protocol === 'https:';
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, response?: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response as RawResponse);
    };
    const req = (secure ? https : http).request(url, { method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => finish(error));
      res.on('close', () => {
        if (!res.complete) finish(socketError('ECONNRESET', 'connection closed before the answer was complete'));
      });
      res.on('end', () => {
        try {
          const text = decode(Buffer.concat(chunks), res.headers['content-encoding']).toString('utf8');
          finish(null, { statusCode: res.statusCode ?? 0, headers: res.headers, text });
        } catch (error) {
          finish(error as Error);
        }
      });
    });
    // A wall-clock deadline (not the socket's idle timer): a connect that hangs counts too. The
    // socket is destroyed, never handed back to the pool with an answer still to come.
    const timer = setTimeout(() => {
      const error = socketError('ECONNABORTED', `timeout of ${timeoutMs}ms exceeded`);
      finish(error);
      req.destroy(error);
    }, timeoutMs);
    req.on('error', (error) => finish(error));
    req.end(body);
  });
}

/** We never ask for compression; an intermediary that compresses anyway is still understood. */
function decode(buffer: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(buffer);
    case 'deflate':
      return zlib.inflateSync(buffer);
    case 'br':
      return zlib.brotliDecompressSync(buffer);
    default:
      return buffer;
  }
}

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
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

function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  if (Array.isArray(raw)) return raw[0];
  return raw;
}
