/**
 * Redis dies under the running service, with the production connections of the composition root
 * (src/app/redis-connections.ts): BullMQ's connection QUEUES commands while Redis is away instead
 * of failing them, so without intake's own time bounds a webhook would hang until Redis returns
 * and Twilio (15 s) would give up. The test owns its redis-server (test/support/own-redis.ts).
 */
import { startOwnRedis, type OwnRedis } from '../support/own-redis';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness';

/** Far below Twilio's 15 s webhook timeout; intake's bounds are 0.5 s (dedupe) + 1 s (enqueue). */
const WEBHOOK_BUDGET_MS = 4000;

// The harness waits up to WAIT_MS (45 s) for an outcome on a loaded machine; leave the test room.
jest.setTimeout(120_000);

describe('the running service when Redis goes away', () => {
  let redis: OwnRedis;
  let h: ServiceHarness;

  beforeAll(async () => {
    redis = await startOwnRedis();
    h = await startServiceHarness({ label: 'redis-down-svc', redisUrl: redis.url });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.close();
  });

  it('still answers Twilio in time and keeps the message, reports not ready, and answers the resident once Redis is back', async () => {
    const from = '+51957000001';
    await h.send(from, 'hola');
    await h.waitForPhoneMessages(from, 2);

    await redis.stop();
    const startedAt = Date.now();
    const response = await h.send(from, '1');
    const tookMs = Date.now() - startedAt;

    expect(response.status).toBe(200);
    expect(tookMs).toBeLessThan(WEBHOOK_BUDGET_MS);
    if (process.env.AGUAVOZ_PRINT_TIMINGS) console.info(`webhook answered in ${tookMs} ms with Redis down`);
    const [kept] = await h.repo.listUnprocessedInboundFrom(from);
    expect(kept).toMatchObject({ body: '1', processedAt: null });

    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', shuttingDown: false, checks: { store: 'ok', redis: 'down', schedulers: 'missing' } });

    await redis.start();
    // The job intake could not add reaches Redis when the connection comes back, and the "1" is
    // answered. This Redis came back empty (no AOF), so the conversation starts afresh: the menu.
    const texts = await h.waitForPhoneMessages(from, 3, 25_000);
    expect(texts.slice(2)).toEqual([h.text('menu.main', { locality: h.locality.name })]);
    // Ready again once the schedulers this empty Redis lost are re-installed (issue 7.1): the
    // worker re-checks on reconnect and every SCHEDULER_CHECK_SECONDS.
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await fetch(`${h.baseUrl}/readyz`)).status) !== 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
  });
});
