import { EMPTY_TWIML } from '../../../src/messaging/inbound/inbound-router';
import {
  createIntakeHarness,
  postWebhook,
  signatureFor,
  twilioForm,
  type IntakeHarness,
} from '../../support/inbound-app';

describe('POST /webhooks/twilio/messages (signed mode)', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await createIntakeHarness({ label: 'inbound-webhook' });
  });
  afterAll(async () => {
    await h.close();
  });

  async function storedFrom(phone: string) {
    return h.repo.listUnprocessedInboundFrom(phone);
  }

  it('stores a validly signed SMS, enqueues one job keyed by the message id, and answers empty TwiML', async () => {
    const from = '+51911000001';
    const form = twilioForm({ From: from, Body: 'no hay agua desde ayer' });

    const response = await postWebhook(h.app, form);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.text).toBe(EMPTY_TWIML);
    const stored = await storedFrom(from);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      providerSid: form.MessageSid,
      channel: 'sms',
      fromPhone: from,
      toPhone: h.locality.phoneNumbers[0],
      body: 'no hay agua desde ayer',
      processedAt: null,
    });
    const job = await h.queues.inbound.getJob(stored[0]!.id);
    expect(job?.data).toEqual({ messageId: stored[0]!.id });
  });

  it('refuses a forged signature with 403 and stores nothing', async () => {
    const from = '+51911000002';
    const form = twilioForm({ From: from });
    const forged = signatureFor(form, { authToken: 'not-the-real-token-000000000000' });

    const response = await postWebhook(h.app, form, { signature: forged });

    expect(response.status).toBe(403);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('refuses a request without X-Twilio-Signature with 403 and stores nothing', async () => {
    const from = '+51911000003';
    const response = await postWebhook(h.app, twilioForm({ From: from }), { signature: null });

    expect(response.status).toBe(403);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('refuses a signed request whose Body was tampered with after signing', async () => {
    const from = '+51911000004';
    const form = twilioForm({ From: from, Body: 'corte de agua' });
    const signature = signatureFor(form);

    const response = await postWebhook(h.app, { ...form, Body: 'corte de agua en todo el barrio' }, { signature });

    expect(response.status).toBe(403);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('refuses a signature made for another URL (the path is part of what Twilio signs)', async () => {
    const from = '+51911000005';
    const form = twilioForm({ From: from });
    const signature = signatureFor(form, { url: 'https://aguavoz.example.pe/webhooks/twilio/status' });

    const response = await postWebhook(h.app, form, { signature });

    expect(response.status).toBe(403);
  });

  it('answers a sequential redelivery of the same MessageSid with 200 and keeps one message and one job', async () => {
    const from = '+51911000006';
    const form = twilioForm({ From: from });

    const first = await postWebhook(h.app, form);
    const second = await postWebhook(h.app, form);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.text).toBe(EMPTY_TWIML);
    const stored = await storedFrom(from);
    expect(stored).toHaveLength(1);
    expect((await h.inboundJobIds()).filter((id) => id === stored[0]!.id)).toHaveLength(1);
  });

  it('keeps one message when five deliveries of the same MessageSid arrive at once', async () => {
    const from = '+51911000007';
    const form = twilioForm({ From: from });
    const jobsBefore = (await h.inboundJobIds()).length;

    const responses = await Promise.all(Array.from({ length: 5 }, () => postWebhook(h.app, form)));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await storedFrom(from)).toHaveLength(1);
    expect((await h.inboundJobIds()).length).toBe(jobsBefore + 1);
  });

  it('keeps one message when the Redis dedupe key is gone and only the store can tell (second line of dedupe)', async () => {
    const from = '+51911000008';
    const form = twilioForm({ From: from });
    await postWebhook(h.app, form).expect(200);
    await h.redis.del(`${h.prefix}:inbound:sid:${form.MessageSid}`);
    const jobsBefore = await h.inboundJobIds();

    const again = await postWebhook(h.app, form);

    expect(again.status).toBe(200);
    expect(await storedFrom(from)).toHaveLength(1);
    expect(await h.inboundJobIds()).toEqual(jobsBefore);
  });

  it('answers 413 to a body over the size cap and stores nothing', async () => {
    const from = '+51911000009';
    const form = twilioForm({ From: from, Body: 'x'.repeat(70 * 1024) });

    const response = await postWebhook(h.app, form);

    expect(response.status).toBe(413);
    expect(await storedFrom(from)).toHaveLength(0);
  });

  it('stores an emoji and accented (UCS-2) body byte for byte', async () => {
    const from = '+51911000010';
    const body = 'Señor, el caño está seco 😡💧 desde el miércoles “ayuda”';
    await postWebhook(h.app, twilioForm({ From: from, Body: body })).expect(200);

    const [stored] = await storedFrom(from);
    expect(stored?.body).toBe(body);
  });

  it('accepts an MMS with an empty body and one photo', async () => {
    const from = '+51911000011';
    const form = twilioForm({
      From: from,
      Body: '',
      NumMedia: '1',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0',
      MediaContentType0: 'image/jpeg',
    });

    const response = await postWebhook(h.app, form);

    expect(response.status).toBe(200);
    const [stored] = await storedFrom(from);
    expect(stored?.body).toBe('');
    expect(stored?.media).toEqual([{ url: form.MediaUrl0, contentType: 'image/jpeg' }]);
  });

  it('answers 400 to a correctly signed form whose From is not a phone number, and stores nothing', async () => {
    const form = twilioForm({ From: '+51abc' });

    const response = await postWebhook(h.app, form);

    expect(response.status).toBe(400);
    expect(response.text).toMatch(/From/);
    expect(await h.repo.listUnprocessedInbound({ receivedBefore: '2999-01-01T00:00:00.000Z', limit: 1000 })).not.toContainEqual(
      expect.objectContaining({ providerSid: form.MessageSid }),
    );
  });

  it('answers 400 to a signed form without a MessageSid', async () => {
    const form = twilioForm({ From: '+51911000012' });
    delete (form as Record<string, string | undefined>).MessageSid;
    delete (form as Record<string, string | undefined>).SmsMessageSid;

    const response = await postWebhook(h.app, form);

    expect(response.status).toBe(400);
  });

  it('parses a WhatsApp location pin into the channel and a point', async () => {
    const from = '+51911000013';
    const form = twilioForm({
      From: `whatsapp:${from}`,
      To: `whatsapp:${h.locality.phoneNumbers[0]}`,
      Body: '',
      Latitude: '-12.0464',
      Longitude: '-77.0428',
      Label: 'Jr. Amazonas 123',
      ProfileName: 'Rosa',
      WaId: from.slice(1),
    });

    await postWebhook(h.app, form).expect(200);

    const [stored] = await storedFrom(from);
    expect(stored).toMatchObject({
      channel: 'whatsapp',
      fromPhone: from,
      toPhone: h.locality.phoneNumbers[0],
      location: { lat: -12.0464, lng: -77.0428, label: 'Jr. Amazonas 123' },
    });
  });

  it('keeps job payloads free of phone numbers', async () => {
    const from = '+51911000014';
    await postWebhook(h.app, twilioForm({ From: from })).expect(200);

    const [stored] = await storedFrom(from);
    const job = await h.queues.inbound.getJob(stored!.id);
    expect(JSON.stringify(job?.data)).not.toContain(from.slice(3));
  });
});

describe('POST /webhooks/twilio/messages (local mode, no auth token)', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await createIntakeHarness({ label: 'inbound-local', authToken: null });
  });
  afterAll(async () => {
    await h.close();
  });

  it('accepts an unsigned request from a loopback address', async () => {
    const from = '+51911000020';
    const response = await postWebhook(h.app, twilioForm({ From: from }), { signature: null });

    expect(response.status).toBe(200);
    expect(await h.repo.listUnprocessedInboundFrom(from)).toHaveLength(1);
  });

  it('refuses a request a proxy forwarded from a non-loopback address', async () => {
    const from = '+51911000021';
    const response = await postWebhook(h.app, twilioForm({ From: from }), { signature: null }).set(
      'X-Forwarded-For',
      '203.0.113.7',
    );

    expect(response.status).toBe(403);
    expect(await h.repo.listUnprocessedInboundFrom(from)).toHaveLength(0);
  });
});
