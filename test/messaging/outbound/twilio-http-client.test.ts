import { parseRetryAfter, rebaseUrl } from '../../../src/messaging/outbound/twilio-http-client';
import { classifyTwilioError } from '../../../src/messaging/outbound/twilio-transport';
import { PermanentSendError, TransientSendError } from '../../../src/messaging/outbound/transport';

describe('routing Twilio calls to TWILIO_API_BASE_URL', () => {
  it('keeps the path and query under the configured origin and path prefix', () => {
    const original = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=5';

    expect(rebaseUrl(original, new URL('http://127.0.0.1:4010'))).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=5');
    expect(rebaseUrl(original, new URL('https://staging.example.pe/twilio/'))).toBe(
      'https://staging.example.pe/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=5',
    );
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('sorting Twilio failures', () => {
  it('treats 4xx with a Twilio code as permanent and keeps the code, not Twilio’s text', () => {
    const error = classifyTwilioError({ status: 400, code: 21211, message: "The 'To' number +51987654321 is not a valid phone number." });

    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).code).toBe('21211');
    expect((error as Error).message).not.toContain('987654321');
  });

  it('treats 5xx, 429 and socket errors as transient', () => {
    expect(classifyTwilioError({ status: 503, code: 20503 })).toBeInstanceOf(TransientSendError);
    expect(classifyTwilioError({ status: 429, code: 20429 })).toBeInstanceOf(TransientSendError);
    expect((classifyTwilioError({ code: 'ECONNRESET', message: 'socket hang up' }) as TransientSendError).code).toBe('network_ECONNRESET');
  });

  it('returns programming errors unchanged', () => {
    const bug = new TypeError('x is not a function');

    expect(classifyTwilioError(bug)).toBe(bug);
  });
});
