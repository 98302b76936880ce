/**
 * Shared set-up for the outbound tests: a real SQLite repository, real Redis (unique prefix),
 * the real sender worker and the real twilio library talking over HTTP to the fake Twilio API.
 */
import type { Job } from 'bullmq';
import { randomInt } from 'node:crypto';
import type Redis from 'ioredis';
import type { OutboxMessage } from '../../../src/domain/message';
import type { Channel, Resident } from '../../../src/domain/resident';
import { newOutboxMessage } from '../../../src/messaging/outbound/outbox-message-factory';
import { createSendDispatcher, type SendDispatcher } from '../../../src/messaging/outbound/send-dispatcher';
import { createSenderWorker, type SenderWorker, type SenderWorkerOptions } from '../../../src/messaging/outbound/sender-worker';
import type { SendOutcome } from '../../../src/messaging/outbound/send-processor';
import { createTwilioTransport } from '../../../src/messaging/outbound/twilio-transport';
import { createQueues, type Queues, type SendJob } from '../../../src/queues/queues';
import { newId } from '../../../src/shared/ids';
import { createLogger } from '../../../src/shared/logger';
import { createResidentLock, type ResidentLock } from '../../../src/shared/resident-lock';
import type { Repository } from '../../../src/store/repository';
import type { FakeTwilioApi } from '../../support/fake-twilio-api';
import { createTestRedis, deletePrefix, uniquePrefix } from '../../support/redis';

export const ACCOUNT_SID = `AC${'1a2b3c4d'.repeat(4)}`;
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const PUBLIC_BASE_URL = 'https://aguavoz.example.pe';
export const LOCALITY_NUMBER = '+51940000001';
export const TEST_BACKOFF_MS = 50;

export const silentLogger = createLogger({ level: 'silent' });

export interface OutboundHarness {
  prefix: string;
  queues: Queues;
  sender: SenderWorker;
  dispatcher: SendDispatcher;
  connection: Redis;
  /** The sender's per-recipient lock, as the worker process builds it. */
  sendLock: ResidentLock;
  close(): Promise<void>;
}

export function startOutboundHarness(options: {
  label: string;
  repo: Repository;
  fake: FakeTwilioApi;
  whatsappTemplateSid?: string;
  /** Parallel sends; default the worker's (5). */
  concurrency?: number;
  /** Resident countries and daily caps (issue 7.3), built on the harness's prefix. */
  caps?: (prefix: string) => SenderWorkerOptions['caps'];
  /** Another transport than Twilio against the fake (e.g. one that asks it first). */
  transport?: SenderWorkerOptions['transport'];
  /** The Twilio client's timeout; default 2 s. */
  twilioTimeoutMs?: number;
}): OutboundHarness {
  const prefix = uniquePrefix(options.label);
  const connection = createTestRedis({ forBullmq: true });
  const lockRedis = createTestRedis();
  const sendLock = createResidentLock({ redis: lockRedis, prefix, scope: 'send' });
  const queues = createQueues({ connection, prefix });
  const transport =
    options.transport ??
    createTwilioTransport({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: options.fake.baseUrl,
      publicBaseUrl: PUBLIC_BASE_URL,
      timeoutMs: options.twilioTimeoutMs ?? 2_000,
    });
  const sender = createSenderWorker({
    connection,
    prefix,
    repo: options.repo,
    transport,
    lock: sendLock,
    logger: silentLogger,
    whatsappTemplateSid: options.whatsappTemplateSid,
    concurrency: options.concurrency,
    caps: options.caps?.(prefix),
  });
  const dispatcher = createSendDispatcher({ queue: queues.send, logger: silentLogger, backoffMs: TEST_BACKOFF_MS });
  return {
    prefix,
    queues,
    sender,
    dispatcher,
    connection,
    sendLock,
    async close() {
      await sender.close();
      await queues.close();
      await deletePrefix(connection, prefix);
      await connection.quit();
      await lockRedis.quit();
    },
  };
}

