/**
 * The REST API as the composition root assembles it, from the real modules: SQLite temp file,
 * real Redis (unique BullMQ prefix) behind the send dispatcher, the real ticket, user and token
 * services, real locales, request logging and metrics. Tests talk to it over real HTTP with
 * supertest and seed tickets straight into the store.
 */
import express from 'express';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import type { Writable } from 'node:stream';
import { createApiRouter, API_BASE_PATH } from '../../src/api/api-router';
import { createApiTokenService, type ApiTokenService } from '../../src/auth/api-token-auth';
import type { Locality } from '../../src/domain/locality';
import { randomReference } from '../../src/domain/reference';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { Role } from '../../src/domain/user';
import { createTranslator } from '../../src/i18n/translator';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createMetrics, type Metrics } from '../../src/observability/metrics';
import { createRequestLogging } from '../../src/observability/request-logging';
import { createQueues, type Queues } from '../../src/queues/queues';
import { newId } from '../../src/shared/ids';
import { REDACTED_PATHS, type Logger } from '../../src/shared/logger';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { createTicketService } from '../../src/tickets/ticket-service';
import type { TicketService } from '../../src/tickets/ticket-service-types';
import { createUserService, type UserService, type UserSummary } from '../../src/users/user-service';
import { aLocality, aResidentWhoWroteAt, aTicket } from './domain-fixtures';
import { createCommitteeService, type CommitteeService } from '../../src/committees/committee-service';
import { createSummaryService, type SummaryService } from '../../src/committees/summary-service';
import { createPublicationFigures } from '../../src/publication/publication-figures';
import { createTestRedis, deletePrefix, uniquePrefix } from './redis';
import { tempSqlitePath } from './sqlite';

export { API_BASE_PATH };

/** A pino logger configured like `createLogger` (same redaction), writing to `stream`. */
export function loggerTo(stream: Writable, level = 'info'): Logger {
  return pino({ name: 'test', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
}

export interface ApiHarness {
  app: express.Express;
  repo: Repository;
  queues: Queues;
  metrics: Metrics;
  ticketService: TicketService;
  userService: UserService;
  tokenService: ApiTokenService;
  committees: CommitteeService;
  summaries: SummaryService;
  /** Moves the clock the services read. */
  setNow(iso: string): void;
  addLocality(overrides?: Partial<Locality>): Promise<Locality>;
  /** Creates a user and an API token for them; returns both. */
  addUserWithToken(options: { role: Role; localityIds: string[]; username?: string }): Promise<{ user: UserSummary; token: string }>;
  addResident(options: { localityId: string; phone?: string; overrides?: Partial<Resident> }): Promise<Resident>;
  addTicket(options: { localityId: string; residentId?: string; overrides?: Partial<Ticket> }): Promise<Ticket>;
  close(): Promise<void>;
}

export async function createApiHarness(options: { label: string; logger?: Logger; now?: string }): Promise<ApiHarness> {
  const prefix = uniquePrefix(options.label);
  const sqlite = tempSqlitePath(options.label);
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  let nowIso = options.now ?? '2025-07-28T15:00:00.000Z';
  const now = () => nowIso;

  const repo = createRepository({ sqlitePath: sqlite.path, logger });
  await repo.init();
  const bullmqRedis = createTestRedis({ forBullmq: true });
  const queues = createQueues({ connection: bullmqRedis, prefix });
  const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
  const dispatcher = createSendDispatcher({ queue: queues.send, logger });
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.observeQueues(queues);
  const ticketService = createTicketService({
    repo,
    translator,
    dispatcher,
    now,
    newId,
    logger,
    onTicketChanged: (ticket, action) => metrics.onTicketChanged(ticket, action),
  });
  const userService = createUserService({ repo, now, newId });
  const tokenService = createApiTokenService({ repo, now, newId });

  const app = express();
  app.use(createRequestLogging({ logger }));
  app.use(metrics.httpMiddleware);
  app.use(metrics.router());
  // Committees (issue 6): the same services the container wires.
  const publication = createPublicationFigures({ repo, now });
  const committees = createCommitteeService({ repo, translator, dispatcher, now, newId });
  const summaries = createSummaryService({ repo, figures: publication, translator, dispatcher, now, newId, logger });
  app.use(API_BASE_PATH, createApiRouter({ repo, ticketService, userService, tokenService, logger, now, committees: { committees, summaries } }));

  let phoneCounter = 0;
  const nextPhone = () => `+5198765${String(4000 + phoneCounter++).padStart(4, '0')}`;

  async function addResident({ localityId, phone, overrides = {} }: { localityId: string; phone?: string; overrides?: Partial<Resident> }) {
    const at = now();
    return repo.upsertResidentByPhone(aResidentWhoWroteAt(at, { id: newId(), phone: phone ?? nextPhone(), localityId, ...overrides }));
  }

  return {
    app,
    repo,
    queues,
    metrics,
    ticketService,
    userService,
    tokenService,
    committees,
    summaries,
    setNow(iso) {
      nowIso = iso;
    },
    async addLocality(overrides = {}) {
      const slug = `pueblo-${randomBytes(3).toString('hex')}`;
      return repo.createLocality(aLocality({ id: newId(), slug, name: `Pueblo ${slug}`, sectors: ['Centro', 'Alto'], phoneNumbers: [], ...overrides }));
    },
    async addUserWithToken({ role, localityIds, username }) {
      const { user } = await userService.addUser({
        username: username ?? `${role}-${randomBytes(3).toString('hex')}`,
        name: `Test ${role}`,
        role,
        localityIds,
        password: 'correct horse battery',
      });
      const { token } = await tokenService.issueToken(user.id, 'test');
      return { user, token };
    },
    addResident,
    async addTicket({ localityId, residentId, overrides = {} }) {
      const resident = residentId ?? (await addResident({ localityId })).id;
      const at = overrides.createdAt ?? now();
      const ticket = aTicket({
        id: newId(),
        reference: randomReference(),
        localityId,
        residentId: resident,
        details: {},
        sector: 'Centro',
        reporterGender: null,
        createdAt: at,
        updatedAt: at,
        ...overrides,
      });
      await repo.commit({ ticketsCreated: [ticket] });
      return ticket;
    },
    async close() {
      await queues.close();
      const cleaner = createTestRedis();
      await deletePrefix(cleaner, prefix);
      cleaner.disconnect();
      bullmqRedis.disconnect();
      await repo.close();
      sqlite.cleanup();
    },
  };
}
