/**
 * The question after a resolution and what the answer does. The resident's answer is a stored
 * inbound message run by the real conversation processor (engine on the stored session, the
 * feedback piece merged into the turn's one commit), as the inbound worker runs it. The wiring of
 * the composition root itself is proven in test/service/service-wiring.test.ts.
 */
import { join } from 'node:path';
import { createSessionStore, type SessionStore } from '../../src/conversation/session-store';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import { createConversationProcessor, type ConversationProcessor } from '../../src/conversation/conversation-processor';
import { applyFeedbackAnswer } from '../../src/feedback/feedback-answer';
import { createResolutionFeedback, type ResolutionFeedback, type ResolutionFeedbackDeps } from '../../src/feedback/resolution-feedback';
import { loadFlows } from '../../src/flow-engine/flow-loader';
import type { LoadedFlows } from '../../src/flow-engine/loaded-flows';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { newId } from '../../src/shared/ids';
import { createSlaDeadlines } from '../../src/sla/sla-calendar-cache';
import { toAuthenticatedUser } from '../../src/users/user-service';
import { createTicketService } from '../../src/tickets/ticket-service';
import type { TicketService } from '../../src/tickets/ticket-service-types';
import { createResidentLock } from '../../src/shared/resident-lock';
import { newMessageSid, testLogger } from '../support/inbound-app';
import { createStaffHarness, type StaffHarness } from '../alerts/staff-harness';

