/**
 * The whole system on a real HTTP port, for the browser test, started the way `aguavoz start`
 * starts it: the composition root (`createContainer`), the web app (`createHttpApp`: signed
 * Twilio webhook, helmet, console login, console) and every worker (`startWorkers`). Only the
 * environment differs: a temp SQLite file, a unique Redis prefix, and Twilio credentials whose
 * REST calls go to the local fake Twilio API — the resident's phone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer, type Container } from '../../src/app/container';
import { startWorkers } from '../../src/app/workers';
import { loadConfig } from '../../src/config/config';
import { createHttpApp } from '../../src/http/app';
import type { Translator } from '../../src/i18n/translator';
import type { Repository } from '../../src/store/repository';
import { listenLocal, OPERATOR_PASSWORD } from './console-app';
import { startFakeTwilioApi, type FakeTwilioApi } from './fake-twilio-api';
import { signatureFor, TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL, testLocality, testLogger, twilioForm } from './inbound-app';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis';
import { tempSqlitePath } from './sqlite';

export const FAKE_ACCOUNT_SID = `AC${'1'.repeat(32)}`;

export interface ConsoleServer {
  baseUrl: string;
  container: Container;
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
  const sqlite = tempSqlitePath(options.label);
  const spoolDir = mkdtempSync(join(tmpdir(), `aguavoz-spool-${options.label}-`));
  const prefix = uniquePrefix(options.label);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SQLITE_PATH: sqlite.path,
    SPOOL_DIR: spoolDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_API_BASE_URL: fakeTwilio.baseUrl,
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
  });
  const container = createContainer(config, { logger: testLogger });
  await container.repo.init();
  const locality = await container.repo.createLocality(testLocality());
  await waitForRedis(container);
  const workers = await startWorkers(container);
  const http = await listenLocal(createHttpApp(container, { isShuttingDown: () => false }));

  const phoneMessages = (phone: string) => fakeTwilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');

  return {
    baseUrl: http.baseUrl,
    container,
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
      await deletePrefix(container.redis, prefix).catch(() => undefined);
      await container.close();
      sqlite.cleanup();
      rmSync(spoolDir, { recursive: true, force: true });
      await fakeTwilio.close();
    },
  };
}

/** As at start-up: the fast-fail connection refuses commands until it is ready. */
async function waitForRedis(container: Container): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await container.redis.ping();
      return;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
