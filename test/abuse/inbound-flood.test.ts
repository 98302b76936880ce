/**
 * Issue 7.3, inbound side: one number sending a burst gets ONE polite "too many messages" reply,
 * not one answer per message; nothing it sent is lost (every message stored, processed and in
 * the transcript) and at most one operator ticket carries the burst.
 */
import { createRateWindow } from '../../src/abuse/rate-window';
import { createInboundFloodGuard } from '../../src/conversation/inbound-flood-guard';
import { createConversationHarness, postWebhook, twilioForm, TOWN_NUMBER, type ConversationHarness } from '../support/inbound-app';

const LIMIT = 6;

describe('inbound flood from one number', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    let harness: ConversationHarness | null = null;
    h = await createConversationHarness({
      label: 'inbound-flood',
      processor: {
        inboundFlood: {
          check: (residentId, message) =>
            createInboundFloodGuard({
              window: createRateWindow({ redis: harness!.redis, prefix: harness!.prefix, name: 'inbound', limit: LIMIT, windowSeconds: 600 }),
            }).check(residentId, message),
        },
      },
    });
    harness = h;
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers a burst of 30 with the flow for the first messages and one "too many" reply, keeping all 30', async () => {
    const from = '+51966200001';
    for (let i = 1; i <= 30; i += 1) {
      await postWebhook(h.app, twilioForm({ From: from, To: TOWN_NUMBER, Body: `mensaje ${i} hay fuga` })).expect(200);
    }
    await h.drainInbound();

    const replies = (await h.repliesTo(from)).map((row) => row.body);
    expect(replies.filter((body) => body === h.text('abuse.flood_too_many'))).toHaveLength(1);
    // The flow answered only the messages within the limit, and the "too many" reply is the last
    // word: one reply per message, plus the privacy notice on first contact and one "Entendido"
    // for each report the free text started (issue 8) — at most two reports within 6 messages.
    expect(replies.at(-1)).toBe(h.text('abuse.flood_too_many'));
    expect(replies.length - 1).toBeLessThanOrEqual(LIMIT + 3);

    const resident = await h.repo.findResidentByPhone(from);
    const inbound = await h.repo.listInboundByResident(resident!.id, { limit: 100 });
    expect(inbound).toHaveLength(30);
    expect(inbound.every((message) => message.processedAt !== null && message.localityId === h.locality.id)).toBe(true);
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);

    const tickets = (await h.repo.listTickets({ residentId: resident!.id })).items;
    expect(tickets.length).toBeLessThanOrEqual(1);
    expect(tickets.filter((ticket) => ticket.needsOperator)).toHaveLength(tickets.length);
  });

  it('does not open a second ticket for a resident who already has an open one', async () => {
    const from = '+51966200002';
    for (const text of ['hola', '1', '2', '1', '0', '4']) await h.say(from, text);
    const resident = await h.repo.findResidentByPhone(from);
    const before = (await h.repo.listTickets({ residentId: resident!.id })).items;
    expect(before).toHaveLength(1);

    for (let i = 1; i <= 10; i += 1) await postWebhook(h.app, twilioForm({ From: from, Body: `otra vez ${i}` })).expect(200);
    await h.drainInbound();

    expect((await h.repo.listTickets({ residentId: resident!.id })).items.map((t) => t.id)).toEqual(before.map((t) => t.id));
    expect((await h.repliesTo(from)).filter((row) => row.body === h.text('abuse.flood_too_many'))).toHaveLength(1);
  });
});
