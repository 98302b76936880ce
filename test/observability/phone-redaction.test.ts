import { redactPhonesInText, redactPhonesInUrl } from '../../src/observability/phone-redaction';

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
