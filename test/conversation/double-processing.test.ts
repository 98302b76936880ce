/**
 * A message is processed once even when two workers run its turn at the same time, as happens
 * if a resident lock expires mid-turn: the store refuses the second commit whole and the
 * processor skips the message instead of failing the job.
 */
import { createConversationProcessor, type ConversationProcessor } from '../../src/conversation/conversation-processor';
import { createResidentLock } from '../../src/shared/resident-lock';
import type { Repository } from '../../src/store/repository';
import { createConversationHarness, postWebhook, twilioForm, type ConversationHarness } from '../support/inbound-app';

/**
 * The real store, except that the first `parties` reads of a phone's unprocessed messages wait
 * for one another: every worker has then seen the message as unprocessed. Later reads pass.
 */
function withReadBarrier(repo: Repository, parties: number): Repository {
  const waiting: Array<() => void> = [];
  let arrived = 0;
  return new Proxy(repo, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'listUnprocessedInboundFrom') return typeof value === 'function' ? value.bind(target) : value;
      return async (fromPhone: string) => {
        const rows = await target.listUnprocessedInboundFrom(fromPhone);
        arrived += 1;
        if (arrived < parties) await new Promise<void>((resolve) => waiting.push(resolve));
        else for (const release of waiting.splice(0)) release();
        return rows;
      };
    },
  });
}

describe('the same message processed by two workers at once (a lost resident lock)', () => {
  let h: ConversationHarness;
  let workers: ConversationProcessor[];

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'double-processing' });
    const repo = withReadBarrier(h.repo, 2);
    // Separate lock prefixes: neither worker waits for the other, as if the lock had expired.
    workers = ['worker-a', 'worker-b'].map((name) =>
      createConversationProcessor({ ...h.processorDeps, repo, lock: createResidentLock({ redis: h.redis, prefix: `${h.prefix}:${name}` }) }),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  async function sendJobIds(): Promise<string[]> {
    const jobs = await h.queues.send.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
    return jobs.map((job) => String(job.id));
  }

  it('opens one ticket and queues one set of replies; the late worker skips the message without failing', async () => {
    const from = '+51966000001';
    for (const text of ['hola', '1', 'toda la calle', 'desde ayer']) await h.say(from, text);
    await postWebhook(h.app, twilioForm({ From: from, Body: '2' })).expect(200);
    const [pending] = await h.repo.listUnprocessedInboundFrom(from);
    const repliesBefore = new Set((await h.repliesTo(from)).map((row) => row.id));
    const jobsBefore = new Set(await sendJobIds());

    const turns = (await Promise.all(workers.map((worker) => worker.processInboundMessage(pending!.id)))).flat();

    expect(turns.map((turn) => turn.outcome).sort()).toEqual(['already_processed', 'processed']);
    const done = turns.find((turn) => turn.outcome === 'processed')!;
    const skipped = turns.find((turn) => turn.outcome === 'already_processed')!;
    expect(skipped).toEqual({ messageId: pending!.id, outcome: 'already_processed', ticketIds: [], outboxIds: [] });

    const resident = await h.repo.findResidentByPhone(from);
    const { items: tickets } = await h.repo.listTickets({ residentId: resident!.id });
    expect(tickets.map((t) => t.id)).toEqual(done.ticketIds);
    expect(tickets).toHaveLength(1);

    const newReplies = (await h.repliesTo(from)).filter((row) => !repliesBefore.has(row.id));
    expect(newReplies.map((row) => row.body)).toEqual([h.text('outage.confirmed', { reference: tickets[0]!.reference }), h.text('gender.ask')]);
    expect(newReplies.map((row) => row.id)).toEqual(done.outboxIds);
    const newJobs = (await sendJobIds()).filter((id) => !jobsBefore.has(id));
    expect(newJobs.sort()).toEqual([...done.outboxIds].sort());

    expect(await h.repo.listUnprocessedInboundFrom(from)).toEqual([]);
    await expect(workers[0]!.processInboundMessage(pending!.id)).resolves.toEqual([]);
  });
});
