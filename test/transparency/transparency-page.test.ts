/**
 * The public transparency page, its CSV and the index, over real HTTP on the composition root's
 * web app (real SQLite, real Redis, real vega rendering in its worker), with a fixed clock.
 */
import request from 'supertest';
import { GENDERS } from '../../src/domain/resident';
import { addLocality, createConsoleHarness, type ConsoleHarness } from '../support/console-app';
import { inconsistentWeeks, recoveredValues, type GenderRow } from './differencing-attack';
import { NOW, SEEDED_PHONE_PREFIX, seedWeeks } from './figure-seed';
import { pageTable, sectionSvg } from './page-tables';

jest.setTimeout(60_000);

const SECTIONS = ['reports-by-category', 'reports-by-gender', 'first-response', 'resolution', 'within-sla', 'backlog'];
const GENDER_COLUMNS = ['woman', 'man', 'another', 'undisclosed', 'not_recorded'];

describe('public transparency page', () => {
  let h: ConsoleHarness;
  let html: string;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'transparency', now: () => NOW });
    await seedWeeks(h.repo, h.locality);
    html = (await request(h.app).get(`/transparencia/${h.locality.slug}`).expect(200).expect('Cache-Control', /public, max-age=300/)).text;
  });

  afterAll(async () => {
    await h.close();
  });

  it('needs no login and no JavaScript, stays under 200 KB, and draws every figure as SVG beside its table', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(200 * 1024);
    expect(html).not.toMatch(/<script/i);
    for (const id of SECTIONS) {
      expect(sectionSvg(html, id)).toMatch(/^<svg[\s\S]*<\/svg>$/);
      expect(pageTable(html, id).rows).toHaveLength(13);
    }
  });

  it('shows the seeded weeks: counts by category, and the lone man hidden together with the women', () => {
    const byCategory = pageTable(html, 'reports-by-category');
    const lastWeek = byCategory.rows.find((r) => r[0] === '16/11')!;
    expect(lastWeek).toEqual(['16/11', '5', '0', '0', '3', '0', '0', '8']);
    const byGender = pageTable(html, 'reports-by-gender');
    expect(byGender.rows.find((r) => r[0] === '16/11')).toEqual(['16/11', '<5', '<5', '<5', '<5', '<5', '8']);
    expect(byGender.rows.find((r) => r[0] === '09/11')).toEqual(['09/11', '6', '6', '<5', '<5', '<5', '12']);
    // The chart draws only published cells: six women and six men in the week of 9 Nov, nothing for 16 Nov.
    const svg = sectionSvg(html, 'reports-by-gender');
    expect(svg).toContain('Semana: 09/11; Reclamos: 6; group: Mujeres');
    expect(svg).not.toMatch(/Semana: 16\/11;/);
    const trend = pageTable(html, 'first-response');
    expect(trend.headers).toEqual(['Semana', 'Mediana (h)', 'P90 (h)', 'n']);
    expect(trend.rows.find((r) => r[0] === '16/11')![3]).toBe('8');
  });

  it('carries no phone number, name or resident text', () => {
    expect(html).not.toContain(SEEDED_PHONE_PREFIX);
    expect(html).not.toMatch(/\+?51\s?9\d{2}\s?\d{3}\s?\d{3}/);
    expect(html).not.toContain('Sin agua, llamar');
  });

  it('the CSV has the same figures, an explicit date range and a data dictionary', async () => {
    const res = await request(h.app).get(`/transparencia/${h.locality.slug}.csv`).expect(200).expect('Content-Type', /text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[1]).toContain('2026-08-24 al 2026-11-22');
    expect(lines.filter((l) => l.startsWith('#   ')).length).toBeGreaterThanOrEqual(13);
    const header = lines.find((l) => !l.startsWith('#'))!;
    expect(header).toBe('locality,week,from,to,measure,group,value');
    const value = (week: string, measure: string, group: string) =>
      lines.find((l) => l.startsWith(`${h.locality.slug},${week},`) && l.endsWith(`,${measure},${group},${l.split(',').pop()}`) && l.split(',')[4] === measure && l.split(',')[5] === group)?.split(',')[6];
    expect(value('2026-W47', 'reports', 'outage')).toBe('5');
    expect(value('2026-W47', 'reports', 'man')).toBe('<5');
    expect(value('2026-W47', 'reports', 'woman')).toBe('<5');
    expect(value('2026-W46', 'reports', 'man')).toBe('6');
    expect(value('2026-W47', 'first_response_n', 'total')).toBe('8');
    expect(res.text).not.toContain(SEEDED_PHONE_PREFIX);
  });

  it('a CSV range snaps to whole weeks, never includes the week in progress, and a bad range is a 400', async () => {
    const res = await request(h.app).get(`/transparencia/${h.locality.slug}.csv`).query({ desde: '2026-11-11', hasta: '2026-11-30' }).expect(200);
    const weeks = new Set(res.text.split('\n').filter((l) => l.startsWith(h.locality.slug)).map((l) => l.split(',')[1]));
    expect([...weeks]).toEqual(['2026-W46', '2026-W47']);
    await request(h.app).get(`/transparencia/${h.locality.slug}.csv`).query({ desde: 'ayer' }).expect(400);
    await request(h.app).get(`/transparencia/${h.locality.slug}.csv`).query({ desde: '2024-01-01' }).expect(400);
    await request(h.app).get('/transparencia/atlantis.csv').expect(404);
  });

  it('the index lists the localities, and an unknown one is a 404 page', async () => {
    const other = await addLocality(h.repo, { slug: 'pueblo-nuevo' });
    const index = await request(h.app).get('/transparencia').expect(200);
    expect(index.text).toContain(`href="/transparencia/${h.locality.slug}"`);
    expect(index.text).toContain(`href="/transparencia/${other.slug}"`);
    const missing = await request(h.app).get('/transparencia/atlantis').expect(404);
    expect(missing.text).toContain('atlantis');
  });
});

