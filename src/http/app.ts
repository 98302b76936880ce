/**
 * The express application of the web process: webhooks first (they must answer fast and never
 * lose a message), then health, then the operator-facing console and API.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Container } from '../app/container';
import { createInboundRouter } from '../messaging/inbound/inbound-router';
import { createStatusCallbackRouter } from '../messaging/outbound/status-callback-router';
import { createDevPhoneRouter, DEV_PHONE_FEED_PATH } from './dev-phone-router';
import { createHealthRouter } from './health-router';
import { verifyTwilioSignature } from './twilio-webhook-auth';
import { createApiRouter } from '../api/api-router';
import { createConsoleAuth } from '../auth/console-auth';
import { createConsoleRouter } from '../console/console-router';
import { createIncidentConsoleRouter, incidentRows } from '../console/incident-console-router';
import { createStaffAdminRouter } from '../console/staff-admin-router';
import { createCommitteeConsoleRouter } from '../console/committee-console-router';
import { createRequestLogging } from '../observability/request-logging';
import { countTwilioWebhooks } from '../observability/webhook-metrics';
import { trustProxySetting } from '../config/config';
import { createOpen311Router } from '../open311/open311-router';
import { createTransparencyRouter } from '../transparency/transparency-router';
import { createDashboardRouter } from '../console/dashboard-router';

export interface HttpAppOptions {
  isShuttingDown: () => boolean;
  /** This process installs the job schedulers: `/readyz` fails while they are missing (issue 7.1). */
  requireSchedulers?: boolean;
}

/**
 * What a worker-only process serves on PORT: liveness, readiness and its own metrics (send
 * failures, SLA breaches and queue depths happen in the worker, not in the web process).
 */
export function createWorkerHttpApp(container: Container, options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    createHealthRouter({
      repo: container.repo,
      redis: container.redis,
      isShuttingDown: options.isShuttingDown,
      schedulers: container.schedulers,
      requireSchedulers: options.requireSchedulers,
    }),
  );
  app.use(container.metrics.router());
  return app;
}

export function createHttpApp(container: Container, options: HttpAppOptions): Express {
  const { config, logger, repo } = container;
  const app = express();
  app.disable('x-powered-by');
  // Who the client is (login throttling per IP): the socket's peer unless TRUST_PROXY names the
  // proxies in front. Loopback checks of local mode use the socket address, never this.
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(createRequestLogging({ logger, debugPaths: [DEV_PHONE_FEED_PATH] }));
  app.use(container.metrics.httpMiddleware);
  app.use(countTwilioWebhooks(container.metrics));

  // Twilio does not retry an SMS webhook that failed, so a draining instance keeps taking
  // webhooks until its server closes; /readyz turns 503 first so a load balancer moves away.
  const verifySignature = verifyTwilioSignature({ authToken: config.TWILIO_AUTH_TOKEN, publicBaseUrl: config.PUBLIC_BASE_URL, logger });
  app.use(
    createInboundRouter({
      verifySignature,
      repo,
      dedupe: container.dedupe,
      spool: container.spool,
      queue: container.queues.inbound,
      logger,
      authToken: config.TWILIO_AUTH_TOKEN,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      clock: container.clock,
    }),
  );
  app.use(
    createStatusCallbackRouter({
      repo,
      verifySignature,
      logger,
      now: container.clock,
    }),
  );
  // helmet's headers protect pages a browser renders (CSP, framing, referrer); Twilio reads a
  // TwiML answer, so the webhooks above skip its 15 middlewares (issue 11: the webhook's CPU).
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
      // helmet's default `no-referrer` makes Chromium send `Origin: null` on same-site form posts,
      // which the login's cross-site check must refuse; `same-origin` still leaks nothing outside.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use(
    createHealthRouter({
      repo,
      redis: container.redis,
      isShuttingDown: options.isShuttingDown,
      schedulers: container.schedulers,
      requireSchedulers: options.requireSchedulers,
    }),
  );
  app.use(container.metrics.router());
  if (container.isLocalMode) app.use(createDevPhoneRouter({ repo }));

  app.use(
    '/api/v1',
    createApiRouter({
      repo,
      ticketService: container.tickets,
      userService: container.users,
      tokenService: container.apiTokens,
      logger,
      now: container.now,
      incidents: { incidents: container.incidents, notices: container.notices },
      committees: { committees: container.committees, summaries: container.summaries },
    }),
  );

  // Open311 GeoReport v2: public reads, keyed filing (issue 6).
  app.use(
    createOpen311Router({
      repo,
      translator: container.translator,
      keys: container.open311Keys,
      intake: container.open311Intake,
      now: container.now,
      logger,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  );

  // Public transparency page, CSV and index: no login, no personal data (issue 6).
  app.use(createTransparencyRouter({ service: container.transparency, logger }));

  const auth = createConsoleAuth({
    repo,
    redis: container.redis,
    keyPrefix: container.prefix,
    userService: container.users,
    logger,
    now: container.now,
    secureCookies: (config.PUBLIC_BASE_URL ?? '').startsWith('https://'),
    loginIpRateLimit: { limit: config.LOGIN_FAILURES_PER_IP, windowMs: 15 * 60 * 1000 },
  });
  app.use(auth.router);
  // Supervisor dashboard (issue 6): its own router, beside the console's.
  app.use(
    createDashboardRouter({ repo, figures: container.publication, transparency: container.transparency, translator: container.translator, auth, logger }),
  );
  // Committees in the console (issue 6): admins and the locality's supervisors.
  app.use(
    createCommitteeConsoleRouter({ auth, committees: container.committees, summaries: container.summaries, translator: container.translator, logger, now: container.now }),
  );
  const truckAlertHours = config.INCIDENT_TRUCK_ALERT_HOURS;
  app.use(
    createConsoleRouter({
      ticketService: container.tickets,
      repo,
      translator: container.translator,
      auth,
      now: container.now,
      logger,
      // Issue 9: the queue page shows the open incidents with their size, age and sectors.
      incidentPanel: async (user, text) => ({
        incidentRows: incidentRows(await container.incidents.list(user), { now: new Date(container.now()), text, truckAlertHours }),
        truckAlertHours,
      }),
    }),
  );
  app.use(
    createIncidentConsoleRouter({
      incidents: container.incidents,
      notices: container.notices,
      repo,
      translator: container.translator,
      auth,
      now: container.now,
      logger,
      truckAlertHours,
    }),
  );
  app.use(
    createStaffAdminRouter({ repo, userService: container.users, inboundQueue: container.queues.inbound, translator: container.translator, auth, logger }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  return app;
}
