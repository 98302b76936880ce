import { createConversationHarness, type ConversationHarness } from '../support/inbound-app';

describe('opted-out residents', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'opt-out' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('after BAJA nothing is answered and no ticket opens, until ALTA', async () => {
    const from = '+51977000001';
    await h.say(from, 'hola');

    expect(await h.say(from, 'BAJA')).toEqual([h.text('system.opted_out_confirmation')]);
    const optedOut = await h.repo.findResidentByPhone(from);
    expect(optedOut?.optedOut).toBe(true);
    // The sender lets only this kind through to an opted-out resident: the confirmation still goes.
    const [confirmation] = await h.repo.listOutboxByResident(optedOut!.id, { limit: 1 });
    expect(confirmation).toMatchObject({ kind: 'opt_out_confirmation', body: h.text('system.opted_out_confirmation') });

    expect(await h.say(from, 'no hay agua desde ayer en toda la calle')).toEqual([]);
    expect(await h.say(from, '1')).toEqual([]);
    const resident = await h.repo.findResidentByPhone(from);
    expect((await h.repo.listTickets({ residentId: resident!.id })).items).toEqual([]);
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);

    expect(await h.say(from, 'ALTA')).toEqual([h.text('system.opted_in_confirmation')]);
    expect((await h.repo.findResidentByPhone(from))?.optedOut).toBe(false);
    expect(await h.say(from, '1')).toEqual([expect.stringContaining('Villa Rica')]);
  });
});

describe('a conversation left idle', () => {
  let h: ConversationHarness;
  let now = new Date('2030-03-02T15:00:00.000Z');

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'session-expiry', clock: () => now });
  });
  afterAll(async () => {
    await h.close();
  });

  it('tells the resident who comes back after the timeout that it expired, and starts again', async () => {
    const from = '+51977000002';
    await h.say(from, 'hola');
    now = new Date(now.getTime() + 60_000);
    expect(await h.say(from, '1')).toEqual([h.text('outage.ask_scope')]);

    now = new Date(now.getTime() + 31 * 60_000);
    const replies = await h.say(from, '1');

    expect(replies[0]).toBe(h.text('session.expired'));
    expect(replies.slice(1)).toEqual([expect.stringContaining('Villa Rica')]);
  });

  it('continues where it was when the resident answers within the timeout', async () => {
    const from = '+51977000003';
    await h.say(from, 'hola');
    now = new Date(now.getTime() + 29 * 60_000);

    expect(await h.say(from, '1')).toEqual([h.text('outage.ask_scope')]);
  });
});