describe('differencing attack on the page and the CSV', () => {
  let h: ConsoleHarness;
  let clock = NOW;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'transparency-attack', now: () => clock });
    await seedWeeks(h.repo, h.locality);
  });

  afterAll(async () => {
    await h.close();
  });

  function csvRows(csv: string): GenderRow[] {
    const rows = new Map<string, GenderRow>();
    for (const line of csv.split('\n')) {
      const [, week, , , measure, group, value] = line.split(',');
      if (measure !== 'reports' || !week) continue;
      const row = rows.get(week) ?? { week, total: 0, cells: {} };
      if (group === 'total') row.total = Number(value);
      else if (GENDER_COLUMNS.includes(group!)) row.cells[group!] = value!;
      rows.set(week, row);
    }
    return [...rows.values()];
  }

  function pageRows(html: string): GenderRow[] {
    return pageTable(html, 'reports-by-gender').rows.map((r) => ({
      week: r[0]!,
      total: Number(r[6]),
      cells: Object.fromEntries(GENDER_COLUMNS.map((g, i) => [g, r[i + 1]!])),
    }));
  }

  it('overlapping and adjacent CSV ranges recover no hidden value and agree on every shared week', async () => {
    const csv = async (query: object) => csvRows((await request(h.app).get(`/transparencia/${h.locality.slug}.csv`).query(query).expect(200)).text);
    const wide = await csv({ desde: '2026-11-02', hasta: '2026-11-22' });
    const overlap = await csv({ desde: '2026-11-09', hasta: '2026-11-22' });
    const lastOnly = await csv({ desde: '2026-11-16', hasta: '2026-11-22' });
    const before = await csv({ desde: '2026-11-02', hasta: '2026-11-15' });
    for (const rows of [wide, overlap, lastOnly, before]) expect(recoveredValues(rows, 5)).toEqual([]);
    expect(inconsistentWeeks(wide, overlap)).toEqual([]);
    expect(inconsistentWeeks(wide, lastOnly)).toEqual([]);
    expect(inconsistentWeeks(overlap, before)).toEqual([]);
    // No answer adds weeks up by gender, so "wide minus before" is only the published weeks again.
    expect(wide.map((r) => r.week)).toEqual(['2026-W45', '2026-W46', '2026-W47']);
  });

  it('the page one millisecond and one week apart recovers no hidden value', async () => {
    const page = async (at: Date) => {
      clock = at;
      return pageRows((await request(h.app).get(`/transparencia/${h.locality.slug}`).expect(200)).text);
    };
    try {
      const now = await page(NOW);
      const later = await page(new Date(NOW.getTime() + 1));
      const nextWeek = await page(new Date(NOW.getTime() + 7 * 86_400_000));
      for (const rows of [now, later, nextWeek]) expect(recoveredValues(rows, 5)).toEqual([]);
      expect(inconsistentWeeks(now, later)).toEqual([]);
      expect(inconsistentWeeks(now, nextWeek)).toEqual([]);
      // The window moved by one week: the week of 16 Nov is in both, answered the same way.
      expect(nextWeek.map((r) => r.week).slice(-2)).toEqual(['16/11', '23/11']);
    } finally {
      clock = NOW;
    }
  });

  it('the gender groups the rule can ever show are those of the domain, plus not recorded', () => {
    expect(GENDER_COLUMNS).toEqual([...GENDERS, 'not_recorded']);
  });
});
