/**
 * The operator side assembled from real modules on top of the inbound test harness (signed
 * webhook, SQLite temp file, Redis under a unique prefix, real flows and locales): the ticket
 * service, the operator SMS commands, SLA deadlines and the resolution question, wired the way
 * the composition root is expected to wire them.
 *
 * Every stored inbound message goes through the real conversation processor, whose operator hook
 * (`operatorInbound`, as container.ts wires it) answers a sender registered as a user with
 * `createOperatorInbound`; everybody else gets the resident conversation. The wiring of the real
 * composition root itself is tested through test/support/service-harness.ts.
 */
import type { OutboxMessage } from '../../src/domain/message';
import type { Ticket } from '../../src/domain/ticket';
import type { Role, User } from '../../src/domain/user';
import { createResolutionFeedback, type ResolutionFeedback } from '../../src/feedback/resolution-feedback';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createOperatorCommandHandler } from '../../src/operators/operator-commands';
import { createOperatorInbound, type OperatorInbound } from '../../src/operators/operator-inbound';
import { newId } from '../../src/shared/ids';
import { createSlaDeadlines } from '../../src/sla/sla-calendar-cache';
import { createTicketService } from '../../src/tickets/ticket-service';
import type { TicketService } from '../../src/tickets/ticket-service-types';
import { createConversationHarness, postWebhook, testLogger, TOWN_NUMBER, twilioForm, type ConversationHarness } from './inbound-app';
import { randomReference } from '../../src/domain/reference';
import type { Resident } from '../../src/domain/resident';
import { aResidentWhoWroteAt, aStaffUser, aTicket } from './domain-fixtures';

export interface OperatorHarness extends ConversationHarness {
  ticketService: TicketService;
  operatorInbound: OperatorInbound;
  feedback: ResolutionFeedback;
  addUser(options: { role: Role; phone?: string | null; onDuty?: boolean; localityIds?: string[]; language?: User['language'] }): Promise<User>;
  /** Posts a signed SMS from `phone` and routes it; returns the texts sent back to that phone. */
  sayFrom(phone: string, text: string): Promise<string[]>;
  /** Every outbox row with a send job waiting in the send queue. */
  queuedOutbox(): Promise<OutboxMessage[]>;
  /** A resident (created on first use of the phone) and a ticket of theirs, stored directly. */
  seedTicket(options?: { phone?: string; language?: Resident['language']; overrides?: Partial<Ticket> }): Promise<Ticket>;
}

export async function createOperatorHarness(options: { label: string }): Promise<OperatorHarness> {
  // Late-bound: the processor is built before the repository exists.
  let computeDeadlines: ReturnType<typeof createSlaDeadlines>['computeDeadlines'] = async () => ({ firstResponseDueAt: null, resolutionDueAt: null });
  let staffHook: OperatorInbound | null = null;
  const h = await createConversationHarness({
    label: options.label,
    processor: {
      computeDeadlines: (ticket) => computeDeadlines(ticket),
      // The processor's own operator hook, as the composition root wires it.
      operatorInbound: { handle: (message, locality) => staffHook!.handle(message, locality) },
    },
  });
  const sla = createSlaDeadlines({ repo: h.repo });
  computeDeadlines = sla.computeDeadlines;
  const now = () => new Date().toISOString();
  const dispatcher = createSendDispatcher({ queue: h.queues.send, logger: testLogger });
  const { loadFlows } = await import('../../src/flow-engine/flow-loader');
  const { join } = await import('node:path');
  const flows = loadFlows({ flowsDir: join(__dirname, '../../flows'), translator: h.translator });
  const feedback = createResolutionFeedback({
    repo: h.repo,
    sessions: h.sessions,
    flows,
    translator: h.translator,
    dispatcher,
    now,
    newId,
    sessionTimeoutMinutes: 30,
    logger: testLogger,
  });
  const ticketService = createTicketService({
    repo: h.repo,
    translator: h.translator,
    dispatcher,
    now,
    newId,
    logger: testLogger,
    // As the composition root wires it: the resolution notice carries the question (one SMS).
    resolutionFeedback: feedback,
  });
  const commands = createOperatorCommandHandler({ repo: h.repo, ticketService, translator: h.translator, now, newId, logger: testLogger });
  const operatorInbound = createOperatorInbound({ repo: h.repo, commands, dispatcher, logger: testLogger, now, translator: h.translator, newId });
  staffHook = operatorInbound;

  /** Every waiting inbound job through the conversation processor; the outbox ids of staff answers. */
  async function drainRouted(): Promise<string[]> {
    const outboxIds: string[] = [];
    for (const job of await h.queues.inbound.getJobs(['waiting', 'prioritized', 'delayed'])) {
      for (const turn of await h.processor.processInboundMessage(job.data.messageId)) {
        if (turn.outcome === 'operator_command') outboxIds.push(...turn.outboxIds);
      }
      await job.remove();
    }
    return outboxIds;
  }

  let phoneCounter = 0;
  const nextPhone = (base: string) => `${base}${String(1000 + phoneCounter++).padStart(4, '0')}`;
  return {
    ...h,
    ticketService,
    operatorInbound,
    feedback,
    async addUser({ role, phone, onDuty = true, localityIds, language }) {
      const at = now();
      const user = aStaffUser(role, {
        id: newId(),
        phone: phone === undefined ? nextPhone('+5199100') : phone,
        localityIds: localityIds ?? [h.locality.id],
        onDuty,
        ...(language ? { language } : {}),
        createdAt: at,
        updatedAt: at,
      });
      return h.repo.createUser(user);
    },
    async sayFrom(phone, text) {
      const before = new Set((await h.repliesTo(phone)).map((row) => row.id));
      const response = await postWebhook(h.app, twilioForm({ From: phone, To: TOWN_NUMBER, Body: text }));
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      const staffRows = await drainRouted();
      if (staffRows.length > 0) {
        const rows = await Promise.all(staffRows.map((id) => h.repo.getOutbox(id)));
        return rows.filter((row): row is OutboxMessage => row !== null && row.toPhone === phone).map((row) => row.body);
      }
      return (await h.repliesTo(phone)).filter((row) => !before.has(row.id)).map((row) => row.body);
    },
    async queuedOutbox() {
      const jobs = await h.queues.send.getJobs(['waiting', 'prioritized', 'delayed']);
      const rows = await Promise.all(jobs.map((job) => h.repo.getOutbox(job.data.outboxId)));
      return rows.filter((row): row is OutboxMessage => row !== null);
    },
    async seedTicket({ phone, language = 'es', overrides = {} } = {}) {
      const at = now();
      const resident = await h.repo.upsertResidentByPhone(
        aResidentWhoWroteAt(at, { id: newId(), phone: phone ?? nextPhone('+5198800'), localityId: h.locality.id, language }),
      );
      const ticket = aTicket({
        id: newId(),
        reference: randomReference(),
        localityId: h.locality.id,
        residentId: resident.id,
        reporterLanguage: resident.language,
        createdAt: at,
        updatedAt: at,
        ...overrides,
      });
      await h.repo.commit({ ticketsCreated: [ticket] });
      return ticket;
    },
    close: h.close,
  };
}
