/**
 * Shared by test/alerts, test/sla/sla-scheduler* and test/feedback. A small real setup for
 * staff-side background work (alerts, SLA jobs, feedback): a SQLite temp
 * file, Redis and BullMQ under a unique prefix, the real locales, a send dispatcher, and helpers
 * to seed a locality, users, residents and tickets straight into the store.
 */
import type Redis from 'ioredis';
import { join } from 'node:path';
import { randomReference } from '../../src/domain/reference';
import type { Locality } from '../../src/domain/locality';
import type { OutboxMessage } from '../../src/domain/message';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { Role, User } from '../../src/domain/user';
import { createTranslator, type Translator } from '../../src/i18n/translator';
import { createSendDispatcher, type SendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createQueues, type Queues } from '../../src/queues/queues';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { aResidentWhoWroteAt, aStaffUser, aTicket } from '../support/domain-fixtures';
import { testLogger, testLocality } from '../support/inbound-app';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';

export interface StaffHarness {
  repo: Repository;
  redis: Redis;
  /** A BullMQ connection for workers. */
  bullmq: Redis;
  queues: Queues;
  prefix: string;
  translator: Translator;
  dispatcher: SendDispatcher;
  locality: Locality;
  addLocality(overrides?: Partial<Locality>): Promise<Locality>;
  addUser(options: { role: Role; localityIds?: string[]; phone?: string | null; onDuty?: boolean }): Promise<User>;
  addResident(overrides?: Partial<Resident>): Promise<Resident>;
  addTicket(overrides?: Partial<Ticket>): Promise<Ticket>;
  /** Outbox rows whose send job waits in the send queue. */
  queuedOutbox(): Promise<OutboxMessage[]>;
  close(): Promise<void>;
}

export async function createStaffHarness(options: { label: string }): Promise<StaffHarness> {
  const prefix = uniquePrefix(options.label);
  const sqlite = tempSqlitePath(options.label);
  const repo = createRepository({ sqlitePath: sqlite.path, logger: testLogger });
  await repo.init();
  const redis = createTestRedis();
  const bullmq = createTestRedis({ forBullmq: true });
  const queues = createQueues({ connection: bullmq, prefix });
  const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
  const dispatcher = createSendDispatcher({ queue: queues.send, logger: testLogger });
  const locality = await repo.createLocality(testLocality());
  let counter = 0;
  const nextPhone = (base: string) => `${base}${String(1000 + counter++).padStart(4, '0')}`;
  const now = () => new Date().toISOString();

  async function addResident(overrides: Partial<Resident> = {}): Promise<Resident> {
    const at = now();
    return repo.upsertResidentByPhone(aResidentWhoWroteAt(at, { id: newId(), phone: nextPhone('+5198700'), localityId: locality.id, ...overrides }));
  }

  return {
    repo,
    redis,
    bullmq,
    queues,
    prefix,
    translator,
    dispatcher,
    locality,
    async addLocality(overrides = {}) {
      return repo.createLocality(testLocality({ phoneNumbers: [nextPhone('+5194000')], ...overrides }));
    },
    async addUser({ role, localityIds, phone, onDuty = true }) {
      const at = now();
      const user = aStaffUser(role, {
        id: newId(),
        phone: phone === undefined ? nextPhone('+5199100') : phone,
        localityIds: localityIds ?? [locality.id],
        onDuty,
        createdAt: at,
        updatedAt: at,
      });
      return repo.createUser(user);
    },
    addResident,
    async addTicket(overrides = {}) {
      const residentId = overrides.residentId ?? (await addResident({ localityId: overrides.localityId ?? locality.id })).id;
      const at = now();
      const ticket = aTicket({
        id: newId(),
        reference: randomReference(),
        localityId: locality.id,
        residentId,
        createdAt: at,
        updatedAt: at,
        ...overrides,
      });
      await repo.commit({ ticketsCreated: [ticket] });
      return ticket;
    },
    async queuedOutbox() {
      const jobs = await queues.send.getJobs(['waiting', 'prioritized', 'delayed']);
      const rows = await Promise.all(jobs.map((job) => repo.getOutbox(job.data.outboxId)));
      return rows.filter((row): row is OutboxMessage => row !== null);
    },
    async close() {
      await queues.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      bullmq.disconnect();
      await repo.close();
      sqlite.cleanup();
    },
  };
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
