/**
 * The webhooks' lean form reader (issue 11) against the parser it replaces: the same raw request
 * posted to a route with `twilioFormBody` and to one with `express.urlencoded({ extended: false })`
 * must get the same status and the same `req.body`, for Twilio's forms and for odd ones.
 */
import { gzipSync } from 'node:zlib';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { twilioFormBody } from '../../src/http/twilio-form-body';

const LIMIT = 2048;
const app = express();
const echo: express.RequestHandler = (req, res) => {
  res.json({ body: req.body === undefined ? '(none)' : req.body });
};
app.post('/lean', twilioFormBody({ limit: LIMIT, parameterLimit: 20 }), echo);
app.post('/general', express.urlencoded({ extended: false, limit: LIMIT, parameterLimit: 20 }), echo);
const onError: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(error.status ?? 500).json({ error: error.type ?? 'unknown' });
};
app.use(onError);

async function both(body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }) {
  const send = (path: string) => {
    let req = request(app).post(path);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send(body);
  };
  const [lean, general] = await Promise.all([send('/lean'), send('/general')]);
  return { lean: { status: lean.status, body: lean.body as unknown }, general: { status: general.status, body: general.body as unknown } };
}

describe('twilioFormBody', () => {
  it('reads a Twilio form', async () => {
    const form = new URLSearchParams({ MessageSid: `SM${'a'.repeat(32)}`, From: 'whatsapp:+51987654321', To: '+51940000001', Body: 'Señor, no hay agua 😡 [urgente] 50% & más' });
    const { lean, general } = await both(form.toString());
    expect(lean).toEqual({ status: 200, body: { body: Object.fromEntries(form) } });
    expect(lean).toEqual(general);
  });

  const TOKENS = ['a', 'From', 'Body', '__proto__', '%5F_proto__', 'constructor', 'toString', '0', '1', '=', '=', '&', '&', '+', '%', '%2', '%2B', '%41', '%C3%28', '%E2%9C%93', '%F0%9F%98%A1', '%5B', '%5d', '[', ']', '[]', '%00', 'é', '😡', '%25', '\ufeff', 'utf8=%E2%9C%93'];
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const bodies = Array.from({ length: 400 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 14) }, () => TOKENS[Math.floor(random() * TOKENS.length)]).join(''),
  );

  // Forms of a few fields from a handful of names, so that repeated fields are common.
  const KEYS = ['From', 'Body', 'a', 'a+b', '%41', '0', '', '__proto__', 'constructor', 'x%5B0%5D', 'MediaUrl[]'];
  const piece = () => TOKENS.filter((token) => token !== '&')[Math.floor(random() * (TOKENS.length - 2))];
  const forms = Array.from({ length: 300 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, () => `${KEYS[Math.floor(random() * KEYS.length)]}=${piece()}${piece()}`).join('&'),
  );

  it('parses 300 forms with repeated fields exactly as body-parser does', async () => {
    expect(forms.filter((form) => /(^|&)From=.*&From=/.test(form)).length).toBeGreaterThan(10);
    for (const form of forms) {
      const { lean, general } = await both(form);
      expect({ form, ...lean }).toEqual({ form, ...general });
    }
  });

  it('parses 400 odd forms exactly as body-parser does', async () => {
    for (const body of bodies) {
      const { lean, general } = await both(body);
      expect({ form: body, ...lean }).toEqual({ form: body, ...general });
    }
  });

  it.each([
    ['too many fields (413)', 'a=1&'.repeat(25), undefined],
    ['a body over the limit (413)', `Body=${'x'.repeat(LIMIT)}`, undefined],
    ['another charset (415)', 'Body=agua', { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-16' }],
    ['latin-1', 'Body=a%F1o', { 'Content-Type': 'application/x-www-form-urlencoded; charset=ISO-8859-1' }],
    ['UTF-8 named in capitals', 'Body=a%C3%B1o', { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }],
    ['a JSON body (not parsed)', '{"Body":"x"}', { 'Content-Type': 'application/json' }],
    ['an unknown content encoding (415)', 'Body=x', { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'compress' }],
    ['an empty body', '', undefined],
  ])('answers %s as body-parser does', async (_label, body, headers) => {
    const { lean, general } = await both(body, headers);
    expect(lean).toEqual(general);
  });

  it('answers a gzipped form as body-parser does (it inflates it)', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const post = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' },
        body: gzipSync('Body=agua&From=%2B51987654321'),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      const lean = await post('/lean');
      expect(lean).toEqual({ status: 200, body: { body: { Body: 'agua', From: '+51987654321' } } });
      expect(lean).toEqual(await post('/general'));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
