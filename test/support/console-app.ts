/**
 * Test builders for the operator console, from the real modules: the intake harness (webhook,
 * SQLite file, Redis under a unique prefix), console auth with Redis sessions, the user and
 * ticket services, the translator over the real `locales/`, and the console router.
 *
 * `startConsoleServer` adds what the browser test needs on top: the conversation processor with
 * the real flows behind a real BullMQ inbound worker, a sender worker whose Twilio transport
 * points at the local fake Twilio API (the resident's phone), and a real HTTP server on
 * 127.0.0.1.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createConsoleAuth, type ConsoleAuth } from '../../src/auth/console-auth';
import { createConsoleRouter } from '../../src/console/console-router';
import type { Locality } from '../../src/domain/locality';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { Role } from '../../src/domain/user';
import { createTranslator, type Translator } from '../../src/i18n/translator';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { newId } from '../../src/shared/ids';
import type { Repository } from '../../src/store/repository';
import type { TicketActionInput, TicketService } from '../../src/tickets/ticket-service-types';
import { createTicketService } from '../../src/tickets/ticket-service';
import { createUserService, type UserService } from '../../src/users/user-service';
import { createIntakeHarness, testLocality, testLogger, type IntakeHarness } from './inbound-app';

export const LOCALES_DIR = join(__dirname, '../../locales');
export const OPERATOR_PASSWORD = 'agua-segura-2025';

export interface ConsoleHarness {
  app: express.Express;
  intake: IntakeHarness;
  repo: Repository;
  locality: Locality;
  translator: Translator;
  ticketService: TicketService;
  userService: UserService;
  auth: ConsoleAuth;
  /** An operator (or other role) bound to `localityIds`, password {@link OPERATOR_PASSWORD}. */
  addUser(options: { username: string; localityIds: string[]; role?: Role; name?: string }): Promise<{ id: string }>;
  close(): Promise<void>;
}

export interface ConsoleHarnessOptions {
  label: string;
  /** Fixed clock for the services (the console's countdowns too); real time by default. */
  now?: () => Date;
  /** Passed to the ticket service, e.g. to start the resolution-feedback question. */
  onTicketChanged?: (ticket: Ticket, action: TicketActionInput) => void | Promise<void>;
}

/** Intake + auth + services + console on one express app (use with supertest). */
export async function createConsoleHarness(options: ConsoleHarnessOptions): Promise<ConsoleHarness> {
  const intake = await createIntakeHarness({ label: options.label });
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const translator = createTranslator({ localesDir: LOCALES_DIR });
  const userService = createUserService({ repo: intake.repo, now, newId });
  const ticketService = createTicketService({
    repo: intake.repo,
    translator,
    dispatcher: createSendDispatcher({ queue: intake.queues.send, logger: testLogger }),
    now,
    newId,
    logger: testLogger,
    onTicketChanged: options.onTicketChanged,
  });
  const auth = createConsoleAuth({
    repo: intake.repo,
    redis: intake.redis,
    keyPrefix: intake.prefix,
    userService,
    logger: testLogger,
    now,
    secureCookies: false,
  });
  intake.app.use(auth.router);
  intake.app.use(createConsoleRouter({ ticketService, repo: intake.repo, translator, auth, now, logger: testLogger }));

  return {
    app: intake.app,
    intake,
    repo: intake.repo,
    locality: intake.locality,
    translator,
    ticketService,
    userService,
    auth,
    async addUser(input) {
      const { user } = await userService.addUser({
        username: input.username,
        name: input.name ?? input.username,
        role: input.role ?? 'operator',
        localityIds: input.localityIds,
        password: OPERATOR_PASSWORD,
      });
      return { id: user.id };
    },
    close: () => intake.close(),
  };
}

/** Logs the agent in through the real login form; the agent keeps the session cookie. */
export async function loginAgent(app: express.Express, username: string): Promise<request.Agent> {
  const agent = request.agent(app);
  const res = await agent.post('/login').type('form').send({ username, password: OPERATOR_PASSWORD });
  if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`);
  return agent;
}

/** The hidden `_csrf` value of the first form on a console page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** A second town, with its own number and sectors. */
export async function addLocality(repo: Repository, overrides: Partial<Locality> = {}): Promise<Locality> {
  return repo.createLocality(
    testLocality({ name: 'Pueblo Nuevo', phoneNumbers: ['+51940000999'], sectors: ['Barrio Alto'], ...overrides }),
  );
}

/**
 * Stores a ticket as the conversation would have opened it, with its resident. Timestamps
 * default to now; pass `createdAt` and deadlines to test the queue's countdown and age filter.
 */
export async function seedTicket(
  repo: Repository,
  options: { locality: Locality; now?: Date; ticket?: Partial<Ticket>; resident?: Partial<Resident> },
): Promise<Ticket> {
  const at = (options.now ?? new Date()).toISOString();
  const resident = await repo.upsertResidentByPhone({
    id: newId(),
    phone: `+5199${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`,
    localityId: options.locality.id,
    language: 'es',
    gender: null,
    genderAskedAt: null,
    privacyNoticeSentAt: at,
    optedOut: false,
    lastInboundAt: at,
    lastWhatsappInboundAt: null,
    createdAt: at,
    updatedAt: at,
    ...options.resident,
  });
  const ticket: Ticket = {
    id: newId(),
    reference: String(1_000_000 + Math.floor(Math.random() * 8_999_999)),
    localityId: options.locality.id,
    residentId: resident.id,
    category: 'outage',
    details: { since: 'today', scope: 'street' },
    sector: options.locality.sectors[0] ?? null,
    location: null,
    channel: 'sms',
    reporterGender: null,
    reporterLanguage: resident.language,
    priority: 'normal',
    status: 'open',
    needsOperator: false,
    assigneeId: null,
    createdAt: at,
    updatedAt: at,
    firstResponseAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    reopenCount: 0,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    slaBreachedAt: null,
    resolutionNote: null,
    residentConfirmedSolved: null,
    residentRating: null,
    ...options.ticket,
  };
  await repo.commit({ ticketsCreated: [ticket] });
  return ticket;
}

/** Starts `app` on 127.0.0.1 on a free port. */
export async function listenLocal(app: express.Express): Promise<{ server: Server; baseUrl: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
