/**
 * The public transparency page and the supervisor dashboard in a real browser (Debian's Chromium
 * via playwright-core) on a cheap phone's viewport: every chart is an SVG drawn on the server
 * (the public page is loaded with JavaScript switched off), the numbers each chart draws are the
 * numbers in the table beside it, and no phone number appears anywhere on either page.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, NARROW_VIEWPORT } from '../support/browser';
import { createConsoleHarness, listenLocal, OPERATOR_PASSWORD, type ConsoleHarness } from '../support/console-app';
import { NOW, SEEDED_PHONE_PREFIX, seedWeeks } from '../transparency/figure-seed';

jest.setTimeout(90_000);

const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOT_DIR ?? join(tmpdir(), 'aguavoz-console-screenshots');
const PHONE_PATTERN = /\+?51[\s-]?9\d{2}[\s-]?\d{3}[\s-]?\d{3}/;

/** Bars of a stacked chart as vega labels them: "Semana: 16/11; Reclamos: 5; group: Corte de agua". */
async function chartBars(page: Page, sectionId: string): Promise<Array<{ week: string; count: number; group: string }>> {
  const labels = await page.locator(`figure[data-chart="${sectionId}"] svg [aria-label^="Semana: "]`).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
  return labels.map((label) => {
    const [, week, count, group] = /^Semana: ([^;]+); [^:]+: (\d+)(?:; group: (.+))?$/.exec(label) ?? [];
    return { week: week!, count: Number(count), group: group ?? '' };
  });
}

async function tableRows(page: Page, sectionId: string): Promise<{ headers: string[]; rows: string[][] }> {
  const table = page.locator(`table[data-table="${sectionId}"]`);
  const headers = await table.locator('thead th').allTextContents();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
  return { headers, rows };
}

/** Every bar the chart draws is the table's number for that week and column, and every table number above zero is drawn. */
async function expectChartMatchesTable(page: Page, sectionId: string): Promise<number> {
  const bars = await chartBars(page, sectionId);
  const { headers, rows } = await tableRows(page, sectionId);
  for (const bar of bars) {
    const row = rows.find((r) => r[0] === bar.week)!;
    const column = bar.group === '' ? 1 : headers.indexOf(bar.group);
    expect({ bar, table: row[column] }).toEqual({ bar, table: String(bar.count) });
  }
  const drawnCells = rows.flatMap((r) => r.slice(1, headers.length - (headers.at(-1) === 'Total' ? 1 : 0)).filter((c) => /^\d+$/.test(c) && c !== '0'));
  expect(bars).toHaveLength(drawnCells.length);
  return bars.length;
}

async function expectNoPhoneNumber(page: Page): Promise<void> {
  const html = await page.content();
  const text = (await page.textContent('body')) ?? '';
  for (const content of [html, text]) {
    expect(content).not.toContain(SEEDED_PHONE_PREFIX);
    expect(content).not.toMatch(PHONE_PATTERN);
  }
}

describe('transparency page and supervisor dashboard in a browser', () => {
  let h: ConsoleHarness;
  let http: Awaited<ReturnType<typeof listenLocal>>;
  let browser: Browser;

  beforeAll(async () => {
    h = await createConsoleHarness({ label: 'browser-transparency', now: () => NOW });
    const operator = await h.addUser({ username: 'rosa', name: 'Rosa Quispe', localityIds: [h.locality.id] });
    await seedWeeks(h.repo, h.locality, { assigneeId: operator.id });
    await h.addUser({ username: 'marta', name: 'Marta Supervisora', role: 'supervisor', localityIds: [h.locality.id] });
    http = await listenLocal(h.app);
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await h?.close();
  });

  it('the public page renders its charts as SVG with JavaScript off, the bars equal the tables, and no phone number appears', async () => {
    const context = await browser.newContext({ viewport: NARROW_VIEWPORT, javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      const response = await page.goto(`${http.baseUrl}/transparencia/${h.locality.slug}`);
      expect(response?.status()).toBe(200);
      for (const id of ['reports-by-category', 'reports-by-gender', 'first-response', 'resolution', 'within-sla', 'backlog']) {
        await expect(page.locator(`figure[data-chart="${id}"] svg`).count()).resolves.toBe(1);
        const box = await page.locator(`figure[data-chart="${id}"] svg`).boundingBox();
        expect(box!.width).toBeGreaterThan(100);
        expect(box!.width).toBeLessThanOrEqual(NARROW_VIEWPORT.width);
      }
      expect(await expectChartMatchesTable(page, 'reports-by-category')).toBeGreaterThan(0);
      expect(await expectChartMatchesTable(page, 'reports-by-gender')).toBe(2);
      expect(await expectChartMatchesTable(page, 'backlog')).toBeGreaterThan(0);
      await expectNoPhoneNumber(page);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'transparency-360.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('the supervisor logs in and the dashboard shows the same charts plus breaches, reopened and per-operator figures, with no phone number', async () => {
    const context = await browser.newContext({ viewport: NARROW_VIEWPORT });
    const page = await context.newPage();
    try {
      await page.goto(`${http.baseUrl}/dashboard`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#username', 'marta');
      await page.fill('#password', OPERATOR_PASSWORD);
      await Promise.all([page.waitForURL(/\/(tickets|dashboard)/), page.click('button[type=submit]')]);
      await page.goto(`${http.baseUrl}/dashboard`);
      await expect(page.textContent('h1')).resolves.toContain('Panel de supervisión');
      for (const id of ['reports-by-category', 'reports-by-gender', 'first-response', 'within-sla', 'backlog', 'sla-breaches', 'reopen-rate', 'per-operator']) {
        await expect(page.locator(`figure[data-chart="${id}"] svg`).count()).resolves.toBe(1);
      }
      expect(await expectChartMatchesTable(page, 'reports-by-category')).toBeGreaterThan(0);
      expect(await expectChartMatchesTable(page, 'reports-by-gender')).toBe(2);
      const perOperator = await tableRows(page, 'per-operator');
      expect(perOperator.rows).toEqual([['Rosa Quispe', '20', '10']]);
      const reopen = await tableRows(page, 'reopen-rate');
      expect(reopen.rows.find((r) => r[0] === '16/11')).toEqual(['16/11', '1', '8', '13']);
      await expectNoPhoneNumber(page);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-360.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
