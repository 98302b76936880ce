/**
 * The store goes away while residents are writing (here: the real SQLite repository is closed
 * under the running webhook, then reopened). Every message must still be answered 200, kept in
 * the spool, and after the replay the conversation ends in exactly one ticket.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInboundDedupe } from '../../src/messaging/inbound/inbound-dedupe';
import { createInboundRouter } from '../../src/messaging/inbound/inbound-router';
import { createIntakeSpool, ACTIVE_SPOOL_FILE } from '../../src/messaging/inbound/intake-spool';
import { replayIntakeSpool } from '../../src/messaging/inbound/spool-replayer';
import express from 'express';
import {
  createConversationHarness,
  postWebhook,
  TEST_AUTH_TOKEN,
  TEST_PUBLIC_BASE_URL,
  testLogger,
  twilioForm,
  type ConversationHarness,
} from '../support/inbound-app';

describe('the store is unavailable during intake', () => {
  let h: ConversationHarness;

  beforeAll(async () => {
    h = await createConversationHarness({ label: 'store-down-intake' });
  });
  afterAll(async () => {
    await h.repo.init();
    await h.close();
  });

  it('answers 200 and spools; after the replay the conversation completes with exactly one ticket', async () => {
    const from = '+51944000001';
    await h.say(from, 'hola');
    await h.say(from, '1');

    await h.repo.close();
    const scope = twilioForm({ From: from, Body: 'toda la calle' });
    const first = await postWebhook(h.app, scope);
    const redelivery = await postWebhook(h.app, scope);
    const since = await postWebhook(h.app, twilioForm({ From: from, Body: 'ayer' }));

    expect([first.status, redelivery.status, since.status]).toEqual([200, 200, 200]);
    const spooled = readFileSync(join(h.spoolDir, ACTIVE_SPOOL_FILE), 'utf8').trim().split('\n');
    expect(spooled.map((line) => JSON.parse(line).body)).toEqual(['toda la calle', 'ayer']);

    await h.repo.init();
    const replay = await replayIntakeSpool({ dir: h.spoolDir, repo: h.repo, queue: h.queues.inbound, logger: testLogger, claimGraceMs: 0 });
    expect(replay).toMatchObject({ stored: 2, duplicates: 0, complete: true });
    expect(readdirSync(h.spoolDir)).toEqual([]);
    await h.drainInbound();
    const confirmation = await h.say(from, 'Centro');

    const resident = await h.repo.findResidentByPhone(from);
    const { items } = await h.repo.listTickets({ residentId: resident!.id });
    expect(items).toEqual([expect.objectContaining({ category: 'outage', sector: 'Centro', details: expect.objectContaining({ scope: 'street', since: 'yesterday' }) })]);
    expect(confirmation[0]).toBe(h.text('outage.confirmed', { reference: items[0]!.reference }));

    const again = await replayIntakeSpool({ dir: h.spoolDir, repo: h.repo, queue: h.queues.inbound, logger: testLogger, claimGraceMs: 0 });
    expect(again).toMatchObject({ stored: 0, duplicates: 0 });
  });

  it('answers 500 only when the spool cannot be written either, and a retry of that message is then accepted', async () => {
    // Outside the harness's spool folder, which the other test replays and expects empty.
    const blockedDir = mkdtempSync(join(tmpdir(), 'aguavoz-blocked-'));
    const notADirectory = join(blockedDir, 'blocked');
    writeFileSync(notADirectory, '');
    const app = express();
    app.use(
      createInboundRouter({
        repo: h.repo,
        dedupe: createInboundDedupe({ redis: h.redis, prefix: h.prefix }),
        spool: createIntakeSpool({ dir: join(notADirectory, 'spool') }),
        queue: h.queues.inbound,
        logger: testLogger,
        authToken: TEST_AUTH_TOKEN,
        publicBaseUrl: TEST_PUBLIC_BASE_URL,
      }),
    );
    const form = twilioForm({ From: '+51944000002', Body: 'fuga grande' });

    await h.repo.close();
    const lost = await postWebhook(app, form);
    await h.repo.init();
    const retried = await postWebhook(app, form);

    expect(lost.status).toBe(500);
    expect(retried.status).toBe(200);
    expect((await h.repo.listUnprocessedInboundFrom('+51944000002')).map((m) => m.body)).toEqual(['fuga grande']);
    rmSync(blockedDir, { recursive: true, force: true });
  });
});
