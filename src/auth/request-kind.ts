import type { Request } from 'express';

/** API clients get JSON errors; browsers on the console get HTML pages and redirects. */
export function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}
