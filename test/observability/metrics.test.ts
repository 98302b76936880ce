import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import request from 'supertest';
import { createMetrics } from '../../src/observability/metrics';
import { createApiHarness, type ApiHarness } from '../support/api-app';
import { createTestRedis } from '../support/redis';

let h: ApiHarness;
let token: string;
let localityId: string;

/** The value of one sample line, e.g. `webhooks_received_total{channel="sms"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(): Promise<string> {
  const res = await request(h.app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

beforeAll(async () => {
  h = await createApiHarness({ label: 'metrics', now: '2025-07-28T15:00:00.000Z' });
  localityId = (await h.addLocality()).id;
  ({ token } = await h.addUserWithToken({ role: 'operator', localityIds: [localityId] }));
});

afterAll(async () => {
  await h.close();
});

describe('GET /metrics', () => {
  it('exposes the counters other components increment, in Prometheus text format', async () => {
    h.metrics.webhookReceived.inc({ channel: 'sms' });
    h.metrics.webhookReceived.inc({ channel: 'sms' });
    h.metrics.webhookRejected.inc({ reason: 'bad_signature' });
    h.metrics.sendFailures.inc({ code: '21610' });
    h.metrics.slaBreaches.inc({ category: 'outage' });
    h.metrics.ticketsOpened.inc({ category: 'leak' });
    const text = await scrape();
    expect(text).toContain('# TYPE webhooks_received_total counter');
    expect(sample(text, 'webhooks_received_total{channel="sms"}')).toBe(2);
    expect(sample(text, 'webhooks_rejected_total{reason="bad_signature"}')).toBe(1);
    expect(sample(text, 'send_failures_total{code="21610"}')).toBe(1);
    expect(sample(text, 'sla_breaches_total{category="outage"}')).toBe(1);
    expect(sample(text, 'tickets_opened_total{category="leak"}')).toBe(1);
  });

  it('reads waiting, delayed and failed jobs of the real BullMQ queues at scrape time', async () => {
    // Other tests of this file queue jobs too (a reply is a send job): count what this one adds.
    const before = await scrape();
    const added = (text: string, name: string) => (sample(text, name) ?? 0) - (sample(before, name) ?? 0);
    await h.queues.send.add('send', { outboxId: 'a' });
    await h.queues.send.add('send', { outboxId: 'b' });
    await h.queues.sla.add('deadline', { ticketId: 't' }, { delay: 3_600_000 });
    const workerConnection = createTestRedis({ forBullmq: true });
    const worker = new Worker(
      h.queues.alerts.name,
      async () => {
        throw new Error('cannot send alert');
      },
      { connection: workerConnection, prefix: h.queues.alerts.opts.prefix },
    );
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await h.queues.alerts.add('digest', { localityId });
    await failed;
    await worker.close();
    workerConnection.disconnect();

    const text = await scrape();
    expect(text).toContain('# TYPE queue_jobs gauge');
    expect(added(text, 'queue_jobs{queue="send",state="waiting"}')).toBe(2);
    expect(added(text, 'queue_jobs{queue="sla",state="delayed"}')).toBe(1);
    expect(added(text, 'queue_jobs{queue="alerts",state="failed"}')).toBe(1);
    expect(sample(text, 'queue_jobs{queue="inbound",state="active"}')).toBe(0);
  });

  it('shows first-response and resolution times after operators act on a ticket', async () => {
    const ticket = await h.addTicket({ localityId, overrides: { category: 'leak', createdAt: '2025-07-28T14:30:00.000Z' } });
    const auth = { Authorization: `Bearer ${token}` };
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth).send({ action: 'acknowledge' }).expect(200);
    h.setNow('2025-07-28T17:30:00.000Z');
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/replies`).set(auth).send({ text: 'Vamos en camino' }).expect(201);
    await request(h.app).post(`/api/v1/tickets/${ticket.id}/transitions`).set(auth).send({ action: 'resolve', note: 'Fuga reparada' }).expect(200);
    const text = await scrape();
    expect(sample(text, 'ticket_first_response_seconds_count{category="leak"}')).toBe(1);
    expect(sample(text, 'ticket_first_response_seconds_sum{category="leak"}')).toBe(1800);
    expect(sample(text, 'ticket_first_response_seconds_bucket{le="3600",category="leak"}')).toBe(1);
    expect(sample(text, 'ticket_resolution_seconds_count{category="leak"}')).toBe(1);
    expect(sample(text, 'ticket_resolution_seconds_sum{category="leak"}')).toBe(3 * 3600);
  });

  it('counts HTTP requests by route pattern and status, never by raw URL', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    await request(h.app).get('/api/v1/tickets/11111111-1111-4111-8111-111111111111').set(auth).expect(404);
    await request(h.app).get('/api/v1/tickets').set(auth).expect(200);
    await request(h.app).get('/no/such/page/987654321').expect(404);
    const text = await scrape();
    expect(sample(text, 'http_requests_total{method="GET",route="/api/v1/tickets/:id",status="404"}')).toBe(1);
    expect(sample(text, 'http_requests_total{method="GET",route="/api/v1/tickets",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('11111111-1111');
    expect(text).not.toContain('987654321');
    expect(text).toContain('http_request_duration_seconds_bucket');
  });
});

describe('metrics scrape resilience and protection', () => {
  it('answers within the timeout and counts a scrape error when Redis does not reply', async () => {
    // A local server that accepts the connection and never answers: Redis hung, not down.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const connection = new Redis({
      host: '127.0.0.1',
      port: (silent.address() as AddressInfo).port,
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    });
    connection.on('error', () => {});
    const metrics = createMetrics({ defaultMetrics: false, queueScrapeTimeoutMs: 200 });
    const hung = new Queue('send', { connection, prefix: 'hung' });
    hung.on('error', () => {});
    metrics.observeQueues([hung]);
    try {
      const started = Date.now();
      const text = await metrics.registry.metrics();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(sample(text, 'queue_scrape_errors_total{queue="send"}')).toBe(1);
      expect(text).not.toContain('queue_jobs{queue="send"');
    } finally {
      connection.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('requires the bearer token when the router is given one', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const express = (await import('express')).default;
    const app = express().use(metrics.router({ bearerToken: 'scrape-secret' }));
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer scrape-secret').expect(200);
  });
});
