/**
 * Issue 7, "also prove", the webhook as an attacker meets it: signatures made for another host,
 * port or scheme and X-Forwarded-* tricks are refused; a 2 MB body is 413; invalid UTF-8, NUL
 * bytes and `__proto__` keys are stored safely as text; a JSON body is a 4xx, never stored.
 */
import request from 'supertest';
import { INBOUND_WEBHOOK_PATH } from '../../src/messaging/inbound/inbound-router';
import { createIntakeHarness, postWebhook, signatureFor, twilioForm, type IntakeHarness } from '../support/inbound-app';

describe('the inbound webhook under attack', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await createIntakeHarness({ label: 'webhook-abuse' });
  });
  afterAll(async () => {
    await h.close();
  });

  const storedFrom = (phone: string) => h.repo.listUnprocessedInboundFrom(phone);

  it.each([
    ['another host', 'https://evil.example.pe'],
    ['another port', 'https://aguavoz.example.pe:8443'],
    ['another scheme', 'http://aguavoz.example.pe'],
  ])('refuses a signature made for %s with 403', async (_label, base) => {
    const from = `+519120000${String(base.length).padStart(2, '0')}`;
    const form = twilioForm({ From: from });
    const response = await postWebhook(h.app, form, { signature: signatureFor(form, { url: `${base}${INBOUND_WEBHOOK_PATH}` }) });
    expect(response.status).toBe(403);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('ignores X-Forwarded-Host/Proto: a signature for the forwarded URL is still refused', async () => {
    const from = '+51912000101';
    const form = twilioForm({ From: from });
    const response = await request(h.app)
      .post(INBOUND_WEBHOOK_PATH)
      .set('X-Forwarded-Host', 'evil.example.pe')
      .set('X-Forwarded-Proto', 'http')
      .set('X-Twilio-Signature', signatureFor(form, { url: `http://evil.example.pe${INBOUND_WEBHOOK_PATH}` }))
      .type('form')
      .send(new URLSearchParams(form).toString());
    expect(response.status).toBe(403);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('answers a replayed, validly signed request with 200 and no second message', async () => {
    const from = '+51912000102';
    const form = twilioForm({ From: from });
    await postWebhook(h.app, form).expect(200);
    await postWebhook(h.app, form).expect(200);
    expect(await storedFrom(from)).toHaveLength(1);
  });

  it('answers 413 to a 2 MB body and stores nothing', async () => {
    const from = '+51912000103';
    const form = twilioForm({ From: from, Body: 'a'.repeat(2 * 1024 * 1024) });
    const response = await postWebhook(h.app, form, { signature: 'not-computed' });
    expect(response.status).toBe(413);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  /** Posts a raw form body signed over what the webhook's parser makes of it. */
  async function postRaw(from: string, extra: string, parsedExtra: Record<string, string>) {
    const base = new URLSearchParams(twilioForm({ From: from, Body: 'placeholder' }));
    base.delete('Body');
    const parsed = { ...Object.fromEntries(base), ...parsedExtra };
    return request(h.app).post(INBOUND_WEBHOOK_PATH).set('X-Twilio-Signature', signatureFor(parsed)).type('form').send(`${base.toString()}&${extra}`);
  }

  it('stores a NUL byte and drops a __proto__ field without polluting anything', async () => {
    const from = '+51912000104';
    const response = await postRaw(from, 'Body=agua%00+sucia&__proto__=polluted', { Body: 'agua\u0000 sucia' });

    expect(response.status).toBe(200);
    expect((await storedFrom(from))[0]?.body).toBe('agua\u0000 sucia');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps a body that is not valid UTF-8 as the text it arrived as, instead of losing it', async () => {
    const from = '+51912000106';
    // `%C3%28` is not valid UTF-8; Twilio never sends it, an attacker may. The parser keeps it undecoded.
    const response = await postRaw(from, 'Body=agua+%C3%28', { Body: 'agua %C3%28' });

    expect(response.status).toBe(200);
    expect((await storedFrom(from))[0]?.body).toBe('agua %C3%28');
  });

  it('answers a JSON body with a 4xx and stores nothing', async () => {
    const from = '+51912000105';
    const form = twilioForm({ From: from });
    const response = await request(h.app)
      .post(INBOUND_WEBHOOK_PATH)
      .set('X-Twilio-Signature', signatureFor(form))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(form));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await storedFrom(from)).toHaveLength(0);
  });

});
