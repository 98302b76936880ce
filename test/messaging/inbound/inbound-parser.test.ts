import { InvalidInboundMessageError, parseInboundForm } from '../../../src/messaging/inbound/inbound-parser';

const META = { id: 'msg-1', receivedAt: '2025-03-01T12:00:00.000Z' };
const SID = `SM${'a'.repeat(32)}`;

function parse(form: Record<string, string>) {
  return parseInboundForm(form, META);
}

function issuesOf(form: Record<string, string>): string[] {
  try {
    parse(form);
  } catch (error) {
    if (error instanceof InvalidInboundMessageError) return error.issues;
    throw error;
  }
  throw new Error('expected the form to be refused');
}

describe('parseInboundForm', () => {
  it('reads an SMS, normalising the sender to E.164', () => {
    const message = parse({ MessageSid: SID, From: '+51 987 654 321', To: '+51940000001', Body: 'hola', NumMedia: '0' });

    expect(message).toEqual({
      id: 'msg-1',
      providerSid: SID,
      channel: 'sms',
      fromPhone: '+51987654321',
      toPhone: '+51940000001',
      body: 'hola',
      media: [],
      location: null,
      receivedAt: META.receivedAt,
      processedAt: null,
      residentId: null,
      localityId: null,
    });
  });

  it('takes SmsMessageSid when MessageSid is absent (older webhooks)', () => {
    expect(parse({ SmsMessageSid: SID, From: '+51987654321', To: '+51940000001', Body: 'x' }).providerSid).toBe(SID);
  });

  it('reads a WhatsApp sender as the whatsapp channel with the prefix removed', () => {
    const message = parse({ MessageSid: SID, From: 'whatsapp:+51987654321', To: 'whatsapp:+51940000001', Body: 'hola' });

    expect(message.channel).toBe('whatsapp');
    expect(message.fromPhone).toBe('+51987654321');
    expect(message.toPhone).toBe('+51940000001');
  });

  it('collects every media item up to NumMedia', () => {
    const message = parse({
      MessageSid: SID,
      From: '+51987654321',
      To: '+51940000001',
      NumMedia: '2',
      MediaUrl0: 'https://example.com/0',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://example.com/1',
    });

    expect(message.body).toBe('');
    expect(message.media).toEqual([
      { url: 'https://example.com/0', contentType: 'image/jpeg' },
      { url: 'https://example.com/1', contentType: null },
    ]);
  });

  it('reads a location pin, using Address when there is no Label', () => {
    const message = parse({ MessageSid: SID, From: 'whatsapp:+51987654321', To: 'whatsapp:+51940000001', Latitude: '-13.16', Longitude: '-74.22', Address: 'Plaza de Armas' });

    expect(message.location).toEqual({ lat: -13.16, lng: -74.22, label: 'Plaza de Armas' });
  });

  it.each([
    ['no sid at all', { From: '+51987654321', To: '+51940000001' }, 'MessageSid'],
    ['a sid that is not a Twilio sid', { MessageSid: 'hello', From: '+51987654321', To: '+51940000001' }, 'MessageSid'],
    ['a sender that is not a phone number', { MessageSid: SID, From: 'juan', To: '+51940000001' }, 'From'],
    ['a receiving number that is not a phone number', { MessageSid: SID, From: '+51987654321', To: '12' }, 'To'],
    ['a non-numeric NumMedia', { MessageSid: SID, From: '+51987654321', To: '+51940000001', NumMedia: 'two' }, 'NumMedia'],
    ['more media than Twilio ever sends', { MessageSid: SID, From: '+51987654321', To: '+51940000001', NumMedia: '50' }, 'NumMedia'],
    ['NumMedia without the media URL', { MessageSid: SID, From: '+51987654321', To: '+51940000001', NumMedia: '1' }, 'MediaUrl0'],
    ['a latitude out of range', { MessageSid: SID, From: '+51987654321', To: '+51940000001', Latitude: '123', Longitude: '1' }, 'Latitude'],
    ['a latitude without a longitude', { MessageSid: SID, From: '+51987654321', To: '+51940000001', Latitude: '-12' }, 'Longitude'],
  ])('refuses %s, naming the field and not its value', (_label, form, field) => {
    const issues = issuesOf(form as Record<string, string>);

    expect(issues.join(' ')).toContain(field);
    expect(issues.join(' ')).not.toContain('987654321');
  });
});
