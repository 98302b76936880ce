/**
 * An operator's workday on a cheap phone (360×640) and at a desk (1280×800), in Debian's Chromium
 * (issue 10): the ticket page puts the actions on the first screen and this ticket's conversation
 * first (an earlier ticket's holder name and DNI are never shown inline), the reply box counts SMS
 * segments as the operator types, replying acknowledges, the second of two operators acting at
 * once is told what changed and loses nothing, the queue searches and shows the resident's words
 * with the filters folded away, and the console lists and re-queues dead-lettered messages and
 * lets an admin change and disable accounts. Screenshots go to the git-ignored test-artefacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Ticket } from '../../src/domain/ticket';
import { randomReference } from '../../src/domain/reference';
import { newId } from '../../src/shared/ids';
import { documentWidth, launchBrowser } from '../support/browser';
import { OPERATOR_PASSWORD } from '../support/console-app';
import { startConsoleServer, type ConsoleServer } from '../support/console-server';
import { aResident, aTicket, anInboundMessage } from '../support/domain-fixtures';

const PHONE = { width: 360, height: 640 };
const DESK = { width: 1280, height: 800 };
const ARTEFACTS = join(__dirname, '..', '..', 'test-artefacts', 'browser');
const HOLDER = 'Maria Flores Huaman';
const DNI = '41234567';

jest.setTimeout(120_000);

describe('an operator works a day on a phone', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let phoneCounter = 0;

  /** A resident with an old billing claim (holder name and DNI) and today's leak: every test gets its own. */
  async function seedLeak(): Promise<{ earlier: Ticket; current: Ticket }> {
    const { repo, locality } = server;
    phoneCounter += 1;
    const resident = await repo.upsertResidentByPhone(aResident({ id: newId(), phone: `+5198765${String(1000 + phoneCounter)}`, localityId: locality.id }));
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const said = async (minutesAgo: number, body: string) => {
      await repo.insertInboundMessage(
        anInboundMessage({ id: newId(), providerSid: `SM${newId().replace(/-/g, '')}`, fromPhone: resident.phone, body, receivedAt: at(minutesAgo), processedAt: at(minutesAgo), residentId: resident.id, localityId: locality.id }),
      );
    };
    for (const [minutes, body] of [[30_010, 'mi recibo vino muy caro'], [30_008, HOLDER], [30_006, DNI]] as const) await said(minutes, body);
    const earlier = aTicket({ id: newId(), reference: randomReference(), localityId: locality.id, residentId: resident.id, category: 'billing', status: 'closed', details: { holder_name: HOLDER, holder_dni: DNI }, createdAt: at(30_005), updatedAt: at(30_000), closedAt: at(30_000), resolvedAt: at(30_001) });
    for (const [minutes, body] of [[25, 'hay una fuga frente al mercado'], [24, 'sale mucha agua']] as const) await said(minutes, body);
    const current = aTicket({ id: newId(), reference: randomReference(), localityId: locality.id, residentId: resident.id, category: 'leak', sector: 'Centro', status: 'open', details: { description: 'hay una fuga frente al mercado', where: 'Jr. Lima cuadra 3' }, createdAt: at(23), updatedAt: at(23) });
    await repo.commit({ ticketsCreated: [earlier, current] });
    return { earlier, current };
  }

  async function signedIn(username: string, viewport = PHONE, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, javaScriptEnabled: options.javaScriptEnabled ?? true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.fill('#username', username);
    await page.fill('#password', OPERATOR_PASSWORD);
    await Promise.all([page.waitForURL(`${server.baseUrl}/tickets`), page.click('button[type=submit]')]);
    return { context, page };
  }

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    server = await startConsoleServer({ label: 'browser-workday' });
    await server.addOperator('rosa', 'Rosa Quispe');
    await server.addOperator('juan', 'Juan Mamani');
    await server.container.users.addUser({ username: 'jefa', name: 'Jefa de Turno', role: 'admin', localityIds: [], password: OPERATOR_PASSWORD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('on a phone the ticket opens with its actions on the first screen and only its own conversation', async () => {
    const { earlier, current } = await seedLeak();
    const { context, page } = await signedIn('rosa');
    const response = await page.goto(`${server.baseUrl}/tickets/${current.id}`);
    expect(Buffer.byteLength((await response!.text()) ?? '')).toBeLessThan(100_000);
    await page.screenshot({ path: join(ARTEFACTS, 'ticket-phone-first-screen.png') });

    for (const selector of ['#h-actions', 'button:text("Confirmar recepción")', '#reply-text', 'button:text("Enviar respuesta")']) {
      const box = await page.locator(selector).first().boundingBox();
      expect({ selector, visible: box !== null && box.y >= 0 && box.y + box.height <= PHONE.height }).toEqual({ selector, visible: true });
    }
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE.width);
    const conversation = (await page.textContent('#conversation')) ?? '';
    expect(conversation).toContain('sale mucha agua');
    expect(await page.locator('main').textContent()).not.toContain(HOLDER);
    expect(await page.locator('main').textContent()).not.toContain(DNI);
    const link = page.locator(`#conversation details a[href="/tickets/${earlier.id}"]`);
    expect(await link.isVisible()).toBe(false);
    await page.click('#conversation details summary');
    expect(await link.textContent()).toContain(earlier.reference);
    await context.close();
  });

  it('the reply box counts SMS segments and the character set as the operator types; replying acknowledges', async () => {
    const { current } = await seedLeak();
    const { context, page } = await signedIn('rosa');
    await page.goto(`${server.baseUrl}/tickets/${current.id}`);
    await page.fill('#reply-text', 'Mañana a las 9 llega la cuadrilla');
    expect(await page.textContent('#reply-count')).toMatch(/^1 SMS · GSM-7 · \d+ caracteres/);
    await page.fill('#reply-text', 'La cuadrilla llegará mañana temprano. '.repeat(5));
    expect(await page.textContent('#reply-count')).toMatch(/^2 SMS · GSM-7/);
    expect(await page.textContent('#reply-count')).toContain('se adaptan al SMS');

    await page.fill('#reply-text', 'Mañana a las 9 llega la cuadrilla');
    await page.click('button:text("Enviar respuesta")');
    await expect(page.textContent('.flash.ok')).resolves.toContain('Respuesta enviada al vecino.');
    await expect(page.textContent('h1')).resolves.toContain('Recibido');
    expect(await server.repo.getTicket(current.id)).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String), firstResponseAt: expect.any(String) });
    await context.close();
  });

  it('works without JavaScript: the server shows the count and the form still sends', async () => {
    const { current } = await seedLeak();
    const { context, page } = await signedIn('juan', PHONE, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/tickets/${current.id}`);
    expect(await page.textContent('#reply-count')).toMatch(/^1 SMS · GSM-7/);
    await page.fill('#note-text', 'Llamé al vecino').catch(async () => {
      await page.click('summary:text("Nota interna")');
      await page.fill('#note-text', 'Llamé al vecino');
    });
    await page.click('button:text("Guardar nota")');
    await expect(page.textContent('.flash.ok')).resolves.toBeTruthy();
    await context.close();
  });

  it('the second of two operators acting at once is told what changed, and keeps what they typed', async () => {
    const { current } = await seedLeak();
    const rosa = await signedIn('rosa', DESK);
    const juan = await signedIn('juan', PHONE);
    await rosa.page.goto(`${server.baseUrl}/tickets/${current.id}`);
    await juan.page.goto(`${server.baseUrl}/tickets/${current.id}`);

    await rosa.page.fill('#resolve-note', 'Se cambió el tubo roto');
    await rosa.page.click('button:text("Resolver")');
    await expect(rosa.page.textContent('h1')).resolves.toContain('Resuelto');

    await juan.page.fill('#reply-text', 'Vamos en camino con la cuadrilla');
    const [answer] = await Promise.all([
      juan.page.waitForResponse((r) => r.request().method() === 'POST'),
      juan.page.click('button:text("Enviar respuesta")'),
    ]);
    expect(answer.status()).toBe(409);
    const alert = (await juan.page.textContent('[role=alert]')) ?? '';
    expect(alert).toContain('Este reclamo cambió mientras usted lo veía');
    expect(alert).toContain('Resuelto');
    expect((await juan.page.textContent('.changes')) ?? '').toContain('Rosa Quispe');
    expect((await juan.page.textContent('.changes')) ?? '').toContain('Se cambió el tubo roto');
    expect(await juan.page.inputValue('#reply-text')).toBe('Vamos en camino con la cuadrilla');
    await juan.page.screenshot({ path: join(ARTEFACTS, 'ticket-changed-phone.png'), fullPage: true });
    const replies = (await server.repo.listTimeline(current.id)).filter((e) => e.type === 'replied' && e.text?.includes('Vamos en camino'));
    expect(replies).toEqual([]);

    // At a desk the actions sit beside the conversation, on the first screen.
    const actions = await rosa.page.locator('#actions').boundingBox();
    const conversation = await rosa.page.locator('#conversation').boundingBox();
    expect(actions!.x).toBeGreaterThan(conversation!.x + conversation!.width - 1);
    expect(actions!.y).toBeLessThan(DESK.height);
    await rosa.page.screenshot({ path: join(ARTEFACTS, 'ticket-desk.png'), fullPage: true });
    await rosa.context.close();
    await juan.context.close();
  });

  it('the queue searches by reference, sector or words, shows what the resident wrote and folds the filters on a phone', async () => {
    const { current } = await seedLeak();
    const other = aTicket({ id: newId(), reference: randomReference(), localityId: server.locality.id, residentId: current.residentId, category: 'outage', sector: 'San Juan', details: { description: 'no hay agua en todo el barrio' }, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
    await server.repo.commit({ ticketsCreated: [other] });
    const { context, page } = await signedIn('rosa');
    const queue = await page.goto(`${server.baseUrl}/tickets`);
    expect(Buffer.byteLength((await queue!.text()) ?? '')).toBeLessThan(100_000);
    expect(await page.locator('#f-status').isVisible()).toBe(false);
    expect(await page.locator('#f-q').isVisible()).toBe(true);
    expect(await page.locator(`tr[data-ticket="${other.reference}"] .snippet`).textContent()).toBe('no hay agua en todo el barrio');
    await page.screenshot({ path: join(ARTEFACTS, 'queue-phone.png'), fullPage: true });

    for (const query of [other.reference.slice(0, 5), 'san juan', 'agua barrio']) {
      await page.fill('#f-q', query);
      await Promise.all([page.waitForURL(/q=/), page.click('button:text("Buscar")')]);
      const shown = await page.locator('tr[data-ticket]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
      expect({ query, shown }).toEqual({ query, shown: [other.reference] });
    }
    await context.close();
  });

  it('lists a dead-lettered message and puts it back in the queue', async () => {
    const message = anInboundMessage({ id: newId(), providerSid: `SM${newId().replace(/-/g, '')}`, fromPhone: '+51987650888', toPhone: server.locality.phoneNumbers[0] ?? '+51900000000', body: 'mensaje que fallo', receivedAt: new Date().toISOString() });
    await server.repo.insertInboundMessage(message);
    await server.repo.commit({ inboundFailed: { id: message.id, at: new Date().toISOString(), residentId: null, localityId: server.locality.id } });
    const { context, page } = await signedIn('rosa');
    await page.click('a:text("Sin procesar")');
    const section = page.locator(`section[data-message="${message.id}"]`);
    expect(await section.textContent()).toContain('mensaje que fallo');
    expect(await section.textContent()).not.toContain('+51987650888');
    await section.locator('button:text("Reintentar")').click();
    await expect(page.textContent('.flash.ok')).resolves.toContain('volvió a la cola');
    expect((await server.repo.getInboundMessage(message.id))?.failedAt).toBeUndefined();
    await context.close();
  });

  it("an admin changes an operator's language and disables an account; the disabled operator's session ends", async () => {
    await server.addOperator('pedro', 'Pedro Huanca');
    const pedro = await signedIn('pedro');
    const { context, page } = await signedIn('jefa', DESK);
    expect(await page.textContent('header')).toContain('(Administrador)');
    await page.click('a:text("Usuarios")');
    const rosa = page.locator('section[data-user="rosa"]');
    await rosa.locator('summary').click();
    await rosa.locator('select[name=language]').selectOption('en');
    await rosa.locator('button:text("Guardar")').click();
    await expect(page.textContent('.flash.ok')).resolves.toContain('Cambios guardados');
    expect(await server.repo.findUserByUsername('rosa')).toMatchObject({ language: 'en', onDuty: true });

    await page.locator('section[data-user="pedro"] button:text("Desactivar cuenta")').click();
    await expect(page.textContent('.flash.ok')).resolves.toContain('Cuenta desactivada');
    await pedro.page.goto(`${server.baseUrl}/tickets`);
    expect(new URL(pedro.page.url()).pathname).toBe('/login');
    await pedro.context.close();
    await context.close();
  });

  it('the login page has the console header and a styled form', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    expect(await page.textContent('header')).toBe('AguaVoz');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header')).backgroundColor")).toBe('rgb(11, 92, 122)');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('button')).backgroundColor")).toBe('rgb(11, 92, 122)');
    await page.screenshot({ path: join(ARTEFACTS, 'login-phone.png') });
    await context.close();
  });
});
