/**
 * RESUMEN on the resident channel, through the real conversation processor (container, SQLite,
 * Redis): a committee member gets the latest weekly summary; any other resident gets the public
 * version once a day, then a short "already sent today"; other messages still go to the flow.
 */
import { isSummaryKeyword, ON_DEMAND_KIND } from '../../src/committees/summary-on-demand';
import { newId } from '../../src/shared/ids';
import { startTestSystem, type TestSystem } from '../support/console-app';
import { anInboundMessage } from '../support/domain-fixtures';
import { TOWN_NUMBER } from '../support/inbound-app';

const clock = () => new Date('2025-07-15T15:00:00.000Z');
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({ label: 'summary-on-demand', clock });
});
afterAll(async () => {
  await system.close();
});

let sid = 0;
async function text(from: string, body: string): Promise<string[]> {
  const { container } = system;
  sid += 1;
  const message = anInboundMessage({ id: newId(), providerSid: `SMondemand${String(sid).padStart(24, '0')}`, fromPhone: from, toPhone: TOWN_NUMBER, body, receivedAt: clock().toISOString() });
  await container.repo.insertInboundMessage(message);
  const turns = await container.processor.processInboundMessage(message.id);
  const ids = turns.flatMap((t) => t.outboxIds);
  return Promise.all(ids.map(async (id) => (await container.repo.getOutbox(id))!)).then((rows) => rows.filter((r) => r.kind === ON_DEMAND_KIND).map((r) => r.body));
}

describe('RESUMEN on demand', () => {
  it('recognises RESUMEN, SUMMARY and the Quechua draft word, whole message only', () => {
    expect(['RESUMEN', 'resumen.', 'Summary', ' Willakuy ', 'resúmen'].every(isSummaryKeyword)).toBe(true);
    expect(isSummaryKeyword('quiero un resumen')).toBe(false);
  });

  it("a member gets last week's stored summary; a resident the public version once a day", async () => {
    const { container, locality } = system;
    await container.committees.add(locality.slug, { name: 'Juana Mamani', phone: '+51911000201' });
    const week = container.summaries.resolveWeek(locality);
    await container.summaries.summaryFor(locality, week);
    const [member] = await text('+51911000201', 'RESUMEN');
    expect(member).toContain('Villa Rica 07/07-13/07');
    expect(await text('+51911000201', 'resumen')).toHaveLength(1);

    const [first] = await text('+51911000202', 'RESUMEN');
    expect(first).toContain('Villa Rica 07/07-13/07');
    const [second] = await text('+51911000202', 'RESUMEN');
    expect(second).toBe('Ya le enviamos el resumen de hoy. Mañana puede pedir otro con RESUMEN.');
    expect(await text('+51911000203', 'no hay agua')).toEqual([]);
  });
});
