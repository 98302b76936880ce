/**
 * The whole system for the incident tests (issue 9): the composition root on a temp SQLite file
 * and a unique Redis prefix, the real web app (signed Twilio webhook), Twilio REST calls going to
 * the local fake API (the residents' phones), and the workers, which a test may stop and start
 * again to play a restart. The locality is "Villa Rica" with Barrio Alto among its sectors.
 */
import type express from 'express';
import request from 'supertest';
import type { Container } from '../../src/app/container';
import { startMaintenanceWorker } from '../../src/app/maintenance';
import { startWorkers } from '../../src/app/workers';
import type { Locality } from '../../src/domain/locality';
import { createHttpApp } from '../../src/http/app';
import { INBOUND_WEBHOOK_PATH } from '../../src/messaging/inbound/inbound-router';
import { OPERATOR_PASSWORD, startTestSystem } from './console-app';
import { FAKE_ACCOUNT_SID } from './console-server';
import { startFakeTwilioApi, type FakeTwilioApi } from './fake-twilio-api';
import { signatureFor, TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL, twilioForm } from './inbound-app';
import type { AuthenticatedUser } from '../../src/auth/auth-types';

export const SECTORS = ['Centro', 'Barrio Alto', 'San Juan', 'La Florida'];

export interface IncidentSystem {
  app: express.Express;
  container: Container;
  locality: Locality;
  fakeTwilio: FakeTwilioApi;
  /** A signed webhook POST as Twilio sends it; resolves once stored (200). */
  text(from: string, body: string): Promise<void>;
  /** Texts that reached this phone (the fake Twilio API), in arrival order. */
  phoneMessages(phone: string): string[];
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  addOperator(username: string, options?: { phone?: string; role?: 'operator' | 'supervisor' }): Promise<AuthenticatedUser>;
  close(): Promise<void>;
}

/** Polls `check` until it returns a value (not undefined/false) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, options: { timeoutMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startIncidentSystem(options: { label: string; env?: Record<string, string> }): Promise<IncidentSystem> {
  const fakeTwilio = await startFakeTwilioApi();
  const system = await startTestSystem({
    label: options.label,
    env: {
      TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_API_BASE_URL: fakeTwilio.baseUrl,
      PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
      // Pacing is measured in its own test; here a broadcast should not take minutes.
      BROADCAST_MESSAGES_PER_SECOND: '1000',
      ALERT_DIGEST_SECONDS: '3600',
      ...options.env,
    },
  });
  const { container } = system;
  const locality = await container.repo.updateLocality(system.locality.id, { sectors: SECTORS });
  const app = createHttpApp(container, { isShuttingDown: () => false });
  let workers: Array<{ close(): Promise<void> }> = [];

  const phoneMessages = (phone: string) => fakeTwilio.messages.filter((m) => m.to === phone).map((m) => m.body ?? '');
  const result: IncidentSystem = {
    app,
    container,
    locality,
    fakeTwilio,
    async text(from, body) {
      const form = twilioForm({ From: from, Body: body });
      const res = await request(app)
        .post(INBOUND_WEBHOOK_PATH)
        .type('form')
        .set('X-Twilio-Signature', signatureFor(form, { url: `${container.config.PUBLIC_BASE_URL}${INBOUND_WEBHOOK_PATH}` }))
        .send(new URLSearchParams(form).toString());
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    },
    phoneMessages,
    async startWorkers() {
      if (workers.length > 0) return;
      workers = [await startWorkers(container), await startMaintenanceWorker(container)];
      // As `aguavoz start` does once the workers registered their installers.
      await container.schedulers.installAll();
    },
    async stopWorkers() {
      const running = workers;
      workers = [];
      for (const worker of running) await worker.close();
    },
    async addOperator(username, extra = {}) {
      const { user } = await container.users.addUser({
        username,
        name: username,
        role: extra.role ?? 'operator',
        localityIds: [locality.id],
        password: OPERATOR_PASSWORD,
        phone: extra.phone,
      });
      return container.users.toAuthenticatedUser(user);
    },
    async close() {
      await result.stopWorkers();
      await system.close();
      await fakeTwilio.close();
    },
  };
  return result;
}
