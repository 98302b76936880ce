/**
 * The phone helpers, in particular that remembering E.164 answers (issue 11) gives exactly what
 * libphonenumber gives: asked twice, every value answers the same, and rejected ones stay rejected.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizePhone, parseTwilioAddress } from '../../src/shared/phone';

const direct = (value: string): string | null => {
  const parsed = parsePhoneNumberFromString(value.trim(), 'PE');
  return parsed && parsed.isPossible() ? parsed.number : null;
};

describe('normalizePhone', () => {
  const values = [
    '+51987654321', // Peruvian mobile
    '+5116000000', // Lima landline
    '+14155550100', // US
    '+447700900123', // UK
    '+5198765', // too short for Peru
    '+519876543210123', // too long
    '+12', // no plan has it
    '+999123456789', // no such country code
    '+0987654321', // no country code starts with 0
    '987654321', // national, read as Peruvian
    '+51 987 654 321',
    'juan',
    '',
  ];

  it.each(values)('answers %p as libphonenumber does, the first time and from memory', (value) => {
    const expected = direct(value);
    expect(normalizePhone(value)).toBe(expected);
    expect(normalizePhone(value)).toBe(expected);
    expect(normalizePhone(` ${value} `)).toBe(expected);
  });

  it('keeps refusing impossible E.164 numbers after many others were seen', () => {
    for (let i = 0; i < 12_000; i += 1) normalizePhone(`+5198${String(1_000_000 + i).slice(-7)}`);
    expect(normalizePhone('+5198765')).toBeNull();
    expect(normalizePhone('+51987654321')).toBe('+51987654321');
  });
});

describe('parseTwilioAddress', () => {
  it('reads SMS and WhatsApp addresses and refuses what is not a phone number', () => {
    expect(parseTwilioAddress('+51987654321')).toEqual({ channel: 'sms', phone: '+51987654321' });
    expect(parseTwilioAddress('whatsapp:+51987654321')).toEqual({ channel: 'whatsapp', phone: '+51987654321' });
    expect(parseTwilioAddress('whatsapp:+5198765')).toBeNull();
    expect(parseTwilioAddress('12')).toBeNull();
    expect(parseTwilioAddress(undefined)).toBeNull();
  });
});
