/**
 * The signed-webhook load: autocannon posting Twilio's inbound form, each request with a fresh
 * MessageSid and its real `X-Twilio-Signature` (computed by the twilio library, as Twilio does),
 * so AguaVoz does all of its work every time (no dedupe short-cut). The baseline gets the same
 * requests; it ignores the signature.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface SignedForm {
  authToken: string;
  /** The public URL the signature covers (PUBLIC_BASE_URL + path). */
  signedUrl: string;
  townNumber: string;
  /** Residents' phones to draw senders from. */
  phones: string[];
}

export function signedRequestBody(form: SignedForm, from: string, body: string): { body: string; signature: string } {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    ToCountry: 'PE',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: body,
    To: form.townNumber,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    ApiVersion: '2010-04-01',
  };
  const signature = twilio.getExpectedTwilioSignature(form.authToken, form.signedUrl, params);
  return { body: new URLSearchParams(params).toString(), signature };
}

export async function runWebhookLoad(options: {
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
  form: SignedForm;
}): Promise<LoadResult> {
  let counter = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 20,
    requests: [
      {
        method: 'POST',
        path: options.path,
        setupRequest: (request: autocannon.Request) => {
          const signed = signedRequestBody(options.form, options.form.phones[counter++ % options.form.phones.length]!, 'hola');
          return {
            ...request,
            body: signed.body,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed.signature },
          };
        },
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
