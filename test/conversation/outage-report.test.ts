import type { Ticket } from '../../src/domain/ticket';
import { createConversationHarness, TOWN_NUMBER, type ConversationHarness } from '../support/inbound-app';

const DEADLINES = { firstResponseDueAt: '2030-01-01T02:00:00.000Z', resolutionDueAt: '2030-01-02T00:00:00.000Z' };

describe('a resident reports an outage by SMS, from the first message to the reference', () => {
  let h: ConversationHarness;
  const opened: Ticket[][] = [];

  beforeAll(async () => {
    h = await createConversationHarness({
      label: 'outage-report',
      processor: {
        computeDeadlines: () => DEADLINES,
        onTicketsOpened: (tickets) => {
          opened.push(tickets);
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const from = '+51955000001';

  /** The report of the first test, up to the gender question (each test uses its own phone). */
  async function reportUpToGender(phone: string): Promise<void> {
    for (const text of ['hola', '1', 'toda la calle', 'desde ayer', '2']) await h.say(phone, text);
  }

  it('walks menu → scope → since → sector → reference → gender, storing one ticket, its outbox rows and send jobs', async () => {
    const openedBefore = opened.length;
    expect(await h.say(from, 'hola')).toEqual([h.text('privacy.notice'), expect.stringContaining('Villa Rica')]);
    expect(await h.say(from, '1')).toEqual([h.text('outage.ask_scope')]);
    expect(await h.say(from, 'toda la calle')).toEqual([h.text('outage.ask_since')]);
    expect(await h.say(from, 'desde ayer')).toEqual([expect.stringContaining('San Juan')]);
    const confirmation = await h.say(from, '2');

    const resident = await h.repo.findResidentByPhone(from);
    const { items: tickets } = await h.repo.listTickets({ residentId: resident!.id });
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    expect(ticket.reference).toMatch(/^\d{9}$/);
    expect(confirmation).toEqual([h.text('outage.confirmed', { reference: ticket.reference }), h.text('gender.ask')]);
    expect(ticket).toMatchObject({
      localityId: h.locality.id,
      category: 'outage',
      details: expect.objectContaining({ scope: 'street', since: 'yesterday' }),
      sector: 'San Juan',
      channel: 'sms',
      reporterLanguage: 'es',
      status: 'open',
      needsOperator: false,
      ...DEADLINES,
    });
    expect((await h.repo.listTimeline(ticket.id)).map((entry) => entry.type)).toEqual(['opened']);
    expect(opened.slice(openedBefore)).toEqual([[expect.objectContaining({ id: ticket.id, reference: ticket.reference })]]);

    const rows = await h.repliesTo(from);
    const confirmationRow = rows.find((row) => row.body === confirmation[0]);
    expect(confirmationRow).toMatchObject({ ticketId: ticket.id, status: 'queued', channel: 'sms', toPhone: from, fromPhone: TOWN_NUMBER, kind: 'flow_reply' });
    for (const row of rows) expect((await h.queues.send.getJob(row.id))?.data).toEqual({ outboxId: row.id });
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
  });

  it('records the gender answered right after the report on the resident and on that report', async () => {
    const from = '+51955000011';
    await reportUpToGender(from);
    expect(await h.say(from, '1')).toEqual([expect.stringContaining('GENERO')]);

    const resident = await h.repo.findResidentByPhone(from);
    expect(resident).toMatchObject({ gender: 'woman', genderAskedAt: expect.any(String), privacyNoticeSentAt: expect.any(String) });
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items.map((t) => t.reporterGender)).toEqual(['woman']);
    expect(await h.sessions.get(resident!.id)).toBeNull();
  });

  it('a second report by the same resident copies the gender at creation and is not asked again', async () => {
    const from = '+51955000021';
    await reportUpToGender(from);
    await h.say(from, '1');
    await h.say(from, 'hay una fuga en la calle');
    const resident = await h.repo.findResidentByPhone(from);
    const replies: string[] = [];
    for (const text of ['Jr. Lima cuadra 3', '1', '1', '1', '1']) {
      replies.push(...(await h.say(from, text)));
      if ((await h.repo.listTickets({ residentId: resident!.id })).items.length === 2) break;
    }

    const { items } = await h.repo.listTickets({ residentId: resident!.id, sort: 'created' });
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ category: 'leak', reporterGender: 'woman' });
    expect(replies).not.toContain(h.text('gender.ask'));
  });
});

describe('a resident switches language in the middle of a report', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'language-switch' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('gets the interrupted question again in English, and the ticket records English', async () => {
    const from = '+51955000003';
    await h.say(from, 'hola');
    await h.say(from, '1');

    const switched = await h.say(from, 'LANGUAGE EN');

    expect(switched).toEqual([h.text('language.changed', { resuming: 'yes' }, { language: 'en' }), h.text('outage.ask_scope', {}, { language: 'en' })]);
    for (const text of ['1', '1', '0']) await h.say(from, text);
    const resident = await h.repo.findResidentByPhone(from);
    expect(resident?.language).toBe('en');
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toEqual([expect.objectContaining({ reporterLanguage: 'en' })]);
  });
});

describe('a resident writes by WhatsApp', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'whatsapp-report' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('gets replies with accents kept, and the WhatsApp window is recorded', async () => {
    const from = '+51955000002';

    const replies = await h.say(from, 'no hay agua desde ayer', { whatsapp: true });

    expect(replies[0]).toBe(h.text('privacy.notice', {}, { channel: 'whatsapp' }));
    expect(replies[0]).toMatch(/número/);
    const resident = await h.repo.findResidentByPhone(from);
    expect(resident?.lastWhatsappInboundAt).toEqual(resident?.lastInboundAt);
    const rows = await h.repliesTo(from);
    expect(rows.every((row) => row.channel === 'whatsapp')).toBe(true);
  });
});
