/**
 * Writes an Open311 answer in the format the URL asked for: `.json` as is, `.xml` with the
 * GeoReport v2 element names (`<services><service>…`, `<service_requests><request>…`,
 * `<errors><error>…`). A null field becomes an empty element, as the spec's examples show.
 */
import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import { Open311Error } from './open311-errors';

export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

export function parseFormat(value: string | undefined): Open311Format {
  if (value === 'json' || value === 'xml') return value;
  throw new Open311Error(404, `unknown format "${value ?? ''}": use .json or .xml`);
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false, indentBy: '  ' });

type Item = Record<string, unknown>;

/** The XML form of a list: `<root><item>…</item>…</root>`; nulls become empty elements. */
export function toXml(root: string, item: string, items: readonly Item[]): string {
  const clean = items.map((entry) => Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, v === null || v === undefined ? '' : v])));
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: { [item]: clean } })}`;
}

export function sendList(res: Response, format: Open311Format, root: string, item: string, items: readonly Item[], status = 200): void {
  if (format === 'xml') res.status(status).type('application/xml').send(toXml(root, item, items));
  else res.status(status).json(items);
}

export function sendError(res: Response, format: Open311Format, error: Open311Error): void {
  sendList(res, format, 'errors', 'error', [{ code: error.status, description: error.description }], error.status);
}
