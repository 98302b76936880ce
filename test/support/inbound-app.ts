/**
 * Test builders for the inbound side: an express app with the real Twilio webhook, a real SQLite
 * file, real Redis under a unique prefix, a temp spool folder, and (for conversation tests) the
 * real engine, flows, locales and conversation processor. Signatures are made with the twilio
 * library exactly as Twilio makes them.
 */
import express from 'express';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import twilio from 'twilio';
import type { ConversationProcessor, ConversationProcessorDeps } from '../../src/conversation/conversation-processor';
import { createResidentLock } from '../../src/shared/resident-lock';
import { createSessionStore, type SessionStore } from '../../src/conversation/session-store';
import type { Locality } from '../../src/domain/locality';
import type { OutboxMessage } from '../../src/domain/message';
import type { Channel, Language } from '../../src/domain/resident';
import { adaptForChannel } from '../../src/i18n/channel-text';
import { createTranslator, type Translator } from '../../src/i18n/translator';
import { createInboundDedupe } from '../../src/messaging/inbound/inbound-dedupe';
import { createInboundRouter, INBOUND_WEBHOOK_PATH } from '../../src/messaging/inbound/inbound-router';
import { createIntakeSpool } from '../../src/messaging/inbound/intake-spool';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createQueues, type Queues } from '../../src/queues/queues';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { aLocality } from './domain-fixtures';
import { createTestRedis, deletePrefix, uniquePrefix } from './redis';
import { tempSqlitePath } from './sqlite';

export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const TEST_PUBLIC_BASE_URL = 'https://aguavoz.example.pe';
export const TOWN_NUMBER = '+51940000001';
export const SIGNED_URL = `${TEST_PUBLIC_BASE_URL}${INBOUND_WEBHOOK_PATH}`;