const usedPhones = new Set<string>();
/** A distinct, valid Peruvian mobile number per call, so tests can tell their requests apart. */
export function uniquePhone(): string {
  for (;;) {
    const phone = `+519${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    if (!usedPhones.has(phone)) {
      usedPhones.add(phone);
      return phone;
    }
  }
}

export async function seedResident(repo: Repository, patch: Partial<Resident> = {}): Promise<Resident> {
  const at = new Date().toISOString();
  return repo.upsertResidentByPhone({
    id: newId(),
    phone: uniquePhone(),
    localityId: null,
    language: 'es',
    gender: null,
    genderAskedAt: null,
    privacyNoticeSentAt: null,
    optedOut: false,
    lastInboundAt: at,
    lastWhatsappInboundAt: null,
    createdAt: at,
    updatedAt: at,
    ...patch,
  });
}

/** Commits an outbox row the way a conversation turn does (the job is enqueued separately). */
export async function commitOutbox(
  repo: Repository,
  input: { resident: Resident; text: string; channel?: Channel; createdAt?: Date; kind?: string; fromPhone?: string },
): Promise<OutboxMessage> {
  const row = newOutboxMessage({
    id: newId(),
    now: (input.createdAt ?? new Date()).toISOString(),
    channel: input.channel ?? 'sms',
    toPhone: input.resident.phone,
    fromPhone: input.fromPhone ?? LOCALITY_NUMBER,
    text: input.text,
    kind: input.kind ?? 'flow_reply',
    residentId: input.resident.id,
  });
  await repo.commit({ outbox: [row] });
  return row;
}

/**
 * Commits several rows for one recipient in one unit, a millisecond apart, the way a
 * conversation turn queues its replies (the jobs are enqueued separately).
 */
export async function commitReplies(
  repo: Repository,
  input: { texts: string[]; to: { residentId: string; phone: string } | { userId: string; phone: string }; at?: Date; kind?: string },
): Promise<OutboxMessage[]> {
  const start = (input.at ?? new Date()).getTime();
  const rows = input.texts.map((text, index) =>
    newOutboxMessage({
      id: newId(),
      now: new Date(start + index).toISOString(),
      channel: 'sms',
      toPhone: input.to.phone,
      fromPhone: LOCALITY_NUMBER,
      text,
      kind: input.kind ?? 'flow_reply',
      residentId: 'residentId' in input.to ? input.to.residentId : null,
      userId: 'userId' in input.to ? input.to.userId : null,
    }),
  );
  await repo.commit({ outbox: rows });
  return rows;
}

/** Resolves with the next `completed`/`failed` event of one job (set it up before enqueuing). */
export function nextJobEvent(
  sender: SenderWorker,
  jobId: string,
  wanted: 'completed' | 'failed',
  timeoutMs = 15_000,
): Promise<{ job: Job<SendJob, SendOutcome>; result?: SendOutcome; error?: Error }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`job ${jobId}: no ${wanted} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const onCompleted = (job: Job<SendJob, SendOutcome>, result: SendOutcome) => {
      if (wanted === 'completed' && job.id === jobId) done({ job, result });
    };
    const onFailed = (job: Job<SendJob, SendOutcome> | undefined, error: Error) => {
      if (wanted === 'failed' && job?.id === jobId) done({ job, error });
    };
    function done(value: { job: Job<SendJob, SendOutcome>; result?: SendOutcome; error?: Error }) {
      cleanup();
      resolve(value);
    }
    function cleanup() {
      clearTimeout(timer);
      sender.worker.off('completed', onCompleted);
      sender.worker.off('failed', onFailed);
    }
    sender.worker.on('completed', onCompleted);
    sender.worker.on('failed', onFailed);
  });
}

/** Polls the store until the row satisfies `predicate`. */
export async function waitForOutbox(
  repo: Repository,
  id: string,
  predicate: (row: OutboxMessage) => boolean,
  timeoutMs = 15_000,
): Promise<OutboxMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await repo.getOutbox(id);
    if (row && predicate(row)) return row;
    if (Date.now() > deadline) throw new Error(`outbox ${id}: condition not met; last seen ${JSON.stringify(row && { status: row.status, errorCode: row.errorCode, attempts: row.attempts })}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
