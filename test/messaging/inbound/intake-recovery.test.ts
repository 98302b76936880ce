import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InboundMessage } from '../../../src/domain/message';
import { ACTIVE_SPOOL_FILE, createIntakeSpool } from '../../../src/messaging/inbound/intake-spool';
import { sweepStuckIntake } from '../../../src/messaging/inbound/intake-sweeper';
import { replayIntakeSpool } from '../../../src/messaging/inbound/spool-replayer';
import { StoreUnavailableError } from '../../../src/store/repository';
import { newId } from '../../../src/shared/ids';
import { anInboundMessage } from '../../support/domain-fixtures';
import { createIntakeHarness, newMessageSid, testLogger, TOWN_NUMBER, type IntakeHarness } from '../../support/inbound-app';

function message(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return anInboundMessage({
    id: newId(),
    providerSid: newMessageSid(),
    fromPhone: '+51922000001',
    toPhone: TOWN_NUMBER,
    body: 'hay fuga en la esquina',
    receivedAt: new Date().toISOString(),
    ...overrides,
  });
}

describe('intake spool, replay and sweeper', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await createIntakeHarness({ label: 'intake-recovery' });
  });
  afterAll(async () => {
    await h.close();
  });
  // Each test its own spool folder: what one leaves behind (a rejected line, a claimed file) must
  // not be replayed by the next.
  let spoolDir: string;
  beforeEach(() => {
    spoolDir = mkdtempSync(join(tmpdir(), 'aguavoz-spool-recovery-'));
  });
  afterEach(() => {
    rmSync(spoolDir, { recursive: true, force: true });
  });

  function replay(overrides: Partial<Parameters<typeof replayIntakeSpool>[0]> = {}) {
    return replayIntakeSpool({ dir: spoolDir, repo: h.repo, queue: h.queues.inbound, logger: testLogger, claimGraceMs: 0, ...overrides });
  }

  it('replays spooled messages into the store and the queue, then removes the spool file', async () => {
    const spool = createIntakeSpool({ dir: spoolDir });
    const first = message({ fromPhone: '+51922000002', body: 'primero' });
    const second = message({ fromPhone: '+51922000002', body: 'segundo 😀' });
    await spool.append(first);
    await spool.append(second);

    const result = await replay();

    expect(result).toEqual({ stored: 2, duplicates: 0, rejected: 0, complete: true });
    const stored = await h.repo.listUnprocessedInboundFrom('+51922000002');
    expect(stored.map((m) => m.body)).toEqual(['primero', 'segundo 😀']);
    expect(await h.queues.inbound.getJob(first.id)).toBeDefined();
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('replaying a file left by a crashed replay stores nothing twice', async () => {
    const spool = createIntakeSpool({ dir: spoolDir });
    const already = message({ fromPhone: '+51922000003' });
    const fresh = message({ fromPhone: '+51922000003', body: 'otro' });
    await h.repo.insertInboundMessage(already);
    await spool.append(already);
    await spool.append(fresh);

    const result = await replay();

    expect(result).toMatchObject({ stored: 1, duplicates: 1, complete: true });
    expect(await h.repo.listUnprocessedInboundFrom('+51922000003')).toHaveLength(2);
  });

  it('keeps the spool when the store fails mid-replay, and finishes on the next run', async () => {
    const spool = createIntakeSpool({ dir: spoolDir });
    const messages = [1, 2, 3].map((n) => message({ fromPhone: '+51922000004', body: `m${n}` }));
    for (const m of messages) await spool.append(m);
    let calls = 0;
    const flakyRepo = {
      insertInboundMessage: async (m: InboundMessage) => {
        calls += 1;
        if (calls === 2) throw new StoreUnavailableError('disk gone');
        return h.repo.insertInboundMessage(m);
      },
    };

    const interrupted = await replay({ repo: flakyRepo });
    expect(interrupted.complete).toBe(false);
    expect(readdirSync(spoolDir).length).toBe(1);

    const resumed = await replay();
    expect(resumed).toMatchObject({ stored: 2, duplicates: 1, complete: true });
    expect((await h.repo.listUnprocessedInboundFrom('+51922000004')).map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('sets a torn last line aside instead of losing the lines before it', async () => {
    const good = message({ fromPhone: '+51922000005' });
    writeFileSync(join(spoolDir, ACTIVE_SPOOL_FILE), `${JSON.stringify(good)}\n{"id":"half-writ`);

    const result = await replay();

    expect(result).toMatchObject({ stored: 1, rejected: 1, complete: true });
    const rejected = readdirSync(spoolDir).filter((name) => name.endsWith('.rejected'));
    expect(rejected).toHaveLength(1);
    expect(readFileSync(join(spoolDir, rejected[0]!), 'utf8')).toContain('half-writ');
  });

  it('appends after a replay go to a fresh spool file, replayed by the next run', async () => {
    const spool = createIntakeSpool({ dir: spoolDir });
    await spool.append(message({ fromPhone: '+51922000006', body: 'antes' }));
    expect((await replay()).stored).toBe(1);

    await spool.append(message({ fromPhone: '+51922000006', body: 'despues' }));
    expect(existsSync(join(spoolDir, ACTIVE_SPOOL_FILE))).toBe(true);

    expect(await replay()).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await h.repo.listUnprocessedInboundFrom('+51922000006')).map((m) => m.body)).toEqual(['antes', 'despues']);
  });

  it('the sweeper enqueues a stored message that never got a job, and leaves a waiting one alone', async () => {
    const orphan = message({ fromPhone: '+51922000007', receivedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    await h.repo.insertInboundMessage(orphan);
    const now = new Date();

    const first = await sweepStuckIntake({ repo: h.repo, queue: h.queues.inbound, logger: testLogger, now, olderThanSeconds: 120 });
    const job = await h.queues.inbound.getJob(orphan.id);
    const second = await sweepStuckIntake({ repo: h.repo, queue: h.queues.inbound, logger: testLogger, now, olderThanSeconds: 120 });

    expect(first.requeued).toBeGreaterThanOrEqual(1);
    expect(job?.data).toEqual({ messageId: orphan.id });
    expect(second.requeued).toBe(0);
    expect(second.pending).toBe(first.requeued + first.pending);
  });

  it('the sweeper ignores messages younger than its threshold', async () => {
    const recent = message({ fromPhone: '+51922000008' });
    await h.repo.insertInboundMessage(recent);

    await sweepStuckIntake({ repo: h.repo, queue: h.queues.inbound, logger: testLogger, now: new Date(), olderThanSeconds: 3600 });

    expect(await h.queues.inbound.getJob(recent.id)).toBeUndefined();
  });

  describe('appends while a replay runs (claim grace > 0, as in production)', () => {
    it('an append whose file is claimed and replayed under it is written again, so the next replay stores it', async () => {
      const phone = '+51922000090';
      await createIntakeSpool({ dir: spoolDir }).append(message({ fromPhone: phone, body: 'antes' }));
      let replayUnderTheAppend: ReturnType<typeof replay> | null = null;
      const racing = createIntakeSpool({
        dir: spoolDir,
        onFileOpened: async () => {
          // The first attempt has the active file open: a replay claims it, reads it and deletes it.
          if (!replayUnderTheAppend) {
            replayUnderTheAppend = replay({ claimGraceMs: 50 });
            await replayUnderTheAppend;
          }
        },
      });

      await racing.append(message({ fromPhone: phone, body: 'durante' }));

      expect(await replayUnderTheAppend).toEqual({ stored: 1, duplicates: 0, rejected: 0, complete: true });
      expect(await replay({ claimGraceMs: 50 })).toEqual({ stored: 1, duplicates: 0, rejected: 0, complete: true });
      expect((await h.repo.listUnprocessedInboundFrom(phone)).map((m) => m.body)).toEqual(['antes', 'durante']);
      expect(readdirSync(spoolDir)).toEqual([]);
    });

    it('loses none of a burst of appends racing a replay: each message is stored once', async () => {
      const phone = '+51922000091';
      const spool = createIntakeSpool({ dir: spoolDir });
      await spool.append(message({ fromPhone: phone, body: 'm-00', receivedAt: new Date(Date.UTC(2025, 6, 28, 15, 0, 0)).toISOString() }));
      const burst = Array.from({ length: 30 }, (_, i) =>
        message({ fromPhone: phone, body: `m-${String(i + 1).padStart(2, '0')}`, receivedAt: new Date(Date.UTC(2025, 6, 28, 15, 0, i + 1)).toISOString() }),
      );

      const [during] = await Promise.all([
        replay({ claimGraceMs: 20 }),
        (async () => {
          for (const m of burst) await spool.append(m);
        })(),
      ]);
      const after = await replay({ claimGraceMs: 20 });

      expect(during.complete && after.complete).toBe(true);
      expect(during.stored + after.stored).toBe(31);
      const bodies = (await h.repo.listUnprocessedInboundFrom(phone)).map((m) => m.body);
      expect(bodies).toEqual(['m-00', ...burst.map((m) => m.body)]);
      expect(readdirSync(spoolDir)).toEqual([]);
    });
  });
});