export const testLogger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test' });

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** A form as Twilio posts it for an SMS; override any field (e.g. WhatsApp `From`). */
export function twilioForm(overrides: Record<string, string> = {}): Record<string, string> {
  const sid = overrides.MessageSid ?? newMessageSid();
  return {
    ToCountry: 'PE',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: 'no hay agua',
    To: TOWN_NUMBER,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: '+51987654321',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

export function signatureFor(params: Record<string, string>, options: { authToken?: string; url?: string } = {}): string {
  return twilio.getExpectedTwilioSignature(options.authToken ?? TEST_AUTH_TOKEN, options.url ?? SIGNED_URL, params);
}

/** POSTs the form to the webhook, signed unless `signature: null`. */
export function postWebhook(
  app: express.Express,
  form: Record<string, string>,
  options: { signature?: string | null } = {},
): request.Test {
  const req = request(app).post(INBOUND_WEBHOOK_PATH).type('form');
  const signature = options.signature === undefined ? signatureFor(form) : options.signature;
  if (signature !== null) req.set('X-Twilio-Signature', signature);
  return req.send(new URLSearchParams(form).toString());
}

export interface IntakeHarness {
  app: express.Express;
  repo: Repository;
  redis: Redis;
  queues: Queues;
  prefix: string;
  spoolDir: string;
  sqlitePath: string;
  locality: Locality;
  inboundJobIds(): Promise<string[]>;
  close(): Promise<void>;
}

/** Webhook + intake only: real HTTP, SQLite, Redis, spool. */
export async function createIntakeHarness(options: {
  label: string;
  authToken?: string | null;
  /** The webhook's clock (receivedAt); default: the system clock. */
  clock?: () => Date;
}): Promise<IntakeHarness> {
  const prefix = uniquePrefix(options.label);
  const sqlite = tempSqlitePath(options.label);
  const spoolDir = mkdtempSync(join(tmpdir(), `aguavoz-spool-${options.label}-`));
  const repo = createRepository({ sqlitePath: sqlite.path, logger: testLogger });
  await repo.init();
  const locality = await repo.createLocality(testLocality());
  const redis = createTestRedis();
  const bullmqConnection = createTestRedis({ forBullmq: true });
  const queues = createQueues({ connection: bullmqConnection, prefix });
  const authToken = options.authToken === null ? undefined : (options.authToken ?? TEST_AUTH_TOKEN);

  const app = express();
  app.use(
    createInboundRouter({
      repo,
      dedupe: createInboundDedupe({ redis, prefix }),
      spool: createIntakeSpool({ dir: spoolDir }),
      queue: queues.inbound,
      logger: testLogger,
      authToken,
      publicBaseUrl: authToken ? TEST_PUBLIC_BASE_URL : undefined,
      clock: options.clock,
    }),
  );

  return {
    app,
    repo,
    redis,
    queues,
    prefix,
    spoolDir,
    sqlitePath: sqlite.path,
    locality,
    async inboundJobIds() {
      const jobs = await queues.inbound.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
      return jobs.map((job) => String(job.id)).sort();
    },
    async close() {
      await queues.close();
      bullmqConnection.disconnect();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await repo.close();
      sqlite.cleanup();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

export function testLocality(overrides: Partial<Locality> = {}): Locality {
  return aLocality({
    id: newId(),
    slug: `villa-${randomBytes(3).toString('hex')}`,
    name: 'Villa Rica',
    sectors: ['Centro', 'San Juan', 'La Florida', 'Alto Peru'],
    phoneNumbers: [TOWN_NUMBER],
    ...overrides,
  });
}

export interface ConversationHarness extends IntakeHarness {
  processor: ConversationProcessor;
  /** What `processor` was built from, to build a variant (e.g. with another Redis). */
  processorDeps: ConversationProcessorDeps;
  translator: Translator;
  /** The text a resident receives for a key, as adapted to the channel. */
  text(key: string, params?: Record<string, string | number>, options?: { channel?: Channel; language?: Language }): string;
  sessions: SessionStore;
  /** Sends the text through the signed webhook, processes it, and returns the replies it caused. */
  say(from: string, text: string, options?: { whatsapp?: boolean; form?: Record<string, string> }): Promise<string[]>;
  /** Every message sent to this phone so far, oldest first. */
  repliesTo(phone: string): Promise<OutboxMessage[]>;
  /** Runs the processor for every inbound job waiting in the queue. */
  drainInbound(): Promise<void>;
}

/** Intake plus the real engine, flows, locales and conversation processor (no BullMQ worker). */
export async function createConversationHarness(options: {
  label: string;
  /** Both the webhook's clock (receivedAt) and the processor's. */
  clock?: () => Date;
  processor?: Partial<ConversationProcessorDeps>;
}): Promise<ConversationHarness> {
  // Loaded here so webhook-only tests do not load the engine and the flows.
  const { createConversationProcessor } = await import('../../src/conversation/conversation-processor');
  const { loadFlows } = await import('../../src/flow-engine/flow-loader');
  const intake = await createIntakeHarness({ label: options.label, clock: options.clock });
  const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
  const flows = loadFlows({ flowsDir: join(__dirname, '../../flows'), translator });
  const sessions = createSessionStore({ redis: intake.redis, prefix: intake.prefix });
  const processorDeps: ConversationProcessorDeps = {
    repo: intake.repo,
    sessions,
    lock: createResidentLock({ redis: intake.redis, prefix: intake.prefix }),
    flows,
    translator,
    dispatcher: createSendDispatcher({ queue: intake.queues.send, logger: testLogger }),
    logger: testLogger,
    sessionTimeoutMinutes: 30,
    clock: options.clock,
    ...options.processor,
  };
  const processor = createConversationProcessor(processorDeps);

  async function repliesTo(phone: string): Promise<OutboxMessage[]> {
    const resident = await intake.repo.findResidentByPhone(phone);
    if (!resident) return [];
    // The store lists newest first (time, then insertion order).
    return [...(await intake.repo.listOutboxByResident(resident.id, { limit: 500 }))].reverse();
  }

  async function drainInbound(): Promise<void> {
    const jobs = await intake.queues.inbound.getJobs(['waiting', 'prioritized', 'delayed']);
    for (const job of jobs) {
      await processor.processInboundMessage(job.data.messageId);
      await job.remove();
    }
  }

  return {
    ...intake,
    processor,
    processorDeps,
    translator,
    text: (key, params = {}, opts = {}) => adaptForChannel(translator.render(key, opts.language ?? 'es', params), opts.channel ?? 'sms'),
    sessions,
    repliesTo,
    drainInbound,
    async say(from, text, sayOptions = {}) {
      const before = new Set((await repliesTo(from)).map((row) => row.id));
      const channelPrefix = sayOptions.whatsapp ? 'whatsapp:' : '';
      const form = twilioForm({ From: `${channelPrefix}${from}`, To: `${channelPrefix}${TOWN_NUMBER}`, Body: text, ...sayOptions.form });
      const response = await postWebhook(intake.app, form);
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      await drainInbound();
      return (await repliesTo(from)).filter((row) => !before.has(row.id)).map((row) => row.body);
    },
  };
}
