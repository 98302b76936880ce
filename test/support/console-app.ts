/**
 * Test builders for the operator console, started from the composition root the web process
 * uses (`createContainer` + `createHttpApp`: helmet, request logging, the console login and the
 * console exactly as mounted in production), on a temp SQLite file and a unique Redis prefix,
 * with one test locality. No worker runs here: messages to residents stay in the outbox, which
 * tests read. `startConsoleServer` (console-server.ts) adds the workers and the fake Twilio API.
 */
import type express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createContainer, type Container } from '../../src/app/container';
import { loadConfig } from '../../src/config/config';
import type { Locality } from '../../src/domain/locality';
import type { Resident } from '../../src/domain/resident';
import type { Ticket } from '../../src/domain/ticket';
import type { Role } from '../../src/domain/user';
import { createHttpApp } from '../../src/http/app';
import type { Translator } from '../../src/i18n/translator';
import { newId } from '../../src/shared/ids';
import type { Repository } from '../../src/store/repository';
import { aResidentWhoWroteAt, aTicket } from './domain-fixtures';
import { testLocality, testLogger } from './inbound-app';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis';
import { tempSqlitePath } from './sqlite';

export const OPERATOR_PASSWORD = 'agua-segura-2025';

export interface TestSystem {
  container: Container;
  locality: Locality;
  close(): Promise<void>;
}

/**
 * The composition root on a temp SQLite file and a unique Redis prefix, with one locality
 * ("Villa Rica", sectors Centro, San Juan, La Florida, Alto Peru). `env` adds settings, e.g.
 * Twilio credentials pointing at the fake Twilio API.
 */
export async function startTestSystem(options: { label: string; clock?: () => Date; env?: Record<string, string> }): Promise<TestSystem> {
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
    ...options.env,
  });
  const container = createContainer(config, { logger: testLogger, clock: options.clock });
  await container.repo.init();
  await waitForRedis(container);
  const locality = await container.repo.createLocality(testLocality());
  return {
    container,
    locality,
    async close() {
      await deletePrefix(container.redis, prefix).catch(() => undefined);
      await container.close();
      sqlite.cleanup();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** As at start-up: the fast-fail Redis connection refuses commands until it is ready. */
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

export interface ConsoleHarness {
  app: express.Express;
  container: Container;
  repo: Repository;
  locality: Locality;
  translator: Translator;
  /** A user bound to `localityIds` (operator unless `role`), password {@link OPERATOR_PASSWORD}. */
  addUser(options: { username: string; localityIds: string[]; role?: Role; name?: string }): Promise<{ id: string }>;
  close(): Promise<void>;
}

/** The web app of the composition root, for supertest. `now` fixes the clock (countdowns). */
export async function createConsoleHarness(options: { label: string; now?: () => Date }): Promise<ConsoleHarness> {
  const system = await startTestSystem({ label: options.label, clock: options.now });
  const { container } = system;
  return {
    app: createHttpApp(container, { isShuttingDown: () => false }),
    container,
    repo: container.repo,
    locality: system.locality,
    translator: container.translator,
    async addUser(input) {
      const { user } = await container.users.addUser({
        username: input.username,
        name: input.name ?? input.username,
        role: input.role ?? 'operator',
        localityIds: input.localityIds,
        password: OPERATOR_PASSWORD,
      });
      return { id: user.id };
    },
    close: () => system.close(),
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
  const resident = await repo.upsertResidentByPhone(
    aResidentWhoWroteAt(at, {
      id: newId(),
      phone: `+5199${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`,
      localityId: options.locality.id,
      ...options.resident,
    }),
  );
  const ticket = aTicket({
    id: newId(),
    reference: String(1_000_000 + Math.floor(Math.random() * 8_999_999)),
    localityId: options.locality.id,
    residentId: resident.id,
    details: { since: 'today', scope: 'street' },
    sector: options.locality.sectors[0] ?? null,
    reporterGender: null,
    reporterLanguage: resident.language,
    createdAt: at,
    updatedAt: at,
    ...options.ticket,
  });
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
