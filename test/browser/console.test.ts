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
  let page: Page;
  let reference: string;

  beforeAll(async () => {
    server = await startConsoleServer({ label: 'browser-console' });
    await server.addOperator('rosa', 'Rosa Quispe');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: NARROW_VIEWPORT });
    page.setDefaultTimeout(10_000);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a resident reports an outage by SMS and gets a reference on their phone', async () => {
    await server.text(RESIDENT, 'no hay agua desde ayer');
    await server.waitForPhoneMessages(RESIDENT, 2);
    await server.text(RESIDENT, '1');
    await server.waitForPhoneMessages(RESIDENT, 3);
    await server.text(RESIDENT, '1');
    const texts = await server.waitForPhoneMessages(RESIDENT, 5);
    // The optional gender question: declining ends the conversation, so the resident is free
    // to be asked "was it solved?" later.
    await server.text(RESIDENT, '4');
    await server.waitForPhoneMessages(RESIDENT, 6);
    reference = /codigo (\d{9})/.exec(texts.join('\n'))?.[1] ?? '';
    expect(reference).toMatch(/^\d{9}$/);
    const [ticket] = (await server.repo.listTickets({ residentId: (await server.repo.findResidentByPhone(RESIDENT))!.id })).items;
    expect(ticket).toMatchObject({ reference, category: 'outage', sector: 'Centro', status: 'open' });
  });

  it('the operator logs in and finds the ticket in the queue', async () => {
    await page.goto(`${server.baseUrl}/tickets`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#username', 'rosa');
    await page.fill('#password', OPERATOR_PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.click('button[type=submit]'),
    ]);
    expect(login.status()).toBe(303);
    await page.waitForURL(`${server.baseUrl}/tickets`);

    const row = page.locator(`tr[data-ticket="${reference}"]`);
    await expect(row.textContent()).resolves.toContain('Corte de agua');
    await expect(row.textContent()).resolves.toContain('Centro');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'queue-360.png'), fullPage: true });
    // The inline stylesheet is allowed by the web process's Content-Security-Policy.
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header')).backgroundColor")).toBe('rgb(11, 92, 122)');
    expect(await documentWidth(page)).toBeLessThanOrEqual(NARROW_VIEWPORT.width);
  });

  it('opens the ticket and sees the conversation, masked phone and captured details', async () => {
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
  });

  it('replies and resolves with a note through plain forms; the phone gets the reply, the resolution and "was it solved?"', async () => {
    const sms = (key: string, params: Record<string, string>) => adaptForChannel(server.translator.render(key, 'es', params), 'sms');
    const expectedReply = sms('notify.operator_reply', { reference, text: REPLY });
    const expectedResolution = sms('notify.resolved', { reference, note: RESOLUTION });
    const expectedQuestion = sms('feedback.ask_solved', { reference });
    expect(expectedQuestion).toMatch(/1 Si\n2 No$/);

    await page.fill('#reply-text', REPLY);
    await page.click('button:text("Enviar respuesta")');
    await expect(page.textContent('.flash.ok')).resolves.toContain('Respuesta enviada al vecino.');
    await server.waitForPhoneMessages(RESIDENT, 7);
    expect(server.phoneMessages(RESIDENT)[6]).toBe(expectedReply);

    await page.fill('#resolve-note', RESOLUTION);
    await page.click('button:text("Resolver")');
    await expect(page.textContent('.flash.ok')).resolves.toContain('Reclamo resuelto.');
    await expect(page.textContent('h1')).resolves.toContain('Resuelto');
    await server.waitForPhoneMessages(RESIDENT, 9);
    // Queued back to back: sending is ordered per resident, so the notice comes before the question.
    expect(server.phoneMessages(RESIDENT).slice(7)).toEqual([expectedResolution, expectedQuestion]);

    expect(await page.locator('script').count()).toBe(0);
    await page.reload();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'ticket-360.png'), fullPage: true });
    expect(await documentWidth(page)).toBeLessThanOrEqual(NARROW_VIEWPORT.width);
    expect((await page.textContent('#conversation')) ?? '').toContain(REPLY);
  });
});
