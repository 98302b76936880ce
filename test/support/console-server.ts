/**
 * The whole system on a real HTTP port, for the browser test: the signed Twilio webhook, the
 * conversation processor with the real flows behind a BullMQ inbound worker, the sender worker
 * sending through the Twilio transport to the local fake Twilio API (the resident's phone), and
 * the console with its login, and the resolution-feedback question on the ticket service's
 * `onTicketChanged` hook. Built from the real modules, as the composition root wires them.
 */
import type { Worker } from 'bullmq';
import helmet from 'helmet';
import { join } from 'node:path';
import { createConsoleAuth } from '../../src/auth/console-auth';
import { createInboundWorker } from '../../src/conversation/inbound-worker';
import { createConsoleRouter } from '../../src/console/console-router';
import type { Ticket } from '../../src/domain/ticket';
import { createResolutionFeedback } from '../../src/feedback/resolution-feedback';
import { loadFlows } from '../../src/flow-engine/flow-loader';
import { createTranslator, type Translator } from '../../src/i18n/translator';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createSenderWorker, type SenderWorker } from '../../src/messaging/outbound/sender-worker';
import { createTwilioTransport } from '../../src/messaging/outbound/twilio-transport';
import { newId } from '../../src/shared/ids';
import type { TicketActionInput, TicketService } from '../../src/tickets/ticket-service-types';
import { createTicketService } from '../../src/tickets/ticket-service';
import { createUserService } from '../../src/users/user-service';
import { listenLocal, OPERATOR_PASSWORD } from './console-app';
import { startFakeTwilioApi, type FakeTwilioApi } from './fake-twilio-api';
import {
  createConversationHarness,
  signatureFor,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  testLogger,
  TOWN_NUMBER,
  twilioForm,
  type ConversationHarness,
} from './inbound-app';
import { createTestRedis } from './redis';

export const FAKE_ACCOUNT_SID = `AC${'1'.repeat(32)}`;

export interface ConsoleServer {
  baseUrl: string;
  harness: ConversationHarness;
  translator: Translator;
  ticketService: TicketService;
  fakeTwilio: FakeTwilioApi;
  /** Adds an operator of the harness locality with password {@link OPERATOR_PASSWORD}. */
  addOperator(username: string, name: string): Promise<void>;
  /** The resident texts the town's number: a signed webhook POST over real HTTP, as Twilio sends it. */
  text(from: string, body: string): Promise<void>;
  /** Texts to this phone that reached the fake Twilio API, oldest first. */
  phoneMessages(phone: string): string[];
  /** Waits until the phone has received at least `count` texts. */
  waitForPhoneMessages(phone: string, count: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startConsoleServer(options: { label: string }): Promise<ConsoleServer> {
  const fakeTwilio = await startFakeTwilioApi();
  const harness = await createConversationHarness({ label: options.label });
  const now = () => new Date().toISOString();
  const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
  const dispatcher = createSendDispatcher({ queue: harness.queues.send, logger: testLogger });
  const userService = createUserService({ repo: harness.repo, now, newId });
  // As the host wires it: after a resolution the resident is asked "was it solved? 1 Yes 2 No".
  const feedback = createResolutionFeedback({
    repo: harness.repo,
    sessions: harness.sessions,
    flows: loadFlows({ flowsDir: join(__dirname, '../../flows'), translator }),
    translator,
    dispatcher,
    now,
    newId,
    sessionTimeoutMinutes: 30,
    logger: testLogger,
  });
  const ticketService = createTicketService({
    repo: harness.repo,
    translator,
    dispatcher,
    now,
    newId,
    logger: testLogger,
    onTicketChanged: async (ticket: Ticket, action: TicketActionInput) => {
      if (action.type === 'resolve') await feedback.onTicketResolved(ticket);
    },
  });
  const auth = createConsoleAuth({
    repo: harness.repo,
    redis: harness.redis,
    keyPrefix: harness.prefix,
    userService,
    logger: testLogger,
    now,
    secureCookies: false,
  });
  // The same security headers as the web process (src/http/app.ts), so the browser enforces its CSP.
  harness.app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } } }));
  harness.app.use(auth.router);
  harness.app.use(createConsoleRouter({ ticketService, repo: harness.repo, translator, auth, now, logger: testLogger }));

  const workerConnection = createTestRedis({ forBullmq: true });
  const inboundWorker: Worker = createInboundWorker({
    connection: workerConnection,
    prefix: harness.prefix,
    processor: harness.processor,
    logger: testLogger,
  });
  const senderWorker: SenderWorker = createSenderWorker({
    connection: workerConnection,
    prefix: harness.prefix,
    repo: harness.repo,
    transport: createTwilioTransport({
      accountSid: FAKE_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      apiBaseUrl: fakeTwilio.baseUrl,
      defaultFromPhone: TOWN_NUMBER,
    }),
    logger: testLogger,
  });
  const http = await listenLocal(harness.app);

  const phoneMessages = (phone: string) => fakeTwilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');

  return {
    baseUrl: http.baseUrl,
    harness,
    translator,
    ticketService,
    fakeTwilio,
    async addOperator(username, name) {
      await userService.addUser({ username, name, role: 'operator', localityIds: [harness.locality.id], password: OPERATOR_PASSWORD });
    },
    async text(from, body) {
      const form = twilioForm({ From: from, Body: body });
      const res = await fetch(`${http.baseUrl}/webhooks/twilio/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signatureFor(form) },
        body: new URLSearchParams(form).toString(),
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status} (signed for ${TEST_PUBLIC_BASE_URL})`);
    },
    phoneMessages,
    async waitForPhoneMessages(phone, count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (phoneMessages(phone).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} texts to the resident, got ${phoneMessages(phone).length}: ${JSON.stringify(phoneMessages(phone))}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return phoneMessages(phone);
    },
    async close() {
      await http.close();
      await inboundWorker.close();
      await senderWorker.close();
      workerConnection.disconnect();
      await harness.close();
      await fakeTwilio.close();
    },
  };
}
