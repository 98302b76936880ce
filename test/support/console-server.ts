/**
 * The whole system on a real HTTP port, for the browser test, started the way `aguavoz start`
 * starts it: the composition root (`createContainer`), the web app (`createHttpApp`: signed
 * Twilio webhook, helmet, console login, console) and every worker (`startWorkers`). Only the
 * environment differs: a temp SQLite file, a unique Redis prefix, and Twilio credentials whose
 * REST calls go to the local fake Twilio API — the resident's phone.
 */
import type { Locality } from '../../src/domain/locality';
import type { Container } from '../../src/app/container';
import { startWorkers } from '../../src/app/workers';
import { createHttpApp } from '../../src/http/app';
import type { Translator } from '../../src/i18n/translator';
import type { Repository } from '../../src/store/repository';
import { listenLocal, OPERATOR_PASSWORD, startTestSystem } from './console-app';
import { startFakeTwilioApi, type FakeTwilioApi } from './fake-twilio-api';
import { signatureFor, TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL, twilioForm } from './inbound-app';

export const FAKE_ACCOUNT_SID = `AC${'1'.repeat(32)}`;

export interface ConsoleServer {
  baseUrl: string;
  container: Container;
  /** The test locality every operator added here works in. */
  locality: Locality;
  repo: Repository;
  translator: Translator;
  fakeTwilio: FakeTwilioApi;
  /** Adds an operator of the test locality with password {@link OPERATOR_PASSWORD}. */
  addOperator(username: string, name: string): Promise<void>;
  /** The resident texts the town's number: a signed webhook POST over real HTTP, as Twilio sends it. */
  text(from: string, body: string): Promise<void>;
  /** Texts to this phone that reached the fake Twilio API, in arrival order. */
  phoneMessages(phone: string): string[];
  /** Waits until the phone has received at least `count` texts. */
  waitForPhoneMessages(phone: string, count: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startConsoleServer(options: { label: string }): Promise<ConsoleServer> {
  const fakeTwilio = await startFakeTwilioApi();
  const system = await startTestSystem({
    label: options.label,
    env: {
      TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_API_BASE_URL: fakeTwilio.baseUrl,
      PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    },
  });
  const { container, locality } = system;
  const workers = await startWorkers(container);
  const http = await listenLocal(createHttpApp(container, { isShuttingDown: () => false }));

  const phoneMessages = (phone: string) => fakeTwilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');

  return {
    baseUrl: http.baseUrl,
    container,
    locality,
    repo: container.repo,
    translator: container.translator,
    fakeTwilio,
    async addOperator(username, name) {
      await container.users.addUser({ username, name, role: 'operator', localityIds: [locality.id], password: OPERATOR_PASSWORD });
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
      await workers.close();
      await system.close();
      await fakeTwilio.close();
    },
  };
}

