/**
 * The running service, booted in-process exactly as `aguavoz start` boots it: `startService`
 * (src/app/run-process.ts) builds the composition root (`createContainer`), prepares the store,
 * starts every worker, the maintenance schedulers, the spool-replay timer and the real HTTP app
 * on a free port. Only the environment differs: a temp SQLite file and spool folder, a unique
 * Redis prefix (or another Redis, e.g. one a test kills), and — unless `localMode` — Twilio
 * credentials whose REST calls go to the local fake Twilio API (the phones).
 *
 * Use it for every test of wiring in the composition root: a listener, a hook or a worker that
 * is missing from container.ts / run-process.ts must make such a test fail. The helpers only
 * talk to the service the way the outside world does (signed webhooks over HTTP, texts arriving
 * at the fake Twilio API) plus reads of the store for assertions.
 *
 * @example
 *   const h = await startServiceHarness({ label: 'my-wiring' });
 *   const operator = await h.addStaff({ role: 'operator', phone: '+51991000001' });
 *   await h.text('+51955000001', 'no hay agua desde ayer');
 *   await h.waitForPhoneMessages(operator.phone!, 1);
 *   await h.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Container } from '../../src/app/container';
import type { MaintenanceOptions } from '../../src/app/maintenance';
import { startService, type RunningService } from '../../src/app/run-process';
import { loadConfig } from '../../src/config/config';
import type { Locality } from '../../src/domain/locality';
import type { Role } from '../../src/domain/user';
import type { Language } from '../../src/domain/resident';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { INBOUND_WEBHOOK_PATH } from '../../src/messaging/inbound/inbound-router';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { createUserService, type UserSummary } from '../../src/users/user-service';
import { startFakeTwilioApi, type FakeTwilioApi } from './fake-twilio-api';
import { signatureFor, TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL, testLocality, testLogger, TOWN_NUMBER, twilioForm } from './inbound-app';
import { createTestRedis, deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis';
import { tempSqlitePath } from './sqlite';

export const HARNESS_ACCOUNT_SID = `AC${'2'.repeat(32)}`;
export const HARNESS_ADMIN_PASSWORD = 'harness-admin-password-1';

/** Short periods so the real schedulers and timer fire within a test. */
export const FAST_MAINTENANCE: MaintenanceOptions = { sweepEveryMs: 300, spoolReplayEveryMs: 200, spoolClaimGraceMs: 50 };
/** How long the harness waits for an outcome by default (see `waitFor`). */
export const WAIT_MS = 45_000;

export interface ServiceHarnessOptions {
  label: string;
  /** Extra environment (any variable of src/config/config.ts). */
  env?: Record<string, string>;
  /** No Twilio credentials: local transport, unsigned loopback webhooks, the dev phone feed. */
  localMode?: boolean;
  /** Another Redis than the shared test one (a test that stops and restarts Redis). */
  redisUrl?: string;
  clock?: () => Date;
  /** Default: both, like `aguavoz start`. */
  web?: boolean;
  worker?: boolean;
  /** Default {@link FAST_MAINTENANCE}. */
  maintenance?: MaintenanceOptions;
}

export interface ServiceHarness {
  service: RunningService;
  container: Container;
  repo: Repository;
  /** The town (number {@link TOWN_NUMBER}), created before the service started. */
  locality: Locality;
  baseUrl: string;
  /** Null in local mode. */
  fakeTwilio: FakeTwilioApi | null;
  prefix: string;
  spoolDir: string;
  /** A text as a phone on this channel receives it (GSM-7 adapted for SMS). */
  text(key: string, params?: Record<string, string | number>, language?: Language): string;
  /** The phone texts the town's number: a webhook POST over real HTTP, signed like Twilio unless local mode. */
  send(from: string, body: string, options?: { whatsapp?: boolean }): Promise<Response>;
  /** Texts that reached this phone through the fake Twilio API, in arrival order. */
  phoneMessages(phone: string): string[];
  /** Waits until the phone has received at least `count` texts, and returns them all. */
  waitForPhoneMessages(phone: string, count: number, timeoutMs?: number): Promise<string[]>;
  /** Polls `probe` until it returns something truthy. */
  waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs?: number): Promise<T>;
  /** A user of the harness locality (operator unless `role`), with a phone for SMS commands. */
  addStaff(options: { role?: Role; phone?: string | null; onDuty?: boolean; localityIds?: string[] }): Promise<UserSummary>;
  close(): Promise<void>;
}

