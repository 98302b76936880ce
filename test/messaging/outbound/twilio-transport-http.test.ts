/**
 * The Twilio transport and its HTTP client over real HTTP, against the fake Twilio API: what goes
 * on the wire (form, auth, the library's headers, rebased URL), socket reuse, and how every kind
 * of failure comes back (Twilio's error JSON, 429 with Retry-After, 5xx, timeout, dropped
 * connection, nobody listening).
 */
import os from 'node:os';
import twilio from 'twilio';
import RestException from 'twilio/lib/base/RestException';
import { createTwilioHttpClient } from '../../../src/messaging/outbound/twilio-http-client';
import { createTwilioTransport } from '../../../src/messaging/outbound/twilio-transport';
import { PermanentSendError, TransientSendError, type SendRequest } from '../../../src/messaging/outbound/transport';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, LOCALITY_NUMBER, PUBLIC_BASE_URL } from './outbound-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const TWILIO_VERSION = (require('twilio/package.json') as { version: string }).version;

describe('the Twilio transport over real HTTP', () => {
  let fake: FakeTwilioApi;
  let phoneCounter = 0;

  beforeAll(async () => {
    fake = await startFakeTwilioApi();
  });

  afterAll(async () => {
    await fake.close();
  });

  const transportFor = (options: { apiBaseUrl?: string; timeoutMs?: number } = {}) =>
    createTwilioTransport({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: options.apiBaseUrl ?? fake.baseUrl,
      publicBaseUrl: PUBLIC_BASE_URL,
      timeoutMs: options.timeoutMs ?? 2_000,
    });
  const nextPhone = () => `+5195${String((phoneCounter += 1)).padStart(7, '0')}`;
  const sms = (body = 'Su reporte AV-1042 fue registrado.'): SendRequest => ({ to: nextPhone(), from: LOCALITY_NUMBER, channel: 'sms', body });
  const lastRequest = () => fake.requests[fake.requests.length - 1]!;

  it("posts the library's form with Basic auth and the library's headers, and returns Twilio's sid", async () => {
    const request = sms("Señora Quispe: corte & reparación = 2 h (aprox.) * 'hoy' + mañana 💧");

    const sent = await transportFor().send(request);

    const received = lastRequest();
    expect(received.method).toBe('POST');
    expect(received.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(received.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(received.params).toEqual({ To: request.to, From: LOCALITY_NUMBER, Body: request.body, StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status` });
    expect(received.headers['user-agent']).toBe(`twilio-node/${TWILIO_VERSION} (${os.platform()} ${os.arch()}) node/${process.version}`);
    expect(received.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received.headers.accept).toBe('application/json');
    expect(received.headers['accept-charset']).toBe('utf-8');
    expect(sent).toEqual({ providerSid: fake.messages.find((m) => m.to === request.to)?.sid, status: 'queued' });
  });

  it('keeps the path prefix of TWILIO_API_BASE_URL', async () => {
    // The fake answers only under /2010-04-01, so a prefixed path is a 404 it records.
    const error = await transportFor({ apiBaseUrl: `${fake.baseUrl}/twilio-proxy/` }).send(sms()).catch((e: unknown) => e);

    expect(lastRequest().path).toBe(`/twilio-proxy/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).code).toBe('20404');
  });

  it('reuses kept-alive connections instead of opening one per send', async () => {
    const transport = transportFor();
    const first = fake.requests.length;

    for (let i = 0; i < 10; i += 1) await transport.send(sms());
    const sequential = new Set(fake.requests.slice(first).map((r) => r.connectionId));
    const second = fake.requests.length;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i += 1) await transport.send(sms());
    }));
    const parallel = new Set(fake.requests.slice(second).map((r) => r.connectionId));

    expect(sequential.size).toBe(1);
    expect(fake.requests.length - second).toBe(200);
    expect(parallel.size).toBeLessThanOrEqual(8);
  });

  it("gives the library Twilio's error JSON, so its RestException carries code, message and more_info", async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: createTwilioHttpClient({ baseUrl: fake.baseUrl }) });
    fake.failNext({ status: 400, code: 21211 });

    const error = await client.messages.create({ to: nextPhone(), from: LOCALITY_NUMBER, body: 'hola' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RestException);
    expect(error).toMatchObject({
      status: 400,
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
      moreInfo: 'https://www.twilio.com/docs/errors/21211',
    });
  });

  it('turns a refused message into a PermanentSendError with the Twilio code', async () => {
    fake.failNext({ status: 400, code: 21610 });

    const error = await transportFor().send(sms()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentSendError);
    expect(error).toMatchObject({ code: '21610', httpStatus: 400 });
  });

  it('turns a 429 into a TransientSendError with its Retry-After, and a 503 into one without', async () => {
    const transport = transportFor();
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    fake.failNext({ status: 503 });

    const throttled = await transport.send(sms()).catch((e: unknown) => e);
    const unavailable = await transport.send(sms()).catch((e: unknown) => e);

    expect(throttled).toBeInstanceOf(TransientSendError);
    expect(throttled).toMatchObject({ code: 'http_429', httpStatus: 429, retryAfterMs: 7_000 });
    expect(unavailable).toBeInstanceOf(TransientSendError);
    expect(unavailable).toMatchObject({ code: 'http_503', httpStatus: 503, retryAfterMs: null });
  });

  it('gives up after the timeout with a transient error, and the next send works', async () => {
    const transport = transportFor({ timeoutMs: 300 });
    fake.failNext({ acceptAfterMs: 900 });
    const started = Date.now();

    const error = await transport.send(sms()).catch((e: unknown) => e);
    const waited = Date.now() - started;
    const late = lastRequest();
    const next = await transport.send(sms());

    expect(error).toBeInstanceOf(TransientSendError);
    expect((error as TransientSendError).code).toBe('network_ECONNABORTED');
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(850);
    expect(next.providerSid).toMatch(/^SM/);
    // The fake kept the message but found nobody to answer: it was the client that gave up.
    while (late.responseStatus === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late.responseStatus).toBe(-1);
  });

  it('treats a dropped connection as transient, and the next send works', async () => {
    const transport = transportFor();
    await transport.send(sms()); // a kept-alive socket to reuse afterwards
    fake.failNext({ drop: true });

    const error = await transport.send(sms()).catch((e: unknown) => e);
    const next = await transport.send(sms());

    expect(error).toBeInstanceOf(TransientSendError);
    expect((error as TransientSendError).code).toBe('network_ECONNRESET');
    expect(next.providerSid).toMatch(/^SM/);
  });

  it('treats nobody listening as transient, and sends once Twilio is back', async () => {
    const transport = transportFor();
    await transport.send(sms());
    await fake.pause();
    // Let the client see its kept-alive socket closed (reusing it before would be ECONNRESET).
    await new Promise((resolve) => setTimeout(resolve, 50));

    const error = await transport.send(sms()).catch((e: unknown) => e);
    await fake.resume();
    const next = await transport.send(sms());

    expect(error).toBeInstanceOf(TransientSendError);
    expect((error as TransientSendError).code).toBe('network_ECONNREFUSED');
    expect(next.providerSid).toMatch(/^SM/);
  });

  it('asks Twilio for the recipient’s messages (To and From in the query) when looking one up', async () => {
    const transport = transportFor();
    const body = 'Su reclamo AV-2207 fue atendido.';
    const earlier = sms(body);
    const since = new Date(Date.now() - 2_000); // Twilio dates are whole seconds
    const wanted = await transport.send(earlier);
    // Newer and with the same text, but to someone else: found only if the filter was not sent.
    await transport.send({ ...sms(body), from: LOCALITY_NUMBER });

    const found = await transport.findSent!({ to: earlier.to, from: LOCALITY_NUMBER, channel: 'sms', body, since });

    expect(lastRequest().method).toBe('GET');
    expect(found).toEqual(wanted);
  });
});
