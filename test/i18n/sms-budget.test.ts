/**
 * Every message of every locale, rendered with realistic (long-ish) values and every select
 * branch, adapted for SMS, must fit in 2 segments and be pure GSM-7.
 */
import { join } from 'node:path';
import { TICKET_STATUSES } from '../../src/domain/ticket';
import { sectorListing } from '../../src/flow-engine/turn';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { isGsm7 } from '../../src/i18n/gsm7';
import { collectSelectOptions } from '../../src/i18n/message-arguments';
import { MAX_BOT_SMS_SEGMENTS, measureSms } from '../../src/i18n/sms-segments';
import { createTranslator } from '../../src/i18n/translator';
import { readFileSync } from 'node:fs';

const localesDir = join(__dirname, '../../locales');
const translator = createTranslator({ localesDir });

/** The longest sector list the engine still shows with numbers (85 characters). */
const longSectorList = sectorListing(['Centro', 'Bellavista', 'Las Flores', 'Alto Perú', 'San Juan Bautista', 'Villa María']);

/** Realistic worst cases for every parameter a message may show. */
const REALISTIC: Record<string, string | number> = {
  reference: '4820176',
  locality: 'San Martín de Pangoa',
  sectors: longSectorList.text,
  sectorsShown: 'yes',
  channel: 'sms',
  resuming: 'no',
  is_holder: 'false',
  anyone_ill: 'true',
  gender_outcome: 'recorded',
  solved: 'false',
  language_choice: 'qu',
  status: 'in_progress',
  // An operator's public note of about 80 characters, with accents.
  note: 'Se cambió la tubería en Jr. Lima cuadra 3; el servicio quedó normal desde las 4 pm',
  // An operator's reply of about 100 characters.
  text: 'Buenas tardes, mañana a las 9 am pasará el gasfitero a revisar su medidor. Por favor deje a alguien.',
  // Operator-side SMS (alerts, commands, SLA breaches).
  summary: 'No hay agua desde ayer en toda la calle, jr. Lima cuadra 3',
  sector: 'San Juan Bautista',
  category: 'outage',
  priority: 'urgent',
  action: 'resolve',
  age: '3 h',
  unit: 'hours',
  amount: 12,
  count: 12,
  total: 23,
  page: 2,
  pages: 5,
  next: 3,
  order: 'oldest',
  breakdown: '5 corte, 3 fuga, 2 agua sucia, 1 desagüe, 1 recibo',
  kind: 'first_response',
  time: '14:30',
  date: '03/03',
  // Issue 8: the category a first message was read as, and two close sector names.
  topic: 'billing',
  first: 'San Juan Bautista',
  second: 'Villa María del Triunfo',
  // Issue 8: what the first message said, shown when a later answer contradicts it, and the
  // operator's note in the one SMS that announces a resolution and asks about it.
  scope: 'home',
  since: 'yesterday',
  size: 'flood',
  area: 'inside',
  overflowing: 'true',
  resolution_note: 'Se cambió la tubería en Jr. Lima cuadra 3; el servicio quedó normal desde las 4 pm',
  // Incidents and planned-cut notices (issue 9).
  place: 'San Juan Bautista',
  incident_place: 'San Juan Bautista',
  incident_category: 'outage',
  incident_note: 'Se cambió la tubería en Jr. Lima cuadra 3; el servicio quedó normal desde las 4 pm',
  notice_sector: 'San Juan Bautista',
  hours: 18,
  from: 'mar 3 mar 08:00',
  to: 'mar 3 mar 18:00',
  detail: 'San Juan Bautista',
  reason: 'unknown_sector',
  // The address a resident typed, shown by the operator's VER command (issue 10).
  address: 'Jr. Lima cuadra 3, frente al mercado central',
  hasAddress: 'yes',
  // Committee summaries (issue 6).
  name: 'María Fernanda Quispe Huamán',
  // `first` is shared with issue 8's sector choice; its longer value above is the stricter test.
  last: '29/11',
  resolved: 18,
  open: 7,
  oldest: ' (el más antiguo de 12 d)',
  firstResponse: '2 h',
  resolution: '18 h',
  women: '3 h',
  men: '1 h',
  verdict: 'women_slower',
  share: '83%',
  breaches: 4,
  rating: '4,2',
  url: 'agua.example.pe/transparencia/san-martin-de-pangoa',
  week: '2026-W48',
};

/** Web console labels never travel by SMS. */
const WEB_ONLY_PREFIXES = ['console.', 'incident_console.', 'workday.console.', 'open311.', 'transparency.'];

function rawMessage(language: string, key: string): string | undefined {
  const data = JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8')) as Record<string, unknown>;
  let node: unknown = data;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === 'string' ? node : undefined;
}

/** One parameter set per select branch, so every branch is measured. */
function variants(language: string, key: string): Record<string, string | number>[] {
  const base: Record<string, string | number> = {};
  const missing: string[] = [];
  for (const name of translator.argumentNames(key)) {
    if (REALISTIC[name] === undefined) missing.push(name);
    else base[name] = REALISTIC[name]!;
  }
  if (missing.length > 0) throw new Error(`${key}: no realistic value for {${missing.join('}, {')}}; add one to REALISTIC`);
  const out = [base];
  const selects = collectSelectOptions(rawMessage(language, key) ?? rawMessage('es', key) ?? '');
  for (const [name, options] of Object.entries(selects)) {
    const values = name === 'status' ? [...TICKET_STATUSES, 'other'] : options;
    for (const value of values) out.push({ ...base, [name]: value === 'other' ? 'unknown' : value });
  }
  return out;
}

const cases = translator.languages.flatMap((language) =>
  translator
    .keys(language)
    .filter((key) => !WEB_ONLY_PREFIXES.some((prefix) => key.startsWith(prefix)))
    .map((key) => [language, key] as const),
);

describe('SMS budget of every message', () => {
  it('walks a realistic number of messages in every locale', () => {
    expect(translator.keys('es').length).toBeGreaterThan(60);
    expect(translator.keys('en')).toEqual(translator.keys('es'));
  });

  it.each(cases)('%s %s fits in 2 GSM-7 segments with realistic values', (language, key) => {
    for (const params of variants(language, key)) {
      const sms = adaptForChannel(translator.render(key, language, params), 'sms');
      const measure = measureSms(sms);
      expect({ key, params, sms, encoding: measure.encoding, tooLong: measure.segments > MAX_BOT_SMS_SEGMENTS }).toEqual({
        key,
        params,
        sms,
        encoding: 'GSM-7',
        tooLong: false,
      });
      expect(isGsm7(sms)).toBe(true);
    }
  });
});
