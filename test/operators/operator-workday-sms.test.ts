/**
 * What field work needs from the operator SMS commands (issue 10): VER gives the address and the
 * urgency, LISTA puts urgent tickets first, every answer is in the staff member's own language,
 * a disabled account can no longer act, and an action on a ticket changed a moment ago is
 * refused with its current status. Signed webhook, real SQLite, Redis, flows and locales.
 */
import { adaptForChannel } from '../../src/i18n/channel-text';
import { measureSms } from '../../src/i18n/sms-segments';
import { TicketChangedError } from '../../src/tickets/ticket-errors';
import { createOperatorCommandHandler } from '../../src/operators/operator-commands';
import { createOperatorHarness, type OperatorHarness } from '../support/operator-app';
import { testLogger } from '../support/inbound-app';

describe('operator SMS for field work', () => {
  let h: OperatorHarness;
  const sms = (key: string, language: 'es' | 'en' | 'qu', params: Record<string, string | number> = {}) =>
    adaptForChannel(h.translator.render(key, language, params), 'sms');

  beforeAll(async () => {
    h = await createOperatorHarness({ label: 'operator-workday' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('VER shows the urgency and the address the resident typed, in one segment', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket({
      overrides: {
        category: 'leak',
        priority: 'urgent',
        sector: 'Centro',
        details: { description: 'Sale mucha agua, ya inunda la pista', where: 'Jr. Lima cuadra 3, frente al mercado' },
      },
    });

    const [shown] = await h.sayFrom(operator.phone!, `VER ${ticket.reference}`);

    expect(shown).toMatch(new RegExp(`^${ticket.reference} abierto: Fuga, URGENTE, Centro, hace \\d+ min\\. Dir: Jr\\. Lima cuadra 3, frente al mercado\\. Sale mucha agua`));
    expect(measureSms(shown!).segments).toBe(1);
  });

  it('VER falls back to the WhatsApp pin when the resident typed no address', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket({ overrides: { location: { lat: -11.35, lng: -74.53, label: 'Plaza de Armas' }, details: {} } });
    const [shown] = await h.sayFrom(operator.phone!, `VER ${ticket.reference}`);
    expect(shown).toContain('Dir: Plaza de Armas.');
  });

  it('LISTA puts urgent tickets first, marked, even when they are the oldest', async () => {
    const other = await h.repo.createLocality({ ...h.locality, id: `${h.locality.id}-lista`, slug: `${h.locality.slug}-lista`, phoneNumbers: [] });
    const supervisor = await h.addUser({ role: 'supervisor', localityIds: [other.id] });
    const base = Date.now() - 10 * 3600_000;
    const seed = (hoursAgo: number, priority: 'normal' | 'urgent' | 'high') => {
      const at = new Date(base - hoursAgo * 3600_000).toISOString();
      return h.seedTicket({ overrides: { localityId: other.id, createdAt: at, updatedAt: at, priority, firstResponseDueAt: null, resolutionDueAt: null } });
    };
    const urgent = await seed(9, 'urgent');
    const high = await seed(8, 'high');
    const normals = [await seed(1, 'normal'), await seed(2, 'normal'), await seed(3, 'normal')];

    const [first] = await h.sayFrom(supervisor.phone!, 'LISTA');
    const lines = first!.split('\n');

    expect(lines[0]).toBe(sms('operator.list_header', 'es', { total: 5, page: 1, pages: 2 }));
    expect(lines[1]).toMatch(new RegExp(`^${urgent.reference} URG `));
    expect(lines[2]).toMatch(new RegExp(`^${high.reference} `));
    expect(lines.at(-1)).toBe(sms('workday.list_more', 'es', { order: 'urgent', next: 2 }));
    const [second] = await h.sayFrom(supervisor.phone!, 'LISTA 2');
    const shownAcrossPages = [first, second].join('\n');
    for (const ticket of normals) expect(shownAcrossPages).toContain(ticket.reference);
    const [newest] = await h.sayFrom(supervisor.phone!, 'LISTA NUEVOS');
    expect(newest!.split('\n')[1]).toMatch(new RegExp(`^${normals[0]!.reference} `));
  });

  it('answers a staff member in the language they chose, whatever the command words', async () => {
    const english = await h.addUser({ role: 'operator', language: 'en' });
    const quechua = await h.addUser({ role: 'operator', language: 'qu' });
    const ticket = await h.seedTicket();

    expect(await h.sayFrom(english.phone!, 'AYUDA')).toEqual([sms('operator.help', 'en')]);
    expect(await h.sayFrom(english.phone!, `OK ${ticket.reference}`)).toEqual([sms('operator.acknowledged', 'en', { reference: ticket.reference })]);
    expect(await h.sayFrom(quechua.phone!, 'AYUDA')).toEqual([sms('operator.help', 'qu')]);
    expect(sms('operator.help', 'qu')).not.toBe(sms('operator.help', 'es'));
  });

  it('refuses every command from a disabled account with one clear SMS and changes nothing', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket();
    await h.repo.updateUser(operator.id, { disabledAt: new Date().toISOString() });

    expect(await h.sayFrom(operator.phone!, `OK ${ticket.reference}`)).toEqual([sms('workday.account_disabled', 'es')]);
    expect(await h.repo.getTicket(ticket.id)).toEqual(ticket);
    expect(await h.repo.findResidentByPhone(operator.phone!)).toBeNull();
  });

  it('an action on a ticket that changed between reading and writing is refused with its status now, and nothing is stored', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const colleague = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket();
    // The colleague's acknowledgement lands while this operator's RESUELTO is being applied.
    const racing = {
      ...h.ticketService,
      perform: async (...args: Parameters<typeof h.ticketService.perform>) => {
        const [user, reference, action] = args;
        if (user.id === operator.id) {
          await h.ticketService.perform({ ...colleague, localityIds: colleague.localityIds }, reference, { type: 'acknowledge' });
          return h.ticketService.perform(user, reference, action, { expectedVersion: ticket.updatedAt });
        }
        return h.ticketService.perform(...args);
      },
    };
    const commands = createOperatorCommandHandler({ repo: h.repo, ticketService: racing, translator: h.translator, now: () => new Date().toISOString(), newId: () => crypto.randomUUID(), logger: testLogger });

    const result = await commands.handle({ user: { ...operator, localityIds: operator.localityIds }, text: `RESUELTO ${ticket.reference} listo`, channel: 'sms', locality: h.locality });

    expect(result.replies).toEqual([h.translator.render('workday.changed_sms', 'es', { reference: ticket.reference, status: 'acknowledged' })]);
    const stored = await h.repo.getTicket(ticket.id);
    expect(stored).toMatchObject({ status: 'acknowledged', resolutionNote: null });
    expect((await h.repo.listTimeline(ticket.id)).map((e) => e.type)).toEqual(['acknowledged']);
    await expect(h.ticketService.perform(operator, ticket.id, { type: 'resolve', note: 'x' }, { expectedVersion: ticket.updatedAt })).rejects.toBeInstanceOf(
      TicketChangedError,
    );
  });
});
