/**
 * `GET /requests` parameters, checked before anything is read: dates must be ISO-8601 (a bad one
 * is a 400, never silently ignored), status `open`/`closed`, service codes known. The default
 * window is the last 90 days and at most 1,000 requests are returned, newest first.
 */
import { CATEGORIES, type Category, type TicketStatus } from '../domain/ticket';
import { Open311Error } from './open311-errors';
import { isServiceCode } from './open311-services';

export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;
/** A date (`2026-11-30`) or a date-time with an offset or Z (`2026-11-30T08:00:00-05:00`). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export interface RequestsQuery {
  ids: string[] | null;
  categories: Category[] | undefined;
  statuses: TicketStatus[] | undefined;
  from: string;
  to: string;
}

function single(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Open311Error(400, `${field} must be given once`);
  return value.trim() === '' ? undefined : value.trim();
}

function list(value: unknown, field: string): string[] | undefined {
  const text = single(value, field);
  return text === undefined ? undefined : text.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

export function parseOpen311Date(value: string, field: string): string {
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Open311Error(400, `${field} is not an ISO-8601 date (e.g. 2026-11-30T08:00:00-05:00)`);
  return new Date(ms).toISOString();
}

export function parseRequestsQuery(query: Record<string, unknown>, now: string): RequestsQuery {
  const ids = list(query.service_request_id, 'service_request_id') ?? null;
  const codes = list(query.service_code, 'service_code');
  for (const code of codes ?? []) if (!isServiceCode(code)) throw new Open311Error(400, `unknown service_code "${code.slice(0, 40)}"`);
  const statusValues = list(query.status, 'status');
  const statuses: TicketStatus[] = [];
  for (const status of statusValues ?? []) {
    if (status === 'open') statuses.push('open', 'acknowledged', 'in_progress');
    else if (status === 'closed') statuses.push('resolved', 'closed');
    else throw new Open311Error(400, `status must be open or closed, not "${status.slice(0, 20)}"`);
  }
  const start = single(query.start_date, 'start_date');
  const end = single(query.end_date, 'end_date');
  const to = end ? parseOpen311Date(end, 'end_date') : now;
  const from = start ? parseOpen311Date(start, 'start_date') : new Date(Date.parse(to) - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString();
  if (from > to) throw new Open311Error(400, 'start_date is after end_date');
  return {
    ids,
    categories: codes ? (codes.filter((c) => (CATEGORIES as readonly string[]).includes(c)) as Category[]) : undefined,
    statuses: statusValues ? statuses : undefined,
    from,
    to,
  };
}
