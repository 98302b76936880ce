/**
 * How `AVISO <sectores> <desde> <hasta> <texto>` is read, in the town's time zone, and how the
 * broadcast pacing spreads send jobs (pure parts, no I/O).
 */
import { parseNoticeCommand } from '../../src/incidents/incident-commands';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { createQueues } from '../../src/queues/queues';
import { createTestRedis, deletePrefix, uniquePrefix } from '../support/redis';

const LIMA = 'America/Lima';
// 09:30 in Lima on 1 Dec 2026.
const NOW = '2026-12-01T14:30:00.000Z';

describe('reading an AVISO command', () => {
  it('takes the words before the first time as sectors, split on commas, "+" and "y"', () => {
    expect(parseNoticeCommand('Centro y Barrio Alto 14:00 18:00 Cambio de válvula', { timeZone: LIMA, now: NOW })).toEqual({
      kind: 'planned_cut',
      sectors: ['Centro', 'Barrio Alto'],
      startsAt: '2026-12-01T19:00:00.000Z',
      endsAt: '2026-12-01T23:00:00.000Z',
      text: 'Cambio de válvula',
    });
    expect(parseNoticeCommand('Centro,San Juan+La Florida 8 12 limpieza', { timeZone: LIMA, now: NOW })?.sectors).toEqual(['Centro', 'San Juan', 'La Florida']);
  });

  it('reads dated times, and an end time earlier than the start as the next day', () => {
    expect(parseNoticeCommand('Centro 3/12-22:00 06:00 obra nocturna', { timeZone: LIMA, now: NOW })).toMatchObject({
      startsAt: '2026-12-04T03:00:00.000Z',
      endsAt: '2026-12-04T11:00:00.000Z',
    });
  });

  it('answers null when a part is missing, so the operator gets the usage', () => {
    expect(parseNoticeCommand('Centro 14:00 18:00', { timeZone: LIMA, now: NOW })).toBeNull();
    expect(parseNoticeCommand('14:00 18:00 texto', { timeZone: LIMA, now: NOW })).toBeNull();
    expect(parseNoticeCommand('Centro mañana texto', { timeZone: LIMA, now: NOW })).toBeNull();
  });
});

describe('broadcast pacing (real BullMQ queue on the test Redis)', () => {
  const prefix = uniquePrefix('pacing');
  const connection = createTestRedis({ forBullmq: true });
  const queues = createQueues({ connection, prefix });

  afterAll(async () => {
    await deletePrefix(connection, prefix);
    await queues.close();
    connection.disconnect();
  });

  it('gives send job i a delay of firstDelay + i × spacing, keyed by the outbox id', async () => {
    const dispatcher = createSendDispatcher({ queue: queues.send });
    await expect(dispatcher.enqueue(['a', 'b', 'c'], { spacingMs: 1000, firstDelayMs: 5000 })).resolves.toEqual({ enqueued: ['a', 'b', 'c'], deferred: [] });
    const jobs = await Promise.all(['a', 'b', 'c'].map((id) => queues.send.getJob(id)));
    expect(jobs.map((job) => [job?.id, job?.opts.delay])).toEqual([
      ['a', 5000],
      ['b', 6000],
      ['c', 7000],
    ]);
    expect(await queues.send.getDelayedCount()).toBe(3);
  });
});
