import { createInboundWorker } from '../../src/conversation/inbound-worker';
import { createTestRedis } from '../support/redis';
import { createConversationHarness, postWebhook, testLogger, twilioForm, type ConversationHarness } from '../support/inbound-app';

/** The same outage report, one message per line, and what the ticket must say at the end. */
const REPORT = ['hola', '1', '2', '3', 'La Florida'];
const EXPECTED = { category: 'outage', details: expect.objectContaining({ scope: 'home', since: 'days' }), sector: 'La Florida', priority: 'high' };

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("one resident's messages are processed in arrival order even when their jobs race", () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'arrival-order' });
  });
  afterAll(async () => {
    await h.close();
  });

  async function postAll(from: string): Promise<string[]> {
    for (const text of REPORT) await postWebhook(h.app, twilioForm({ From: from, Body: text })).expect(200);
    return (await h.repo.listUnprocessedInboundFrom(from)).map((m) => m.id);
  }

  async function expectOneCompleteReport(from: string) {
    const resident = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toEqual([expect.objectContaining(EXPECTED)]);
    const bodies = (await h.repliesTo(from)).map((row) => row.body);
    expect(bodies.slice(0, 4)).toEqual([
      h.text('privacy.notice'),
      expect.stringContaining('Villa Rica'),
      h.text('outage.ask_scope'),
      h.text('outage.ask_since'),
    ]);
    expect(bodies).toContain(h.text('outage.confirmed', { reference: items[0]!.reference }));
    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
  }

  it('when five processor calls start at once, newest first', async () => {
    const from = '+51999000001';
    const ids = await postAll(from);
    expect(ids).toHaveLength(REPORT.length);

    const turns = await Promise.all([...ids].reverse().map((id) => h.processor.processInboundMessage(id)));

    expect(turns.flat().map((turn) => turn.messageId)).toEqual(ids);
    await expectOneCompleteReport(from);
  });

  it('when five messages wait for a BullMQ worker running five jobs at a time', async () => {
    const from = '+51999000002';
    const ids = await postAll(from);
    expect(ids).toHaveLength(REPORT.length);
    const connection = createTestRedis({ forBullmq: true });
    const worker = createInboundWorker({ connection, prefix: h.prefix, processor: h.processor, logger: testLogger, concurrency: 5 });
    try {
      await waitUntil(async () => (await h.repo.listUnprocessedInboundFrom(from)).length === 0, 15_000);
    } finally {
      await worker.close();
      connection.disconnect();
    }

    await expectOneCompleteReport(from);
  });
});
