/**
 * A main breaks in Barrio Alto and 200 neighbours report it at once, through the signed webhook,
 * with the real workers, real Redis and a real SQLite file: one incident with 200 tickets, none
 * lost, none duplicated, none in a second incident, and everyone who joined is told at once.
 */
import { eventually, startIncidentSystem, type IncidentSystem } from '../support/incident-system';

jest.setTimeout(180_000);

const RESIDENTS = 200;
const phoneOf = (i: number) => `+5198${String(1_000_000 + i).slice(-7)}`;

async function inBatches(count: number, size: number, each: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => each(start + k)));
  }
}

describe('a burst of reports about one broken main', () => {
  let s: IncidentSystem;

  beforeAll(async () => {
    s = await startIncidentSystem({ label: 'burst' });
    await s.startWorkers();
  });

  afterAll(async () => {
    await s.close();
  });

  async function processedCount(): Promise<number> {
    const pending = await s.container.repo.listUnprocessedInbound({ receivedBefore: '9999-01-01T00:00:00.000Z', limit: 1000 });
    return pending.length;
  }

  it('200 concurrent reports in one sector become one incident with 200 tickets, each resident told it is known', async () => {
    const started = Date.now();
    // The conversation up to the sector question, for everyone.
    await inBatches(RESIDENTS, 50, (i) => s.text(phoneOf(i), 'no hay agua desde ayer'));
    await eventually(async () => (await processedCount()) === 0, { what: 'first messages processed' });
    await inBatches(RESIDENTS, 50, (i) => s.text(phoneOf(i), '1'));
    await eventually(async () => (await processedCount()) === 0, { what: 'second messages processed' });
    // The report itself: all 200 at once.
    await Promise.all(Array.from({ length: RESIDENTS }, (_, i) => s.text(phoneOf(i), 'barrio alto')));
    const tickets = await eventually(
      async () => {
        const page = await s.container.repo.listTickets({ localityIds: [s.locality.id], limit: 500 });
        return page.items.length >= RESIDENTS && (await processedCount()) === 0 ? page.items : undefined;
      },
      { what: '200 tickets' },
    );
    const elapsedMs = Date.now() - started;

    expect(tickets).toHaveLength(RESIDENTS);
    expect(new Set(tickets.map((t) => t.residentId)).size).toBe(RESIDENTS);
    expect(new Set(tickets.map((t) => t.reference)).size).toBe(RESIDENTS);
    const incidentIds = new Set(tickets.map((t) => t.incidentId));
    expect(incidentIds.size).toBe(1);
    const [incidentId] = [...incidentIds];
    expect(incidentId).toEqual(expect.any(String));
    const incidents = await s.container.repo.listIncidents({ localityIds: [s.locality.id] });
    expect(incidents).toEqual([expect.objectContaining({ id: incidentId, status: 'open', sectors: ['Barrio Alto'], ticketCount: RESIDENTS, residentCount: RESIDENTS })]);
    // Its 18-hour outage clock was started by the reports themselves.
    expect(await s.container.queues.incidents.getJob(`truck-${incidentId}`)).toBeDefined();

    // Everyone but the first reporter is told at once that it is known, with a true count.
    const known = await eventually(
      async () => {
        const rows = await Promise.all(tickets.map(async (t) => (await s.container.repo.listOutboxByResident(t.residentId, { limit: 20 })).filter((r) => r.kind === 'incident_known')));
        return rows.flat().length === RESIDENTS - 1 ? rows : undefined;
      },
      { what: 'the "we already know" rows' },
    );
    const counts = known.flat().map((row) => Number(/(\d+) vecinos lo reportaron/.exec(row.body)?.[1]));
    expect(new Set(counts).size).toBe(RESIDENTS - 1);
    expect(Math.max(...counts)).toBe(RESIDENTS);
    expect(Math.min(...counts)).toBe(2);
    expect(known.flat()[0]!.body).toContain('Ya sabemos del corte de agua en Barrio Alto');
    // Bounded: the whole burst (600 webhooks, 600 turns) stays well under the jest timeout.
    expect(elapsedMs).toBeLessThan(170_000);
  });
});
