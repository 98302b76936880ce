/**
 * The metrics a running service exposes, through the real composition root: webhooks by outcome,
 * send failures by Twilio error code, queue depths, and a worker-only process's own endpoints.
 */
import request from 'supertest';
import { createHttpApp, createWorkerHttpApp } from '../../src/http/app';
import { startConsoleServer, type ConsoleServer } from '../support/console-server';

describe('service metrics', () => {
  let server: ConsoleServer;
  const RESIDENT = '+51944000111';

  beforeAll(async () => {
    server = await startConsoleServer({ label: 'svc-metrics' });
  });
  afterAll(async () => {
    await server.close();
  });

  const metricsText = async () => (await request(createHttpApp(server.container, { isShuttingDown: () => false })).get('/metrics')).text;

  /** The value of one counter line (anchored: `} 1` must not match `} 10`); 0 before its first count. */
  const counter = (text: string, series: string): number => {
    const escaped = series.replace(/[{}"=]/g, (ch) => `\\${ch}`);
    const match = new RegExp(`^${escaped} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };

  it('counts accepted webhooks by channel and refused ones by reason', async () => {
    // The counters belong to the service, which other tests of this file also write to.
    const start = await metricsText();
    const sms = counter(start, 'webhooks_received_total{channel="sms"}');
    const forgedBefore = counter(start, 'webhooks_rejected_total{reason="bad_signature"}');
    await server.text(RESIDENT, 'hola');
    const forged = await fetch(`${server.baseUrl}/webhooks/twilio/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' },
      body: new URLSearchParams({ MessageSid: `SM${'a'.repeat(32)}`, From: RESIDENT, To: '+51900000000', Body: 'x' }).toString(),
    });
    expect(forged.status).toBe(403);

    const text = await metricsText();
    expect(counter(text, 'webhooks_received_total{channel="sms"}')).toBe(sms + 1);
    expect(counter(text, 'webhooks_rejected_total{reason="bad_signature"}')).toBe(forgedBefore + 1);
    expect(text).toMatch(/^queue_jobs\{queue="send",state="waiting"\} \d+$/m);
  });

  it('counts a permanent Twilio error by its code', async () => {
    const before = server.phoneMessages('+51944000222').length;
    server.fakeTwilio.failNext({ status: 400, code: 21211 });
    await server.text('+51944000222', 'hola');
    // The first reply fails for good (21211); the next one of the turn still arrives.
    await server.waitForPhoneMessages('+51944000222', before + 1);
    const deadline = Date.now() + 10_000;
    let text = await metricsText();
    while (!/^send_failures_total\{code="21211"\} 1$/m.test(text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await metricsText();
    }
    expect(text).toMatch(/^send_failures_total\{code="21211"\} 1$/m);
  });

  it('a worker-only process answers /healthz, /readyz and /metrics, and nothing else', async () => {
    const worker = createWorkerHttpApp(server.container, { isShuttingDown: () => false });
    expect((await request(worker).get('/healthz')).status).toBe(200);
    expect((await request(worker).get('/readyz')).body).toMatchObject({ status: 'ready' });
    expect((await request(worker).get('/metrics')).text).toMatch(/^# TYPE send_failures_total counter$/m);
    expect((await request(worker).post('/webhooks/twilio/messages')).status).toBe(404);
  });
});
