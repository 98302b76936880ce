import { createRequire } from 'node:module';
import { encodeTwilioForm } from '../../../src/messaging/outbound/twilio-form';

// What the library's default client sends: qs, as the twilio package itself depends on it.
const qs = createRequire(require.resolve('twilio'))('qs') as { stringify(data: object, options: { arrayFormat: 'repeat' }): string };
const asTheLibrary = (data: object) => qs.stringify(data, { arrayFormat: 'repeat' });

describe('form encoding of Twilio requests', () => {
  it('matches the library’s own encoding byte for byte', () => {
    const samples: object[] = [
      { To: '+51987654321', From: 'whatsapp:+51940000001', Body: 'Señora: corte & reparación = 2 h (aprox.) * \'hoy\' + mañana 💧 ~_.-!' },
      { To: '+51987654321', MessagingServiceSid: 'MG123', ContentSid: 'HX1', ContentVariables: '{"1":"Su reclamo 4821"}' },
      { MediaUrl: ['https://a.example/1.jpg', 'https://a.example/2.jpg'], Empty: [], Skipped: undefined, Null: null, Flag: 'true', Count: 3 },
      { 'Key With Spaces': 'línea 1\nlínea 2\r\n\ttab', PageSize: 50, DateSent: new Date('2026-03-01T12:00:00Z') },
      {},
    ];

    for (const sample of samples) expect(encodeTwilioForm(sample)).toBe(asTheLibrary(sample));
  });

  it('sends U+FFFD for a lone surrogate instead of throwing', () => {
    expect(encodeTwilioForm({ Body: 'agua \uD83D' })).toBe('Body=agua%20%EF%BF%BD');
  });

  it('refuses a nested object rather than guessing its encoding', () => {
    expect(() => encodeTwilioForm({ Nested: { a: 1 } })).toThrow(TypeError);
  });
});
