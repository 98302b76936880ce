/**
 * End to end through a real browser (Debian's Chromium via playwright-core) on a narrow phone
 * viewport: a resident reports an outage by SMS through the signed webhook, an operator logs in,
 * finds the ticket in the queue, reads the conversation, replies and resolves it, and the
 * resident's phone (the local fake Twilio API) receives the reply, the resolution message and
 * the question "was it solved? 1 Yes 2 No".
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { maskPhone } from '../../src/shared/phone';
import { documentWidth, launchBrowser, NARROW_VIEWPORT } from '../support/browser';
import { OPERATOR_PASSWORD } from '../support/console-app';
import { startConsoleServer, type ConsoleServer } from '../support/console-server';

const RESIDENT = '+51987650123';
const REPLY = 'La cuadrilla revisa la matriz del sector Centro hoy a las 3 pm.';
const RESOLUTION = 'Se cambio la valvula del reservorio; el agua vuelve a las 5 pm.';
/** Screenshots for a human to look at; not compared by the test. */
const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOT_DIR ?? join(tmpdir(), 'aguavoz-console-screenshots');

jest.setTimeout(90_000);

describe('operator console in a browser', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let reference: string;
  let reportTexts: string[];

  /** The resident's outage report by SMS, as every test below finds it. */
  async function reportOutageBySms(): Promise<void> {
    // Privacy notice, "Entendido: corte de agua.", then "whole street or your home?" ("since
    // when" is answered by "desde ayer").
    await server.text(RESIDENT, 'no hay agua desde ayer');
    await server.waitForPhoneMessages(RESIDENT, 3);
    await server.text(RESIDENT, '1');
    await server.waitForPhoneMessages(RESIDENT, 4);
    await server.text(RESIDENT, '1');
    reportTexts = await server.waitForPhoneMessages(RESIDENT, 6);
    // The optional gender question: declining ends the conversation, so the resident is free
    // to be asked "was it solved?" later.
    await server.text(RESIDENT, '4');
    await server.waitForPhoneMessages(RESIDENT, 7);
    reference = /codigo (\d{9})/.exec(reportTexts.join('\n'))?.[1] ?? '';
  }

  /** A fresh browser page (its own cookies) on the console's login form. */
  async function loginPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: NARROW_VIEWPORT });
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.baseUrl}/tickets`);
    return page;
  }

  async function logIn(page: Page): Promise<number> {
    await page.fill('#username', 'rosa');
    await page.fill('#password', OPERATOR_PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.click('button[type=submit]'),
    ]);
    await page.waitForURL(`${server.baseUrl}/tickets`);
    return login.status();
  }

  beforeAll(async () => {
    server = await startConsoleServer({ label: 'browser-console' });
    await server.addOperator('rosa', 'Rosa Quispe');
    browser = await launchBrowser();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await reportOutageBySms();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident reports an outage by SMS and gets a reference on their phone', async () => {
    expect(reportTexts.join('\n')).toContain(`codigo ${reference}`);
    expect(reference).toMatch(/^\d{9}$/);
    const [ticket] = (await server.repo.listTickets({ residentId: (await server.repo.findResidentByPhone(RESIDENT))!.id })).items;
    expect(ticket).toMatchObject({ reference, category: 'outage', sector: 'Centro' });
  });

  it('the operator logs in and finds the ticket in the queue', async () => {
    const page = await loginPage();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await logIn(page)).toBe(303);

    const row = page.locator(`tr[data-ticket="${reference}"]`);
    await expect(row.textContent()).resolves.toContain('Corte de agua');
    await expect(row.textContent()).resolves.toContain('Centro');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'queue-360.png'), fullPage: true });
    // The inline stylesheet is allowed by the web process's Content-Security-Policy.
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header')).backgroundColor")).toBe('rgb(11, 92, 122)');
    expect(await documentWidth(page)).toBeLessThanOrEqual(NARROW_VIEWPORT.width);
    await page.close();
  });

  it('opens the ticket and sees the conversation, masked phone and captured details', async () => {
    const page = await loginPage();
    await logIn(page);
    await page.click(`a:text("${reference}")`);
    await page.waitForURL(/\/tickets\/[^/]+$/);
    const conversation = (await page.textContent('#conversation')) ?? '';
    expect(conversation).toContain('no hay agua desde ayer');
    expect(conversation).toContain(`codigo ${reference}`);
    const body = (await page.textContent('main')) ?? '';
    expect(body).toContain(maskPhone(RESIDENT));
    expect(body).not.toContain(RESIDENT);
    expect(body).toContain('toda la calle');
    expect(body).toContain('Se enviará en castellano por SMS.');
    await page.close();
  });

  it('replies and resolves with a note through plain forms; the phone gets the reply, then ONE SMS with the resolution and "was it solved?"', async () => {
    const sms = (key: string, params: Record<string, string>) => adaptForChannel(server.translator.render(key, 'es', params), 'sms');
    const expectedReply = sms('notify.operator_reply', { reference, text: REPLY });
    const expectedResolution = sms('feedback.resolved_ask_solved', { reference, resolution_note: RESOLUTION });
    expect(expectedResolution).toMatch(/^Su reclamo \d+ fue resuelto\. .*\n1 Si\n2 No$/s);
    const page = await loginPage();
    await logIn(page);
    await page.click(`a:text("${reference}")`);
    await page.waitForURL(/\/tickets\/[^/]+$/);

    // Everything the conversation sent so far (its length depends on the flow's wording).
    const before = server.phoneMessages(RESIDENT).length;
    await page.fill('#reply-text', REPLY);
    await page.click('button:text("Enviar respuesta")');
    await expect(page.textContent('.flash.ok')).resolves.toContain('Respuesta enviada al vecino.');
    await server.waitForPhoneMessages(RESIDENT, before + 1);
    expect(server.phoneMessages(RESIDENT)[before]).toBe(expectedReply);

    await page.fill('#resolve-note', RESOLUTION);
    await page.click('button:text("Resolver")');
    await expect(page.textContent('.flash.ok')).resolves.toContain('Reclamo resuelto.');
    await expect(page.textContent('h1')).resolves.toContain('Resuelto');
    await server.waitForPhoneMessages(RESIDENT, before + 2);
    expect(server.phoneMessages(RESIDENT).slice(before + 1)).toEqual([expectedResolution]);
    // The store holds every message the resolution will ever send: just that one.
    const ticket = await server.repo.findTicketByReference(reference);
    const rows = await server.repo.listOutboxByResident(ticket!.residentId, { limit: 50 });
    expect(rows.filter((row) => row.createdAt >= ticket!.resolvedAt!).map((row) => row.body)).toEqual([expectedResolution]);

    // The only script is the reply box's segment counter, from our own origin (progressive enhancement).
    expect(await page.locator('script').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('src')))).toEqual([
      '/console/assets/reply-counter.js',
    ]);
    await page.reload();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ticket-360.png'), fullPage: true });
    expect(await documentWidth(page)).toBeLessThanOrEqual(NARROW_VIEWPORT.width);
    expect((await page.textContent('#conversation')) ?? '').toContain(REPLY);
    await page.close();
  });
});
