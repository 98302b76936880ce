/**
 * One log line per HTTP request (pino-http) with a request id that follows the request through
 * every log line written while answering it (`req.log`), and back to the caller in the
 * `x-request-id` header so an operator's bug report can be matched to the logs.
 *
 * Phone numbers and message bodies never reach the logs: the request is logged as method, URL
 * (phone numbers masked), route and user agent only — no body, no query object, no headers —
 * and the logger's own redaction list (src/shared/logger.ts `REDACTED_PATHS`) still covers
 * anything a handler logs through `req.log`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../shared/logger';
import { redactPhonesInUrl } from './phone-redaction';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Paths probed every few seconds (health checks, Prometheus): not worth a log line each. */
export const DEFAULT_QUIET_PATHS = ['/healthz', '/readyz', '/metrics'];

/** A caller's id is kept only if it is short and plain, so it cannot forge log lines. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestLoggingOptions {
  logger: Logger;
  /** Exact paths (query ignored) whose successful requests are not logged. */
  quietPaths?: string[];
  /**
   * Exact paths whose successful requests are logged at debug, not info: `aguavoz chat` polls the
   * local phone feed every second and would otherwise make most of the log.
   */
  debugPaths?: string[];
  /** Id for requests that bring none; default `crypto.randomUUID`. */
  newRequestId?: () => string;
}

interface SerializedRequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  raw?: IncomingMessage & { originalUrl?: string };
}

/**
 * @example app.use(createRequestLogging({ logger }))
 *   // {"level":30,"req":{"id":"4f0c…","method":"POST","url":"/webhooks/twilio/sms"},
 *   //  "res":{"statusCode":200},"responseTime":12,"msg":"POST /webhooks/twilio/sms 200"}
 */
export function createRequestLogging(options: RequestLoggingOptions): RequestHandler {
  const quiet = new Set(options.quietPaths ?? DEFAULT_QUIET_PATHS);
  const debug = new Set(options.debugPaths ?? []);
  const newRequestId = options.newRequestId ?? randomUUID;

  const middleware = pinoHttp({
    logger: options.logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const offered = req.headers[REQUEST_ID_HEADER];
      const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : newRequestId();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req: IncomingMessage) => quiet.has(pathOf(req.url)) },
    customLogLevel(req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return debug.has(pathOf(req.url)) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${safeUrl(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${safeUrl(req)} ${res.statusCode}`,
    serializers: {
      req: (req: SerializedRequestLike) => ({
        id: req.id,
        method: req.method,
        url: redactPhonesInUrl(req.url ?? ''),
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return middleware as unknown as RequestHandler;
}

function safeUrl(req: IncomingMessage & { originalUrl?: string }): string {
  return redactPhonesInUrl(req.originalUrl ?? req.url ?? '');
}

function pathOf(url: string | undefined): string {
  const value = url ?? '';
  const queryStart = value.indexOf('?');
  return queryStart === -1 ? value : value.slice(0, queryStart);
}
