/**
 * One log line per HTTP request with a request id that follows the request through every log
 * line written while answering it (`req.log`), and back to the caller in the `x-request-id`
 * header so an operator's bug report can be matched to the logs.
 *
 * Phone numbers and message bodies never reach the logs: the request is logged as method, URL
 * (phone numbers masked), route and user agent only — no body, no query object, no headers —
 * and the logger's own redaction list (src/shared/logger.ts `REDACTED_PATHS`) still covers
 * anything a handler logs through `req.log`.
 *
 * Written here rather than with pino-http (issue 11): on the webhook's hot path pino-http built a
 * child logger for every request whatever the level and masked the URL twice (16% of the
 * webhook's CPU). Here `req.log` is created only when a handler asks for it, and the URL is masked
 * once, only when the line is actually written.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../shared/logger';
import { redactPhonesInText, redactPhonesInUrl } from './phone-redaction';

declare module 'http' {
  interface IncomingMessage {
    /** This request's logger (bound to its id), created on first use. */
    log: Logger;
  }
}

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

/**
 * @example app.use(createRequestLogging({ logger }))
 *   // {"level":30,"req":{"id":"4f0c…","method":"POST","url":"/webhooks/twilio/sms"},
 *   //  "res":{"statusCode":200},"responseTime":12,"msg":"POST /webhooks/twilio/sms 200"}
 */
export function createRequestLogging(options: RequestLoggingOptions): RequestHandler {
  const quiet = new Set(options.quietPaths ?? DEFAULT_QUIET_PATHS);
  const debug = new Set(options.debugPaths ?? []);
  const newRequestId = options.newRequestId ?? randomUUID;
  const { logger } = options;
  // The request line has a fixed shape (id, method, masked URL, user agent, status, time) that no
  // path of the logger's redaction list names, so redacting it changed nothing and cost ~15 µs a
  // line (issue 11); `req.log` and every other line keep the full list. Test: request-logging.
  const lineLogger = logger.child({}, { redact: { paths: [] } });

  return (req, res, next) => {
    const started = performance.now();
    const offered = req.headers[REQUEST_ID_HEADER];
    const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : newRequestId();
    res.setHeader(REQUEST_ID_HEADER, id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ req: { id } })),
    });
    const url = req.originalUrl ?? req.url ?? '';
    const method = req.method;
    const userAgent = req.headers['user-agent'];
    const onDone = () => {
      res.off('finish', onDone);
      res.off('close', onDone);
      logRequest(logger, lineLogger, { quiet, debug }, { id, method, url, userAgent, started }, res);
    };
    res.on('finish', onDone);
    res.on('close', onDone);
    next();
  };
}

function logRequest(
  logger: Logger,
  lineLogger: Logger,
  paths: { quiet: Set<string>; debug: Set<string> },
  req: { id: string; method: string; url: string; userAgent: string | undefined; started: number },
  res: ServerResponse,
): void {
  const statusCode = res.writableFinished || res.headersSent ? res.statusCode : 499;
  const path = pathOf(req.url);
  const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : paths.debug.has(path) ? 'debug' : 'info';
  if (level === 'info' && paths.quiet.has(path)) return;
  if (!logger.isLevelEnabled(level)) return;
  const url = redactPhonesInUrl(req.url);
  if (lineLogger.level !== logger.level) lineLogger.level = logger.level;
  lineLogger[level](
    {
      // The caller writes its User-Agent: a phone number there would reach the log otherwise.
      req: { id: req.id, method: req.method, url, userAgent: req.userAgent === undefined ? undefined : redactPhonesInText(req.userAgent) },
      res: { statusCode },
      responseTime: Math.round(performance.now() - req.started),
    },
    `${req.method} ${url} ${statusCode}`,
  );
}

function pathOf(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

