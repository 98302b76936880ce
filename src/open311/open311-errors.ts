/**
 * Errors in GeoReport v2's shape: a list of `{ code, description }` (`<errors><error>` in XML),
 * with the HTTP status equal to `code` — 400 for a missing or bad field, 403 for a bad key, 404
 * for an unknown request, service or jurisdiction.
 */
export type Open311Status = 400 | 403 | 404;

/** @example throw new Open311Error(400, 'service_code is required') */
export class Open311Error extends Error {
  readonly code = 'open311_error' as const;
  constructor(
    readonly status: Open311Status,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Open311Error';
  }
}
