/**
 * The GeoReport v2 JSON Schemas from the shared folder (`../shared/open311/georeport-v2`, beside
 * the repository, as CI lays it out), compiled with ajv. Their `$ref`s are relative file names,
 * so each file is added under its own name. The XML answers are checked against the same field
 * lists: parsed with fast-xml-parser, empty elements read as null, numbers as numbers.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GEOREPORT_DIR = join(__dirname, '..', '..', '..', 'shared', 'open311', 'georeport-v2');

/** RFC 3339 date-time, as JSON Schema's `date-time` format (ajv ships no formats without ajv-formats). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(GEOREPORT_DIR, name), 'utf8')) as Record<string, unknown>;
}

export interface GeoReportSchemas {
  services: ValidateFunction;
  service: ValidateFunction;
  serviceDefinition: ValidateFunction;
  requests: ValidateFunction;
  request: ValidateFunction;
  /** Property names the spec lists for one request / one service. */
  requestFields: string[];
  serviceFields: string[];
}

export function loadGeoReportSchemas(): GeoReportSchemas {
  // The shared schemas put `minItems` inside `items`: not strict JSON Schema, but not ours to edit.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('date-time', (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  for (const name of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json']) {
    ajv.addSchema(load(name), name);
  }
  const get = (name: string) => ajv.getSchema(name)!;
  return {
    services: get('services.json'),
    service: get('service.json'),
    serviceDefinition: get('service-definition.json'),
    requests: get('requests.json'),
    request: get('request.json'),
    requestFields: Object.keys((load('request.json').properties as object) ?? {}),
    serviceFields: Object.keys((load('service.json').properties as object) ?? {}),
  };
}

/** `validate` passes, or the test fails showing ajv's errors. */
export function expectValid(validate: ValidateFunction, data: unknown): void {
  const ok = validate(data);
  expect({ ok, errors: validate.errors ?? null }).toEqual({ ok: true, errors: null });
}

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name) });

/**
 * The list inside `<root><item>…</item></root>` as JSON-like objects: empty elements → null,
 * `lat`/`long`/`code` → numbers, `metadata` → boolean, so the JSON Schemas apply to them too.
 */
export function xmlList(xml: string, root: string, item: string): Array<Record<string, unknown>> {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const container = doc[root];
  if (container === undefined) throw new Error(`no <${root}> in ${xml.slice(0, 200)}`);
  const items = ((container === '' ? {} : container) as Record<string, unknown>)[item] as Array<Record<string, unknown>> | undefined;
  return (items ?? []).map((entry) =>
    Object.fromEntries(
      Object.entries(entry).map(([key, value]) => {
        if (value === '') return [key, null];
        if (['lat', 'long', 'code'].includes(key)) return [key, Number(value)];
        if (key === 'metadata') return [key, value === 'true'];
        return [key, value];
      }),
    ),
  );
}

export function parseXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}
