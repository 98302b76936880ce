/**
 * Issue 7.2: `ESTADO <reference>` from someone who is not the ticket's reporter gets the status
 * word at most, never the operator's note; and look-ups are limited per sender.
 */
import type { Ticket } from '../../src/domain/ticket';
import { createRateWindow } from '../../src/abuse/rate-window';
import { makeReference } from '../../src/domain/reference';
import { newId } from '../../src/shared/ids';
import { createConversationHarness, type ConversationHarness } from '../support/inbound-app';

describe("ESTADO of another resident's reference", () => {
  let h: ConversationHarness;
  let ticket: Ticket;
  const owner = '+51966100001';
  const stranger = '+51966100002';
  const note = 'Pasamos mañana 8am a su casa en Jr. Lima 123';

  beforeAll(async () => {
    h = await createConversationHarness({
      label: 'status-privacy',
      processor: {
        statusLookups: {
          allow: async (residentId, messageId) =>
            (await createRateWindow({ redis: lazyRedis(), prefix: lazyPrefix(), name: 'status-lookups', limit: 3, windowSeconds: 3600 }).hit(residentId, messageId)).allowed,
        },
      },
    });
    for (const text of ['hola', '1', '2', '1', '0', '4']) await h.say(owner, text);
    const resident = await h.repo.findResidentByPhone(owner);
    ticket = (await h.repo.listTickets({ residentId: resident!.id })).items[0]!;
    const at = new Date().toISOString();
    await h.repo.commit({
      ticketUpdates: [{ id: ticket.id, patch: { status: 'in_progress', updatedAt: at } }],
      timeline: [{ id: newId(), ticketId: ticket.id, at, type: 'replied', actor: 'op-1', text: note, isPublic: true, data: {} }],
    });
  });
  afterAll(async () => {
    await h.close();
  });

  // The harness owns the Redis connection and prefix; the limiter is built on them lazily.
  function lazyRedis() {
    return h.redis;
  }
  function lazyPrefix() {
    return h.prefix;
  }

  it("gives a stranger the status word only, never the operator's note", async () => {
    // A first contact: the privacy notice comes first, then the answer.
    const replies = await h.say(stranger, `ESTADO ${ticket.reference}`);

    expect(replies.slice(-1)).toEqual([h.text('status.reply', { reference: ticket.reference, status: 'in_progress' })]);
    expect(replies.join(' ')).not.toContain('Lima 123');
    const rows = await h.repliesTo(stranger);
    expect(rows[rows.length - 1]).toMatchObject({ kind: 'status_reply', ticketId: null });
  });

  it('still gives the reporter the note', async () => {
    expect(await h.say(owner, `ESTADO ${ticket.reference}`)).toEqual([
      h.text('status.reply_with_note', { reference: ticket.reference, status: 'in_progress', note }),
    ]);
  });

  it('answers "too many look-ups" past the per-sender limit, whatever the reference', async () => {
    const guesser = '+51966100003';
    const guesses = ['100001', '100002', '100003'].map(makeReference).filter((guess) => guess !== ticket.reference);
    const answers: string[] = [];
    for (const guess of [...guesses, ticket.reference]) answers.push(...(await h.say(guesser, `ESTADO ${guess}`)).slice(-1));

    expect(answers.slice(0, 3)).toEqual(guesses.map((reference) => h.text('status.not_found', { reference })));
    expect(answers[3]).toBe(h.text('abuse.status_too_many'));
    // Another sender still has their own allowance.
    expect(await h.say(owner, `ESTADO ${ticket.reference}`)).toHaveLength(1);
  });
});
