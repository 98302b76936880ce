/**
 * Schemas shared by every endpoint. The `.meta({ id })` names become `components/schemas` in
 * the OpenAPI document, so clients generated from it get one `ErrorBody` type, not one per route.
 */
import { z } from 'zod';
import { API_ERROR_CODES } from './api-errors';

/** @example { "error": { "code": "invalid_request", "message": "…", "details": [{ "in": "query", "path": "limit", … }] } } */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional().meta({ description: 'For `invalid_request`: the zod issues, each with `in` and `path`.' }),
    }),
  })
  .meta({ id: 'ErrorBody' });

export const isoInstant = z.iso.datetime({ offset: true }).meta({ example: '2025-07-28T14:05:00Z' });
export const nullableInstant = isoInstant.nullable();

/**
 * An instant in a query, normalized to `toISOString()` form: the store compares instants as
 * strings, so `2025-07-01T05:00:00-05:00` must become `2025-07-01T10:00:00.000Z` first.
 */
export const queryInstant = isoInstant.transform((value) => new Date(value).toISOString());

export const idParamsSchema = z.object({
  id: z.string().min(1).max(100).meta({ description: 'Ticket id (UUID) or its 7-digit reference.' }),
});

/**
 * Query values that may repeat (`?status=open&status=acknowledged`) or come comma-separated
 * (`?status=open,acknowledged`).
 */
export function multiValue<T extends z.ZodType<string>>(item: T) {
  return z
    .preprocess((value) => {
      const list = Array.isArray(value) ? value : value === undefined ? undefined : [value];
      return list?.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [v]));
    }, z.array(item).min(1))
    .optional();
}

/** Strings that must not repeat in a query (express parses `?a=1&a=2` into an array). */
export const singleString = z.string().trim().min(1).max(200);
