/**
 * Prometheus metrics for one process: HTTP traffic, webhooks, queue depths, send failures, SLA
 * breaches, tickets opened, and how fast tickets are answered and resolved. One registry per
 * `createMetrics()` call (never prom-client's global one), so tests and several apps in one
 * process do not collide.
 *
 * Other components count their events through the returned counters, e.g.
 * `metrics.webhookReceived.inc({ channel: 'sms' })`, `metrics.sendFailures.inc({ code: '21610' })`.
 * Labels never carry ids or phone numbers: only small fixed sets (category, channel, reason,
 * error code, route pattern), so the number of series stays bounded.
 */
import { Router, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Ticket } from '../domain/ticket';
import {
  QUEUE_DEPTH_STATES,
  readQueueDepths,
  toQueueList,
  type QueueDepthReading,
  type QueueLike,
  type QueueSource,
} from './queue-depth-collector';
import { httpRouteLabel } from './http-route-label';

/** From five minutes to a month: SLA targets run from 2 hours (outage) to 15 business days (billing). */
export const TICKET_TIME_BUCKETS_SECONDS = [
  5 * 60,
  15 * 60,
  30 * 60,
  60 * 60,
  2 * 3600,
  4 * 3600,
  8 * 3600,
  24 * 3600,
  3 * 86400,
  7 * 86400,
  15 * 86400,
  30 * 86400,
];

export interface CreateMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag); default true. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for one queue's counts before leaving it out; default 2000 ms. */
  queueScrapeTimeoutMs?: number;
}