describe('the resident is asked whether the problem was solved', () => {
  let h: StaffHarness;
  let sessions: SessionStore;
  let flows: LoadedFlows;
  let feedback: ResolutionFeedback;
  let tickets: TicketService;
  const now = () => new Date().toISOString();
  const makeFeedback = (extra: Partial<ResolutionFeedbackDeps> = {}) =>
    createResolutionFeedback({
      repo: h.repo,
      sessions,
      flows,
      translator: h.translator,
      dispatcher: h.dispatcher,
      now,
      newId,
      sessionTimeoutMinutes: 30,
      logger: testLogger,
      ...extra,
    });

  let processor: ConversationProcessor;

  beforeAll(async () => {
    h = await createStaffHarness({ label: 'feedback' });
    sessions = createSessionStore({ redis: h.redis, prefix: h.prefix });
    flows = loadFlows({ flowsDir: join(__dirname, '../../flows'), translator: h.translator });
    processor = createConversationProcessor({
      repo: h.repo,
      sessions,
      lock: createResidentLock({ redis: h.redis, prefix: h.prefix }),
      flows,
      translator: h.translator,
      dispatcher: h.dispatcher,
      logger: testLogger,
      sessionTimeoutMinutes: 30,
      resolutionAfterReopen: createSlaDeadlines({ repo: h.repo }).resolutionAfterReopen,
    });
    feedback = makeFeedback();
    tickets = createTicketService({
      repo: h.repo,
      translator: h.translator,
      dispatcher: h.dispatcher,
      now,
      newId,
      logger: testLogger,
      resolutionFeedback: feedback,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  async function resolvedTicket(resident: Partial<Resident> = {}, overrides: Partial<Ticket> = {}) {
    const who = await h.addResident(resident);
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.addTicket({
      residentId: who.id,
      channel: resident.lastWhatsappInboundAt ? 'whatsapp' : 'sms',
      resolutionDueAt: new Date(Date.now() + 3_600_000).toISOString(),
      ...overrides,
    });
    const resolved = await tickets.perform(toAuthenticatedUser(operator), ticket.id, { type: 'resolve', note: 'Se cambió la válvula' });
    return { resident: who, operator, ticket: resolved };
  }

  /** The resident texts `text` to the town: stored as intake stores it, then processed. */
  async function answer(resident: Resident, text: string) {
    const { message } = await h.repo.insertInboundMessage({
      id: newId(),
      providerSid: newMessageSid(),
      channel: 'sms',
      fromPhone: resident.phone,
      toPhone: h.locality.phoneNumbers[0]!,
      body: text,
      media: [],
      location: null,
      receivedAt: now(),
      processedAt: null,
      residentId: null,
      localityId: null,
    });
    const turns = await processor.processInboundMessage(message.id);
    expect(turns.map((t) => t.outcome)).toEqual(['processed']);
    return turns[0]!;
  }

  /** Alert rows to staff queued by the answer turn. */
  async function staffAlertsOf(outboxIds: string[]) {
    const rows = await Promise.all(outboxIds.map((id) => h.repo.getOutbox(id)));
    return rows.filter((row) => row !== null && row.userId !== null);
  }

  it('announces the resolution and asks "was it solved? 1 Yes 2 No" in ONE message, in the resident’s language and channel', async () => {
    const { resident, ticket } = await resolvedTicket({ language: 'en', lastWhatsappInboundAt: now() });
    const rows = await h.repo.listOutboxByResident(resident.id, { limit: 10 });

    expect(rows.map((row) => [row.kind, row.body])).toEqual([
      ['feedback_question', "Your report " + ticket.reference + " was resolved. Operator's note: Se cambió la válvula\nWas your problem solved?\n1 Yes\n2 No"],
    ]);
    expect(rows[0]).toMatchObject({ channel: 'whatsapp', toPhone: resident.phone, residentId: resident.id, ticketId: ticket.id });
    expect((await h.queuedOutbox()).map((row) => row.id)).toContain(rows[0]!.id);
    // The timeline's resolution points at the message that told the resident.
    const resolved = (await h.repo.listTimeline(ticket.id)).find((entry) => entry.type === 'resolved');
    expect(resolved?.data).toMatchObject({ residentNotified: true, outboxId: rows[0]!.id, feedbackAsked: true });
    expect(await sessions.get(resident.id)).toMatchObject({
      flowId: 'resolution_feedback',
      stepId: 'announce_and_ask_solved',
      vars: { reference: ticket.reference, resolution_note: 'Se cambió la válvula' },
    });
  });

  it('a resident busy with another report gets the notice alone at once, and the question is scheduled for later', async () => {
    const later: Array<{ ticketId: string; attempt: number }> = [];
    const patient = makeFeedback({ askLater: async (t, attempt) => void later.push({ ticketId: t.id, attempt }) });
    const service = createTicketService({ repo: h.repo, translator: h.translator, dispatcher: h.dispatcher, now, newId, logger: testLogger, resolutionFeedback: patient });
    const busy = await h.addResident();
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.addTicket({ residentId: busy.id, resolutionDueAt: new Date(Date.now() + 3_600_000).toISOString() });
    await sessions.save(busy.id, { flowId: 'outage', stepId: 'since', language: 'es', vars: {}, retries: 0, startedAt: now(), lastActivityAt: now(), expiresAt: new Date(Date.now() + 600_000).toISOString() }, new Date());

    await service.perform(toAuthenticatedUser(operator), ticket.id, { type: 'resolve', note: 'Listo' });

    const rows = await h.repo.listOutboxByResident(busy.id, { limit: 10 });
    expect(rows.map((row) => [row.kind, row.body])).toEqual([['status_change', `Su reclamo ${ticket.reference} fue resuelto. Nota del operador: Listo`]]);
    expect(later).toEqual([{ ticketId: ticket.id, attempt: 2 }]);
    expect((await sessions.get(busy.id))?.flowId).toBe('outage');
  });

  it('a resolution whose commit fails gives the resident back the conversation they had, and sends nothing', async () => {
    const resident = await h.addResident();
    const operator = await h.addUser({ role: 'operator' });
    const ticket = await h.addTicket({ residentId: resident.id, resolutionDueAt: new Date(Date.now() + 3_600_000).toISOString() });
    const gender = { flowId: 'gender', stepId: 'ask', language: 'es' as const, vars: {}, retries: 0, startedAt: now(), lastActivityAt: now(), expiresAt: new Date(Date.now() + 600_000).toISOString() };
    await sessions.save(resident.id, gender, new Date());
    const failing = Object.assign(Object.create(h.repo) as typeof h.repo, {
      commit: async () => {
        throw new Error('disk full');
      },
    });
    const service = createTicketService({ repo: failing, translator: h.translator, dispatcher: h.dispatcher, now, newId, logger: testLogger, resolutionFeedback: feedback });

    await expect(service.perform(toAuthenticatedUser(operator), ticket.id, { type: 'resolve', note: 'Listo' })).rejects.toThrow('disk full');

    expect(await sessions.get(resident.id)).toEqual(gender);
    expect(await h.repo.listOutboxByResident(resident.id, { limit: 5 })).toEqual([]);
    expect((await h.repo.getTicket(ticket.id))?.status).toBe('open');
  });

  it('the later question is not asked again while the resolution’s own question waits, nor after it was answered', async () => {
    const { resident, ticket } = await resolvedTicket();
    expect(await feedback.onTicketResolved(ticket, { attempt: 2 })).toEqual({ outcome: 'skipped', reason: 'already_asked' });
    await answer(resident, '1');
    await sessions.delete(resident.id);
    expect(await feedback.onTicketResolved((await h.repo.getTicket(ticket.id))!, { attempt: 2 })).toEqual({ outcome: 'skipped', reason: 'already_asked' });
    expect(await h.repo.listOutboxByResident(resident.id, { limit: 10 })).toHaveLength(2);
  });

  it('"2" (No) at once reopens the ticket with a new resolution deadline and alerts the assigned operator', async () => {
    const { resident, operator, ticket } = await resolvedTicket();
    await h.repo.commit({ ticketUpdates: [{ id: ticket.id, patch: { assigneeId: operator.id } }] });
    const onDutyColleague = await h.addUser({ role: 'operator' });

    const turn = await answer(resident, '2');

    const stored = await h.repo.getTicket(ticket.id);
    expect(stored).toMatchObject({ status: 'open', reopenCount: 1, resolvedAt: null, residentConfirmedSolved: false, residentRating: null });
    expect(Date.parse(stored!.resolutionDueAt!)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect((await h.repo.listTimeline(ticket.id)).slice(-2).map((e) => [e.type, e.actor])).toEqual([
      ['resident_feedback', 'resident'],
      ['reopened', 'resident'],
    ]);
    const alerts = await staffAlertsOf(turn.outboxIds);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      userId: operator.id,
      toPhone: operator.phone,
      kind: 'alert',
      residentId: null,
      body: adaptForChannel(h.translator.render('alert.reopened', 'es', { reference: ticket.reference, category: 'Corte de agua', sector: 'Barrio Alto' }), 'sms'),
    });
    expect(alerts.some((row) => row!.userId === onDutyColleague.id)).toBe(false);
  });

  it('"No" on an unassigned ticket alerts the on-duty operators of the locality', async () => {
    const { resident, ticket } = await resolvedTicket();
    const onDuty = await h.addUser({ role: 'operator' });
    const offDuty = await h.addUser({ role: 'operator', onDuty: false });
    const turn = await answer(resident, 'no');

    const alerted = (await staffAlertsOf(turn.outboxIds)).map((row) => row!.userId);
    expect(alerted).toContain(onDuty.id);
    expect(alerted).not.toContain(offDuty.id);
    expect(await h.repo.getTicket(ticket.id)).toMatchObject({ status: 'open', residentConfirmedSolved: false });
  });

  it('"1" (Yes) and a rating are recorded; the ticket stays resolved and nobody is alerted', async () => {
    const { resident, ticket } = await resolvedTicket();
    const solved = await answer(resident, '1');
    expect(await staffAlertsOf(solved.outboxIds)).toEqual([]);
    expect(await h.repo.getTicket(ticket.id)).toMatchObject({ status: 'resolved', residentConfirmedSolved: true, residentRating: null });
    const rated = await answer(resident, '5');

    expect(await staffAlertsOf(rated.outboxIds)).toEqual([]);
    expect(await h.repo.getTicket(ticket.id)).toMatchObject({ status: 'resolved', residentConfirmedSolved: true, residentRating: 5 });
  });

  it('ignores an answer about somebody else’s ticket', async () => {
    const { ticket } = await resolvedTicket();
    const stranger = await h.addResident();
    const effects = await applyFeedbackAnswer(
      { repo: h.repo, translator: h.translator, newId },
      { event: { type: 'resolution_feedback', reference: ticket.reference, solved: false, rating: null }, residentId: stranger.id, at: now() },
    );
    expect(effects).toMatchObject({ outcome: 'ignored', ignoredBecause: 'not_this_resident', unit: { ticketUpdates: [], timeline: [] }, alerts: [] });
  });

  it('replaces a conversation the resident left hanging (e.g. the optional gender question) with the question', async () => {
    const idle = await h.addResident();
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    await sessions.save(idle.id, { flowId: 'gender', stepId: 'ask', language: 'es', vars: {}, retries: 0, startedAt: tenMinutesAgo, lastActivityAt: tenMinutesAgo, expiresAt: new Date(Date.now() + 1_200_000).toISOString() }, new Date());
    const ticket = await h.addTicket({ residentId: idle.id, status: 'resolved', resolvedAt: now(), resolutionNote: 'ok' });
    expect(await feedback.onTicketResolved(ticket)).toMatchObject({ outcome: 'asked' });
    expect((await sessions.get(idle.id))?.flowId).toBe('resolution_feedback');
  });

  it('takes a resident out of the optional gender question they just saw, to ask at once', async () => {
    const resident = await h.addResident();
    await sessions.save(resident.id, { flowId: 'gender', stepId: 'ask', language: 'es', vars: {}, retries: 0, startedAt: now(), lastActivityAt: now(), expiresAt: new Date(Date.now() + 600_000).toISOString() }, new Date());
    const ticket = await h.addTicket({ residentId: resident.id, status: 'resolved', resolvedAt: now(), resolutionNote: 'ok' });
    expect((await feedback.onTicketResolved(ticket)).outcome).toBe('asked');
    expect((await sessions.get(resident.id))?.flowId).toBe('resolution_feedback');
  });

  it('does not interrupt a resident who is in the middle of another report, nor write to an opted-out one', async () => {
    const busy = await h.addResident();
    await sessions.save(busy.id, { flowId: 'outage', stepId: 'since', language: 'es', vars: {}, retries: 0, startedAt: now(), lastActivityAt: now(), expiresAt: new Date(Date.now() + 600_000).toISOString() }, new Date());
    const busyTicket = await h.addTicket({ residentId: busy.id, status: 'resolved', resolvedAt: now(), resolutionNote: 'ok' });
    expect(await feedback.onTicketResolved(busyTicket)).toEqual({ outcome: 'skipped', reason: 'resident_busy' });
    expect((await sessions.get(busy.id))?.flowId).toBe('outage');

    // With a way to try again later, the busy resident is asked later instead of never.
    const later: Array<{ ticketId: string; attempt: number }> = [];
    const patient = makeFeedback({
      askLater: async (ticket, attempt) => {
        later.push({ ticketId: ticket.id, attempt });
      },
      maxAttempts: 3,
    });
    expect(await patient.onTicketResolved(busyTicket)).toEqual({ outcome: 'deferred', attempt: 2 });
    expect(await patient.onTicketResolved(busyTicket, { attempt: 2 })).toEqual({ outcome: 'deferred', attempt: 3 });
    expect(await patient.onTicketResolved(busyTicket, { attempt: 3 })).toEqual({ outcome: 'skipped', reason: 'resident_busy' });
    expect(later).toEqual([
      { ticketId: busyTicket.id, attempt: 2 },
      { ticketId: busyTicket.id, attempt: 3 },
    ]);
    expect(await h.repo.listOutboxByResident(busy.id, { limit: 5 })).toEqual([]);

    const optedOut = await h.addResident({ optedOut: true });
    const quietTicket = await h.addTicket({ residentId: optedOut.id, status: 'resolved', resolvedAt: now(), resolutionNote: 'ok' });
    expect(await feedback.onTicketResolved(quietTicket)).toEqual({ outcome: 'skipped', reason: 'resident_opted_out' });
    expect(await h.repo.listOutboxByResident(optedOut.id, { limit: 5 })).toEqual([]);
  });
});
