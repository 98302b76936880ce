/**
 * What an orchestrator and a developer see of the running service (`aguavoz start` in local
 * mode, booted by test/support/service-harness.ts): readiness while draining, and the dev phone
 * feed that `aguavoz chat` reads, which exposes what was sent to a number and so must answer
 * loopback callers only.
 */
import { networkInterfaces } from 'node:os';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness';

/** An address of this machine that is not loopback: a caller from the network. */
function nonLoopbackAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal && address.family === 'IPv4') return address.address;
    }
  }
  throw new Error('this machine has no non-loopback IPv4 address to call the service from');
}

// The harness waits up to WAIT_MS (45 s) for an outcome on a loaded machine; leave the test room.
jest.setTimeout(120_000);

describe('the dev phone feed of local mode', () => {
  let h: ServiceHarness;
  const PHONE = '+51987000333';

  beforeAll(async () => {
    // Listening on every interface, as `npm start` does by default (HOST=0.0.0.0).
    h = await startServiceHarness({ label: 'svc-devfeed', localMode: true, env: { HOST: '0.0.0.0' } });
  });
  afterAll(async () => {
    await h.close();
  });

  const feedPath = `/dev/phone/messages?phone=${encodeURIComponent(PHONE)}`;

  it('gives a loopback caller the replies sent to a phone', async () => {
    await h.send(PHONE, 'hola');
    const body = await h.waitFor('the replies in the feed', async () => {
      const res = await fetch(`${h.baseUrl}${feedPath}`);
      expect(res.status).toBe(200);
      const json = (await res.json()) as { messages: Array<{ body: string }> };
      return json.messages.length >= 2 ? json : null;
    });
    expect(body.messages.map((m) => m.body)).toEqual([h.text('privacy.notice'), h.text('menu.main', { locality: h.locality.name })]);
  });

  it('refuses a caller from the network with 403, even on the same machine', async () => {
    const port = new URL(h.baseUrl).port;
    const res = await fetch(`http://${nonLoopbackAddress()}:${port}${feedPath}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'local mode: loopback only' } });
  });
});

describe('readiness of the running service', () => {
  let h: ServiceHarness;

  beforeAll(async () => {
    h = await startServiceHarness({ label: 'svc-ready' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 200 ready, then 503 as soon as a shutdown starts, while it still serves', async () => {
    const before = await fetch(`${h.baseUrl}/readyz`);
    expect(before.status).toBe(200);

    const stopped = h.service.stop({ drainMs: 1500 });
    const during = await fetch(`${h.baseUrl}/readyz`);
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ status: 'not_ready', shuttingDown: true, checks: { store: 'ok', redis: 'ok', schedulers: 'ok' } });
    // Liveness is unaffected: the process is fine, it is only leaving.
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    await stopped;
    await expect(fetch(`${h.baseUrl}/readyz`)).rejects.toThrow();
  });
});