export interface MetricsRouterOptions {
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>` (for a public host). */
  bearerToken?: string;
}

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** `webhookReceived.inc({ channel: 'sms' | 'whatsapp' | 'status' })` for each accepted webhook. */
  webhookReceived: Counter<'channel'>;
  /** `webhookRejected.inc({ reason: 'bad_signature' | 'malformed' | 'duplicate' | ... })`. */
  webhookRejected: Counter<'reason'>;
  /** `sendFailures.inc({ code: '21211' | 'network' | '5xx' | ... })`, per failed attempt. */
  sendFailures: Counter<'code'>;
  /** `slaBreaches.inc({ category })`, once per breached ticket deadline. */
  slaBreaches: Counter<'category'>;
  /** `ticketsOpened.inc({ category })`, once per ticket created. */
  ticketsOpened: Counter<'category'>;
  /**
   * `inboundDeadLettered.inc({ ticket: 'opened' | 'none' })`, once per inbound message given up on
   * after repeated failures; `none` means no operator ticket carries it (look it up by the log).
   */
  inboundDeadLettered: Counter<'ticket'>;
  firstResponseSeconds: Histogram<'category'>;
  resolutionSeconds: Histogram<'category'>;
  queueJobs: Gauge<'queue' | 'state'>;
  queueScrapeErrors: Counter<'queue'>;
  /**
   * Observes the first-response and resolution histograms from a ticket before and after an
   * action: call it once per stored ticket change (the ticket service after each commit). It
   * observes only the moment a time is first set, so calling it for every change is safe.
   *
   * @example metrics.recordTicketChange(before, after)
   */
  recordTicketChange(before: Ticket | null, after: Ticket): void;
  /**
   * The same observations from the ticket service's `onTicketChanged(ticket, action)` hook, which
   * sees only the stored result: a first response is the answering action whose time is the
   * ticket's `firstResponseAt`; each `resolve` observes a resolution (a reopened ticket resolved
   * again counts again, from its creation, as the response-time statistics do).
   *
   * @example createTicketService({ …, onTicketChanged: (t, a) => metrics.onTicketChanged(t, a) })
   */
  onTicketChanged(ticket: Ticket, action: { type: string }): void;
  /** Counts and times every request, labelled by route pattern (not raw URL) and status. */
  httpMiddleware: RequestHandler;
  /** A router answering `GET /metrics` in Prometheus text format. */
  router(options?: MetricsRouterOptions): Router;
  /** Adds BullMQ queues whose waiting/active/delayed/failed counts are read on each scrape. */
  observeQueues(queues: QueueSource): void;
}

/** @example const metrics = createMetrics(); app.use(metrics.httpMiddleware); app.use(metrics.router()); */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const observed: QueueLike[] = [];
  const scrapeTimeoutMs = options.queueScrapeTimeoutMs ?? 2000;

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const webhookReceived = new Counter({
    name: 'webhooks_received_total',
    help: 'Twilio webhooks accepted, by channel.',
    labelNames: ['channel'] as const,
    registers,
  });
  const webhookRejected = new Counter({
    name: 'webhooks_rejected_total',
    help: 'Twilio webhooks refused or ignored, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const sendFailures = new Counter({
    name: 'send_failures_total',
    help: 'Outgoing message attempts that failed, by provider or transport error code.',
    labelNames: ['code'] as const,
    registers,
  });
  const slaBreaches = new Counter({
    name: 'sla_breaches_total',
    help: 'Ticket SLA deadlines missed, by category.',
    labelNames: ['category'] as const,
    registers,
  });
  const ticketsOpened = new Counter({
    name: 'tickets_opened_total',
    help: 'Tickets opened by residents, by category.',
    labelNames: ['category'] as const,
    registers,
  });
  const inboundDeadLettered = new Counter({
    name: 'inbound_dead_lettered_total',
    help: 'Inbound messages given up on after repeated processing failures, by whether an operator ticket carries them.',
    labelNames: ['ticket'] as const,
    registers,
  });
  const firstResponseSeconds = new Histogram({
    name: 'ticket_first_response_seconds',
    help: 'Time from a ticket being opened to the first response to the resident, by category.',
    labelNames: ['category'] as const,
    buckets: TICKET_TIME_BUCKETS_SECONDS,
    registers,
  });
  const resolutionSeconds = new Histogram({
    name: 'ticket_resolution_seconds',
    help: 'Time from a ticket being opened to its resolution, by category.',
    labelNames: ['category'] as const,
    buckets: TICKET_TIME_BUCKETS_SECONDS,
    registers,
  });
  /**
   * One read of the queues per scrape, shared by the two metrics that report it: prom-client
   * collects every metric of a scrape concurrently, so each awaits the same reading.
   */
  let reading: Promise<QueueDepthReading[]> | null = null;
  const readQueues = (): Promise<QueueDepthReading[]> => {
    reading ??= readQueueDepths(observed, { timeoutMs: scrapeTimeoutMs }).finally(() => {
      reading = null;
    });
    return reading;
  };
  const queueJobs = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed), read at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const readings = await readQueues();
      this.reset();
      for (const { queue, counts } of readings) {
        if (counts) for (const state of QUEUE_DEPTH_STATES) this.set({ queue, state }, counts[state]);
      }
    },
  });
  const queueScrapeErrors = new Counter({
    name: 'queue_scrape_errors_total',
    help: 'Scrapes that could not read a queue in time (Redis down or slow), by queue.',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      for (const { queue, counts } of await readQueues()) if (!counts) this.inc({ queue });
    },
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const stop = httpRequestDuration.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: httpRouteLabel(req), status: String(res.statusCode) };
      httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };

  return {
    registry,
    httpRequests,
    httpRequestDuration,
    webhookReceived,
    webhookRejected,
    sendFailures,
    slaBreaches,
    ticketsOpened,
    inboundDeadLettered,
    firstResponseSeconds,
    resolutionSeconds,
    queueJobs,
    queueScrapeErrors,
    recordTicketChange(before, after) {
      const opened = Date.parse(after.createdAt);
      if (after.firstResponseAt && !before?.firstResponseAt) {
        firstResponseSeconds.observe({ category: after.category }, secondsSince(opened, after.firstResponseAt));
      }
      if (after.resolvedAt && after.resolvedAt !== before?.resolvedAt) {
        resolutionSeconds.observe({ category: after.category }, secondsSince(opened, after.resolvedAt));
      }
    },
    onTicketChanged(ticket, action) {
      const opened = Date.parse(ticket.createdAt);
      if (ANSWERING_ACTIONS.has(action.type) && ticket.firstResponseAt && ticket.firstResponseAt === ticket.updatedAt) {
        firstResponseSeconds.observe({ category: ticket.category }, secondsSince(opened, ticket.firstResponseAt));
      }
      if (action.type === 'resolve' && ticket.resolvedAt) {
        resolutionSeconds.observe({ category: ticket.category }, secondsSince(opened, ticket.resolvedAt));
      }
    },
    httpMiddleware,
    router(routerOptions = {}) {
      const router = Router();
      router.get('/metrics', async (req, res, next) => {
        if (routerOptions.bearerToken && req.get('authorization') !== `Bearer ${routerOptions.bearerToken}`) {
          res.status(401).json({ error: { code: 'unauthorized', message: 'a metrics token is required' } });
          return;
        }
        try {
          const body = await registry.metrics();
          res.set('Content-Type', registry.contentType).send(body);
        } catch (error) {
          next(error);
        }
      });
      return router;
    },
    observeQueues(queues) {
      for (const queue of toQueueList(queues)) {
        if (!observed.includes(queue)) observed.push(queue);
      }
    },
  };
}

/** Operator actions that answer the resident (see the ticket lifecycle's `firstResponseAt`). */
const ANSWERING_ACTIONS: ReadonlySet<string> = new Set(['acknowledge', 'reply', 'start', 'resolve']);

function secondsSince(startMs: number, endIso: string): number {
  return Math.max(0, (Date.parse(endIso) - startMs) / 1000);
}
