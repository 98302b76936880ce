/**
 * Metrics and logs label a request by the route pattern that answered it (`/api/v1/tickets/:id`),
 * never by its raw URL: raw URLs carry ids (one series per ticket) and could carry phone numbers.
 */
import type { Request } from 'express';

/** Label for requests no route answered (404s, static files): one series, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** @example httpRouteLabel(req) // '/api/v1/tickets/:id' */
export function httpRouteLabel(req: Request): string {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== 'string') return UNMATCHED_ROUTE;
  const base = req.baseUrl ?? '';
  return pattern === '/' && base ? base : `${base}${pattern}`;
}
