import { Writable } from 'node:stream';
import pino from 'pino';
import { createLocalTransport } from '../../../src/messaging/outbound/local-transport';

describe('local transport (no Twilio account)', () => {
  function capturingLogger() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    return { logger: pino({ level: 'info' }, stream), lines };
  }

  it('records the message, returns a LOCAL sid and logs one line that masks the number', async () => {
    const { logger, lines } = capturingLogger();
    const transport = createLocalTransport({ logger, now: () => new Date('2026-03-01T12:00:00Z') });

    const result = await transport.send({ to: '+51987654321', from: '+51940000001', body: 'Su reclamo 4821.', channel: 'sms', outboxId: 'ob-1' });

    expect(result.providerSid).toMatch(/^LOCAL[0-9a-f]{32}$/);
    expect(transport.recent()).toEqual([
      expect.objectContaining({ to: '+51987654321', body: 'Su reclamo 4821.', providerSid: result.providerSid, sentAt: '2026-03-01T12:00:00.000Z' }),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NOT sent to any phone');
    expect(lines[0]).toContain('4321');
    expect(lines[0]).not.toContain('987654321');
  });

  it('never logs the text: a staff alert can quote what a resident wrote', async () => {
    const { logger, lines } = capturingLogger();
    const transport = createLocalTransport({ logger });

    await transport.send({
      to: '+51987654321',
      from: '+51940000001',
      body: 'Nuevo reclamo 4821: soy Rosa Quispe tel 987000555, no hay agua',
      channel: 'sms',
      outboxId: 'ob-2',
    });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ob-2');
    expect(lines[0]).not.toContain('Rosa Quispe');
    expect(lines[0]).not.toContain('987000555');
    expect(lines[0]).not.toContain('no hay agua');
  });

  it('keeps only the newest messages up to its capacity', async () => {
    const { logger } = capturingLogger();
    const transport = createLocalTransport({ logger, capacity: 2 });

    for (const body of ['uno', 'dos', 'tres']) {
      await transport.send({ to: '+51987654321', from: null, body, channel: 'whatsapp' });
    }

    expect(transport.recent().map((message) => message.body)).toEqual(['dos', 'tres']);
  });
});