export async function startServiceHarness(options: ServiceHarnessOptions): Promise<ServiceHarness> {
  const sqlite = tempSqlitePath(options.label);
  const spoolDir = mkdtempSync(join(tmpdir(), `aguavoz-spool-${options.label}-`));
  const prefix = uniquePrefix(options.label);
  const fakeTwilio = options.localMode ? null : await startFakeTwilioApi();
  const twilioEnv: Record<string, string> = fakeTwilio
    ? {
        TWILIO_ACCOUNT_SID: HARNESS_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        TWILIO_API_BASE_URL: fakeTwilio.baseUrl,
        PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
        TWILIO_FROM_NUMBER: TOWN_NUMBER,
      }
    : {};
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    SQLITE_PATH: sqlite.path,
    SPOOL_DIR: spoolDir,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    ADMIN_PASSWORD: HARNESS_ADMIN_PASSWORD,
    ...twilioEnv,
    ...options.env,
  });

  // The town and the first admin exist before start-up, so the first-start seeding stays quiet
  // and messages to TOWN_NUMBER reach a known locality.
  const seedRepo = createRepository({ sqlitePath: sqlite.path, logger: testLogger });
  await seedRepo.init();
  const locality = await seedRepo.createLocality(testLocality());
  await createUserService({ repo: seedRepo, now: () => new Date().toISOString(), newId }).ensureFirstAdmin({ password: HARNESS_ADMIN_PASSWORD });
  await seedRepo.close();

  const service = await startService(config, {
    web: options.web ?? true,
    worker: options.worker ?? true,
    port: 0,
    container: { logger: testLogger, clock: options.clock },
    maintenance: options.maintenance ?? FAST_MAINTENANCE,
    redisTimeoutMs: 10_000,
  });
  const { container } = service;

  const phoneMessages = (phone: string) => (fakeTwilio?.messages ?? []).filter((m) => m.to === phone).map((m) => m.body ?? '');

  // Generous: on a loaded machine (two cores shared by several suites) a turn, a 1 s alert digest
  // and a send can take well over 15 s; a passing wait returns as soon as the outcome is there.
  async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    service,
    container,
    repo: container.repo,
    locality,
    baseUrl: service.url,
    fakeTwilio,
    prefix,
    spoolDir,
    text: (key, params = {}, language = 'es') => adaptForChannel(container.translator.render(key, language, params), 'sms'),
    async send(from, body, sendOptions = {}) {
      const channel = sendOptions.whatsapp ? 'whatsapp:' : '';
      const form = twilioForm({ From: `${channel}${from}`, To: `${channel}${TOWN_NUMBER}`, Body: body });
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (!options.localMode) headers['X-Twilio-Signature'] = signatureFor(form);
      const response = await fetch(`${service.url}${INBOUND_WEBHOOK_PATH}`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      return response;
    },
    phoneMessages,
    async waitForPhoneMessages(phone, count, timeoutMs = WAIT_MS) {
      await waitFor(`${count} texts to ${phone} (got ${JSON.stringify(phoneMessages(phone))})`, () => phoneMessages(phone).length >= count, timeoutMs);
      return phoneMessages(phone);
    },
    waitFor,
    async addStaff({ role = 'operator', phone, onDuty = true, localityIds }) {
      const { user } = await container.users.addUser({
        username: `${role}-${randomBytes(3).toString('hex')}`,
        name: `Harness ${role}`,
        role,
        localityIds: localityIds ?? [locality.id],
        phone: phone === undefined ? `+5199${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}` : phone,
        onDuty,
        password: 'harness-staff-password',
      });
      return user;
    },
    async close() {
      await service.stop();
      const cleaner = options.redisUrl ? null : createTestRedis();
      if (cleaner) {
        await deletePrefix(cleaner, prefix).catch(() => undefined);
        cleaner.disconnect();
      }
      await fakeTwilio?.close();
      sqlite.cleanup();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
