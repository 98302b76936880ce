import { findPhoneNumbersInText } from 'libphonenumber-js';
import { mayContainPhone, redactPhonesInText, redactPhonesInUrl } from '../../src/observability/phone-redaction';

describe('phone redaction for logged URLs', () => {
  it.each([
    ['/dev/phone/messages?phone=%2B51987654321', '/dev/phone/messages?phone=%5Bredacted%5D'],
    ['/x/whatsapp:+51987654321/y', '/x/whatsapp%3A%5Bredacted%5D/y'],
    ['/search?q=987654321&limit=5', '/search?q=%5Bredacted%5D&limit=5'],
    ['/webhooks/twilio/sms?To=anything', '/webhooks/twilio/sms?To=%5Bredacted%5D'],
  ])('masks the phone number in %s', (url, expected) => {
    expect(redactPhonesInUrl(url)).toBe(expected);
  });

  it.each([
    '/api/v1/tickets/4821937/timeline',
    '/api/v1/tickets/0b6f7a1e-1234-4abc-9def-123456789012',
    '/api/v1/tickets?created_from=2025-07-01T00:00:00Z&status=open&status=closed&limit=100',
  ])('leaves references, ids and dates readable in %s', (url) => {
    expect(redactPhonesInUrl(url)).toBe(url);
  });

  it('masks numbers written with spaces in free text', () => {
    expect(redactPhonesInText('llamar al +51 987 654 321 urgente')).toBe('llamar al [redacted] urgente');
  });
});

describe('the fast path for text without enough digits', () => {
  const fullMatcher = (text: string) => {
    let result = '';
    let cursor = 0;
    for (const match of findPhoneNumbersInText(text, 'PE')) {
      result += text.slice(cursor, match.startsAt) + '[redacted]';
      cursor = match.endsAt;
    }
    return result + text.slice(cursor);
  };

  it.each([
    '/webhooks/twilio/messages',
    '/api/v1/tickets',
    'llamar al 911',
    '+683 4002',
    '+683 4002 ahora',
    '9876',
    '+51 ９８７ ６５４ ３２１',
    '٩٨٧٦٥٤٣٢١',
    'tel +51 987 654 321',
    '/x/whatsapp:+51987654321/y',
  ])('gives what libphonenumber alone gives for %p', (text) => {
    expect(redactPhonesInText(text)).toBe(fullMatcher(text));
  });

  it('knows that few digits cannot be a phone number and that five may be', () => {
    expect(mayContainPhone('/webhooks/twilio/messages')).toBe(false);
    expect(mayContainPhone('1234')).toBe(false);
    expect(mayContainPhone('12 3 45')).toBe(true);
    expect(mayContainPhone('９８７６５')).toBe(true);
  });

  it('still masks a phone parameter in a URL without digits', () => {
    expect(redactPhonesInUrl('/webhooks/twilio/sms?To=anything&x=y')).toBe('/webhooks/twilio/sms?To=%5Bredacted%5D&x=y');
    expect(redactPhonesInUrl('/webhooks/twilio/messages')).toBe('/webhooks/twilio/messages');
  });
});
