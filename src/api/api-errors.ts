/**
 * Every REST API error is one JSON shape, `{ "error": { "code", "message", "details"? } }`, so a
 * client branches on `code` and never parses a message. Operational errors from the services
 * (named classes with a `code`) are translated here in one table; anything else is a bug,
 * answered as `500 internal` without a stack and logged with the request id.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { ForbiddenError } from '../auth/auth-types';
import type { Logger } from '../shared/logger';

export const API_ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_transition',
  'conflict',
  'ticket_changed',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const STATUS_OF: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_transition: 409,
  conflict: 409,
  ticket_changed: 409,
  internal: 500,
};

/** @example throw new ApiError('not_found', 'no ticket with this id') */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS_OF[code];
  }
}

/** Where a zod issue was found, for `details`: `{ in: 'query', path: 'limit', message, code }`. */
export interface RequestIssue {
  in: 'params' | 'query' | 'body';
  path: string;
  code: string;
  message: string;
}

/** Zod issues of one part of the request, for the `details` of a 400. */
export function requestIssues(location: RequestIssue['in'], error: z.ZodError): RequestIssue[] {
  return error.issues.map((issue) => ({
    in: location,
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * Service errors by their `code`. Unknown codes are not guessed at: they fall through to
 * `internal`, so a new error class shows up in logs instead of as a misleading answer.
 */
const SERVICE_CODES: Record<string, ApiErrorCode> = {
  forbidden: 'forbidden',
  not_found: 'not_found',
  user_not_found: 'not_found',
  invalid_transition: 'invalid_transition',
  invalid_action: 'invalid_request',
  invalid_cursor: 'invalid_request',
  invalid_period: 'invalid_request',
  invalid_user_input: 'invalid_request',
  username_taken: 'conflict',
  phone_taken: 'conflict',
  unique_violation: 'conflict',
  // Issue 9: `details.reason` says why (e.g. different_locality, unknown_sector, text_too_long).
  incident_refused: 'conflict',
  notice_refused: 'invalid_request',
};

/** Translates whatever a handler threw into an {@link ApiError}; unknown errors become `internal`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ForbiddenError) return new ApiError('forbidden', error.message);
  const withCode = error as { code?: unknown; message?: unknown; problems?: unknown; status?: unknown; action?: unknown } | null;
  if (typeof withCode?.code === 'string' && withCode.code in SERVICE_CODES) {
    const message = typeof withCode.message === 'string' ? withCode.message : withCode.code;
    return new ApiError(SERVICE_CODES[withCode.code]!, message, serviceErrorDetails(withCode.code, withCode));
  }
  const bodyParser = error as { type?: unknown; status?: unknown } | null;
  if (bodyParser?.type === 'entity.parse.failed') return new ApiError('invalid_request', 'the body is not valid JSON');
  if (bodyParser?.type === 'entity.too.large') return new ApiError('invalid_request', 'the body is too large');
  return new ApiError('internal', 'something went wrong on our side; the request id in x-request-id helps us find it');
}

function serviceErrorDetails(code: string, error: { problems?: unknown; status?: unknown; action?: unknown; reason?: unknown; detail?: unknown }): unknown {
  if (code === 'incident_refused' || code === 'notice_refused') return { reason: error.reason, ...(error.detail ? { detail: error.detail } : {}) };
  if (Array.isArray(error.problems)) return { reason: code, problems: error.problems };
  if (code === 'invalid_transition') return { reason: code, ticket_status: error.status, action: error.action };
  return { reason: code };
}

/** The JSON body of an error answer. */
export function errorBody(error: ApiError): { error: { code: ApiErrorCode; message: string; details?: unknown } } {
  return { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
}

/** Last middleware of the API router. */
export function apiErrorHandler(deps: { logger: Logger }): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError = toApiError(error);
    const log = req.log ?? deps.logger;
    if (apiError.code === 'internal') log.error({ err: error }, 'api request failed');
    res.status(apiError.status).json(errorBody(apiError));
  };
}

/** For unknown paths under the API: a JSON 404 instead of express's HTML page. */
export const apiNotFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError('not_found', `no endpoint ${req.method} ${req.baseUrl}${req.path}`));
};
