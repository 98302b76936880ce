/**
 * Operator SMS commands: a signed Twilio webhook, intake, the conversation processor and its
 * operator hook (`createOperatorInbound`), the ticket service, the outbox and the send queue —
 * real SQLite, Redis, flows and locales. The same path through the real composition root, with
 * the workers sending to the fake Twilio API, is in test/service/service-wiring.test.ts.
 */
import { adaptForChannel } from '../../src/i18n/channel-text';
import { measureSms } from '../../src/i18n/sms-segments';
import { createOperatorHarness, type OperatorHarness } from '../support/operator-app';

describe('an operator works tickets by SMS through the webhook', () => {
  let h: OperatorHarness;
  const resident = '+51955100001';
  const es = (key: string, params: Record<string, string | number> = {}) => adaptForChannel(h.translator.render(key, 'es', params), 'sms');

  beforeAll(async () => {
    h = await createOperatorHarness({ label: 'operator-sms' });
  });
  afterAll(async () => {
    await h.close();
  });

  async function reportOutage(from: string): Promise<string> {
    await h.say(from, 'hola');
    await h.say(from, '1');
    await h.say(from, 'toda la calle');
    await h.say(from, 'desde ayer');
    await h.say(from, '2');
    await h.say(from, '4');
    const who = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: who!.id });
    return items[0]!.reference;
  }

  it('recognises a registered operator: AYUDA gets the command list, and no resident is created for that phone', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const replies = await h.sayFrom(operator.phone!, 'ayuda');
    expect(replies).toEqual([es('operator.help')]);
    expect(await h.repo.findResidentByPhone(operator.phone!)).toBeNull();
  });

  it('lists, shows, acknowledges, replies to and resolves a resident’s ticket, and the resident hears each step', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const reference = await reportOutage(resident);

    const [list] = await h.sayFrom(operator.phone!, 'LISTA');
    expect(list).toContain(`${reference} corte San Juan`);

    const [shown] = await h.sayFrom(operator.phone!, `ver ${reference}`);
    expect(shown).toMatch(new RegExp(`^${reference} abierto: Corte de agua, San Juan, hace \\d+ min\\.`));

    expect(await h.sayFrom(operator.phone!, `OK ${reference}`)).toEqual([es('operator.acknowledged', { reference })]);
    expect(await h.repliesTo(resident).then((rows) => rows.at(-1)?.body)).toBe(es('notify.acknowledged', { reference }));

    expect(await h.sayFrom(operator.phone!, `RESP ${reference} Mañana a las 9 pasa el gasfitero`)).toEqual([
      es('operator.replied', { reference }),
    ]);
    expect(await h.repliesTo(resident).then((rows) => rows.at(-1)?.body)).toBe(
      es('notify.operator_reply', { reference, text: 'Mañana a las 9 pasa el gasfitero' }),
    );

    expect(await h.sayFrom(operator.phone!, `RESUELTO ${reference} Se cambió la válvula`)).toEqual([es('operator.resolved', { reference })]);
    const ticket = await h.repo.findTicketByReference(reference);
    expect(ticket).toMatchObject({ status: 'resolved', resolutionNote: 'Se cambió la válvula', acknowledgedAt: expect.any(String) });
    // One SMS announces the resolution and asks whether it was solved (issue 8 §7).
    const lastTwo = (await h.repliesTo(resident)).slice(-2).map((row) => row.body);
    expect(lastTwo).toEqual([
      es('notify.operator_reply', { reference, text: 'Mañana a las 9 pasa el gasfitero' }),
      es('feedback.resolved_ask_solved', { reference, resolution_note: 'Se cambió la válvula' }),
    ]);

    const timeline = (await h.repo.listTimeline(ticket!.id)).map((entry) => [entry.type, entry.actor]);
    expect(timeline).toEqual(
      expect.arrayContaining([
        ['acknowledged', operator.id],
        ['replied', operator.id],
        ['resolved', operator.id],
      ]),
    );
  });

  it('answers a forbidden transition, an unknown command and a mistyped code with one clear SMS and changes nothing', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket({ overrides: { status: 'closed', closedAt: new Date().toISOString() } });

    expect(await h.sayFrom(operator.phone!, `RESUELTO ${ticket.reference} listo`)).toEqual([
      es('operator.not_allowed', { reference: ticket.reference, action: 'resolve', status: 'closed' }),
    ]);
    expect(await h.repo.getTicket(ticket.id)).toEqual(ticket);
    expect(await h.sayFrom(operator.phone!, 'no hay agua en mi casa')).toEqual([es('operator.unknown')]);
    // One wrong digit of the nine: the Damm check digit catches every single-digit typo. (Cutting
    // the code to seven digits instead would be a valid first-format code one time in ten.)
    const typo = `${ticket.reference.slice(0, 6)}${(Number(ticket.reference[6]) + 1) % 10}${ticket.reference.slice(7)}`;
    expect(typo).toHaveLength(9);
    expect(await h.sayFrom(operator.phone!, `OK ${typo}`)).toEqual([es('operator.bad_reference', { reference: typo })]);
    expect(await h.sayFrom(operator.phone!, 'RESP')).toEqual([es('operator.usage.reply')]);
  });

  it('tells the operator when the reply was stored but the resident receives no messages (opted out)', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket();
    await h.repo.updateResident(ticket.residentId, { optedOut: true });
    expect(await h.sayFrom(operator.phone!, `RESP ${ticket.reference} Vamos mañana`)).toEqual([
      es('operator.replied_not_sent', { reference: ticket.reference }),
    ]);
    expect(await h.repo.listOutboxByResident(ticket.residentId, { limit: 5 })).toEqual([]);
  });

  it('does not show or change another locality’s ticket: the answer is the same as for an unknown code', async () => {
    const other = await h.repo.createLocality({ ...h.locality, id: `${h.locality.id}-other`, slug: `${h.locality.slug}-b`, phoneNumbers: [] });
    const outsider = await h.addUser({ role: 'operator', localityIds: [other.id] });
    const ticket = await h.seedTicket();

    expect(await h.sayFrom(outsider.phone!, `VER ${ticket.reference}`)).toEqual([es('operator.not_found', { reference: ticket.reference })]);
    expect(await h.sayFrom(outsider.phone!, `OK ${ticket.reference}`)).toEqual([es('operator.not_found', { reference: ticket.reference })]);
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('open');
    expect(await h.sayFrom(outsider.phone!, 'LISTA')).toEqual([es('operator.list_empty')]);
  });

  it('gives a resident number (or a committee member, who has no user account) the resident conversation, never commands', async () => {
    const ticket = await h.seedTicket();
    const committeeMember = '+51955100077';
    const residentReplies = await h.sayFrom(committeeMember, `OK ${ticket.reference}`);
    expect(residentReplies).not.toContain(es('operator.acknowledged', { reference: ticket.reference }));
    expect(residentReplies[0]).toBe(es('privacy.notice'));
    expect(await h.repo.findResidentByPhone(committeeMember)).not.toBeNull();
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('open');
    expect(await h.sayFrom(committeeMember, 'AYUDA')).toEqual([es('help.text')]);
  });

  it('pages LISTA a few tickets per SMS, newest or oldest first, each page in one segment', async () => {
    const supervisor = await h.addUser({ role: 'supervisor' });
    const before = (await h.repo.countTicketsByStatus({ localityIds: [h.locality.id] }))
      .filter((row) => ['open', 'acknowledged', 'in_progress'].includes(row.status))
      .reduce((sum, row) => sum + row.count, 0);
    const base = Date.now() - 10 * 3600_000;
    const seeded = [];
    for (let i = 0; i < 4; i += 1) {
      const at = new Date(base - i * 3600_000).toISOString();
      seeded.push(await h.seedTicket({ overrides: { createdAt: at, updatedAt: at, sector: 'Urbanización Los Jardines del Alto', category: 'leak' } }));
    }
    const total = before + seeded.length;
    const pages = Math.ceil(total / 3);

    const [oldestFirst] = await h.sayFrom(supervisor.phone!, 'LISTA VIEJOS');
    expect(oldestFirst!.split('\n')[0]).toBe(es('operator.list_header', { total, page: 1, pages }));
    expect(oldestFirst!.split('\n')[1]).toMatch(new RegExp(`^${seeded[3]!.reference} fuga `));
    expect(oldestFirst!.split('\n').at(-1)).toBe(es('operator.list_more', { order: 'oldest', next: 2 }));

    const [page2] = await h.sayFrom(supervisor.phone!, 'LISTA VIEJOS 2');
    expect(page2).toContain(seeded[0]!.reference);
    const [pastEnd] = await h.sayFrom(supervisor.phone!, `LISTA ${pages + 1}`);
    expect(pastEnd).toBe(es('operator.list_past_end', { pages }));

    for (const text of [oldestFirst!, page2!, pastEnd!]) expect(measureSms(text).segments).toBe(1);
  });

  it('answers in English when the operator writes the English command words', async () => {
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.seedTicket({ overrides: { details: { description: 'Leak in front of the market, lots of water' } } });
    const [shown] = await h.sayFrom(operator.phone!, `SHOW ${ticket.reference}`);
    expect(shown).toMatch(new RegExp(`^${ticket.reference} open: Water outage, Barrio Alto, \\d+ min ago\\. Leak in front of the market`));
    expect(await h.sayFrom(operator.phone!, `ACK ${ticket.reference}`)).toEqual([
      adaptForChannel(h.translator.render('operator.acknowledged', 'en', { reference: ticket.reference }), 'sms'),
    ]);
  });
});
