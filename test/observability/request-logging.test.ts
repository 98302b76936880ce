import express from 'express';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createRequestLogging } from '../../src/observability/request-logging';
import { loggerTo } from '../support/api-app';

const PHONE = '+51987654321';
const TOWN = '+51940000001';

interface LogLine {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  [key: string]: unknown;
}

let lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, callback) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    callback();
  },
});
const logs = (): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

const app = express();
app.use(createRequestLogging({ logger: loggerTo(sink) }));
app.post('/webhooks/twilio/sms', express.urlencoded({ extended: false }), (req, res) => {
  req.log.info({ From: req.body.From, fromPhone: PHONE, messageSid: req.body.MessageSid }, 'webhook received');
  res.type('text/xml').send('<Response/>');
});
app.get('/dev/phone/messages', (_req, res) => {
  res.json({ messages: [] });
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/metrics', (_req, res) => {
  res.type('text/plain').send('');
});
app.get('/boom', () => {
  throw new Error('kaput');
});
app.get('/missing', (_req, res) => {
  res.status(404).json({ error: { code: 'not_found' } });
});

beforeEach(() => {
  lines = [];
});

describe('request logging', () => {
  it('logs a Twilio-like webhook without any phone number, body text or signature', async () => {
    const form = new URLSearchParams({ From: `whatsapp:${PHONE}`, To: TOWN, Body: 'no hay agua en jr. lima', MessageSid: 'SM123' });
    await request(app)
      .post('/webhooks/twilio/sms?To=%2B51940000001')
      .set('X-Twilio-Signature', 'c2lnbmF0dXJl')
      .set('Authorization', 'Bearer av_secret')
      .type('form')
      .send(form.toString())
      .expect(200);
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const secret of ['987654321', '940000001', 'no hay agua', 'c2lnbmF0dXJl', 'av_secret']) {
      expect(text).not.toContain(secret);
    }
    const [handlerLine, requestLine] = logs();
    expect(handlerLine).toMatchObject({ msg: 'webhook received', From: '[redacted]', fromPhone: '[redacted]' });
    expect(requestLine).toMatchObject({ msg: expect.stringContaining('POST /webhooks/twilio/sms'), res: { statusCode: 200 } });
  });

  it('masks a phone number in the query string', async () => {
    await request(app).get('/dev/phone/messages').query({ phone: PHONE, after: '2025-07-28T15:00:00Z' }).expect(200);
    const text = lines.join('\n');
    expect(text).not.toContain('987654321');
    expect(logs()[0]!.req!.url).toContain('phone=%5Bredacted%5D');
    expect(logs()[0]!.req!.url).toContain('after=2025-07-28T15');
  });

  it('generates a request id, echoes it in x-request-id and stamps every line of the request with it', async () => {
    const res = await request(app).post('/webhooks/twilio/sms').type('form').send('From=%2B51987654321').expect(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs().map((line) => line.req?.id)).toEqual([id, id]);
  });

  it('honours a caller’s x-request-id but replaces one that could forge log lines', async () => {
    const kept = await request(app).get('/dev/phone/messages').set('x-request-id', 'lb-7f3a.42').expect(200);
    expect(kept.headers['x-request-id']).toBe('lb-7f3a.42');
    expect(logs()[0]!.req!.id).toBe('lb-7f3a.42');
    const replaced = await request(app).get('/dev/phone/messages').set('x-request-id', 'x" {"level":60,"msg":"forged"}').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stays quiet for /healthz and /metrics but still sets their request id', async () => {
    const res = await request(app).get('/healthz').expect(200);
    await request(app).get('/metrics').expect(200);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(lines).toEqual([]);
  });

  it('writes the request line exactly as the redacting logger would (it skips redaction, issue 11)', async () => {
    await request(app)
      .post('/webhooks/twilio/sms?From=%2B51987654321')
      .set('User-Agent', 'TwilioProxy/1.1')
      .type('form')
      .send('From=%2B51987654321')
      .expect(200);
    const written = lines[lines.length - 1]!;
    const { level, time, pid, hostname, name, msg, ...fields } = JSON.parse(written) as Record<string, unknown>;
    let redacted = '';
    const redacting = loggerTo(new Writable({ write: (chunk, _e, cb) => ((redacted = String(chunk).trim()), cb()) }));
    redacting.info(fields, msg as string);
    const again = JSON.parse(redacted) as Record<string, unknown>;
    expect({ ...again, time, pid, hostname, level }).toEqual(JSON.parse(written));
    expect(written).not.toContain('987654321');
  });

  it('masks a phone number in the caller’s User-Agent and keeps an ordinary one readable', async () => {
    await request(app).get('/missing').set('User-Agent', `bot ${PHONE}`).expect(404);
    await request(app).get('/missing').set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.8078.73').expect(404);
    expect(lines.join('\n')).not.toContain('987654321');
    expect(logs().map((line) => (line.req as { userAgent?: string }).userAgent)).toEqual(['bot [redacted]', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.8078.73']);
  });

  it('logs 4xx as warn and 5xx as error', async () => {
    await request(app).get('/missing').expect(404);
    await request(app).get('/boom').expect(500);
    expect(logs().map((line) => [line.level, line.res?.statusCode])).toEqual([
      [40, 404],
      [50, 500],
    ]);
  });
});
