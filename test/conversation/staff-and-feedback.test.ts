import type { Locality } from '../../src/domain/locality';
import type { InboundMessage } from '../../src/domain/message';
import type { Ticket } from '../../src/domain/ticket';
import { createResolutionFeedback } from '../../src/feedback/resolution-feedback';
import { newId } from '../../src/shared/ids';
import { createConversationHarness, testLogger, type ConversationHarness } from '../support/inbound-app';

const STAFF_PHONE = '+51900000007';

describe('hooks for operators (issue 3) in the conversation processor', () => {
  let h: ConversationHarness;
  const staffCalls: Array<{ messageId: string; localityId: string | null }> = [];
  const reopened: Ticket[] = [];

  beforeAll(async () => {
    h = await createConversationHarness({
      label: 'staff-and-feedback',
      processor: {
        operatorInbound: {
          handle: async (message: InboundMessage, locality: Locality | null) => {
            if (message.fromPhone !== STAFF_PHONE) return null;
            staffCalls.push({ messageId: message.id, localityId: locality?.id ?? null });
            await h.repo.commit({ inboundProcessed: { id: message.id, at: new Date().toISOString(), residentId: null, localityId: locality?.id ?? null } });
            return { outboxIds: [] };
          },
        },
        onTicketReopened: (ticket) => {
          reopened.push(ticket);
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("a staff member's message goes to the operator hook, never into a resident conversation", async () => {
    const replies = await h.say(STAFF_PHONE, 'LISTA');

    expect(replies).toEqual([]);
    expect(staffCalls).toEqual([{ messageId: expect.any(String), localityId: h.locality.id }]);
    expect(await h.repo.findResidentByPhone(STAFF_PHONE)).toBeNull();
  });

  it('a resident who answers "No" to "was it solved?" reopens the ticket, and the SLA hook hears of it', async () => {
    const from = '+51900000008';
    for (const text of ['no hay agua', '2', '1', '0', '4']) await h.say(from, text);
    const resident = await h.repo.findResidentByPhone(from);
    const [opened] = (await h.repo.listTickets({ residentId: resident!.id })).items;
    const resolvedAt = new Date().toISOString();
    await h.repo.commit({ ticketUpdates: [{ id: opened!.id, patch: { status: 'resolved', resolvedAt, resolutionNote: 'Se reparo la valvula', updatedAt: resolvedAt } }] });
    const feedback = createResolutionFeedback({
      repo: h.repo,
      sessions: h.sessions,
      flows: h.processorDeps.flows,
      translator: h.translator,
      dispatcher: h.processorDeps.dispatcher,
      now: () => new Date().toISOString(),
      newId,
      sessionTimeoutMinutes: 30,
      logger: testLogger,
    });
    expect((await feedback.onTicketResolved((await h.repo.getTicket(opened!.id))!)).outcome).toBe('asked');

    await h.say(from, 'no');

    const after = await h.repo.getTicket(opened!.id);
    expect(after).toMatchObject({ status: 'open', reopenCount: 1, residentConfirmedSolved: false, residentRating: null });
    expect(reopened.map((t) => t.id)).toEqual([opened!.id]);
    expect((await h.repo.listTimeline(opened!.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['resident_feedback', 'reopened']));
  });
});
