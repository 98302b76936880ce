/**
 * Issue 7.3, outbound side, through the real sender worker, real Redis and the fake Twilio API:
 * per-recipient and per-town daily caps (the supervisors are told once), and an allow-list of
 * resident countries so SMS pumping through foreign numbers sends nothing.
 */
import { join } from 'node:path';
import { createSendCapAlerts } from '../../src/alerts/send-cap-alerts';
import { createTranslator } from '../../src/i18n/translator';
import { createSendCaps, type CapHit } from '../../src/messaging/outbound/send-caps';
import { newId } from '../../src/shared/ids';
import { createRepository } from '../../src/store/create-repository';
import type { Repository } from '../../src/store/repository';
import { aLocality, aStaffUser } from '../support/domain-fixtures';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fake-twilio-api';
import { createTestRedis } from '../support/redis';
import { tempSqlitePath } from '../support/sqlite';
import {
  commitOutbox,
  seedResident,
  silentLogger,
  startOutboundHarness,
  uniquePhone,
  waitForOutbox,
  type OutboundHarness,
} from '../messaging/outbound/outbound-harness';

describe('daily SMS caps and resident countries in the send path', () => {
  const sqlite = tempSqlitePath('send-caps');
  const redis = createTestRedis();
  const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
  let repo: Repository;
  let fake: FakeTwilioApi;
  const harnesses: OutboundHarness[] = [];

  beforeAll(async () => {
    repo = createRepository({ sqlitePath: sqlite.path, logger: silentLogger });
    await repo.init();
    fake = await startFakeTwilioApi();
  });

  /**
   * A town of the test's own (its number, its supervisor's phone): another test's cap alert,
   * which may still be on its way, goes to another supervisor, and town counters never mix.
   */
  async function aTownWithSupervisor(name: string) {
    const number = uniquePhone();
    const supervisorPhone = uniquePhone();
    const slug = `caps-${newId().slice(0, 8)}`;
    const locality = await repo.createLocality(aLocality({ id: newId(), slug, name, phoneNumbers: [number] }));
    await repo.createUser(aStaffUser('supervisor', { id: newId(), username: `sup-${slug}`, phone: supervisorPhone, localityIds: [locality.id] }));
    return { localityId: locality.id, number, supervisorPhone };
  }
  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
    await fake.close();
    await repo.close();
    redis.disconnect();
    sqlite.cleanup();
  });

  /** A sender worker with its own counters (own prefix), caps as given, and the real cap alerts. */
  function senderWithCaps(limits: { perRecipientDaily: number; perLocalityDaily: number }, hits: CapHit[]) {
    let harness: OutboundHarness | null = null;
    harness = startOutboundHarness({
      label: 'send-caps',
      repo,
      fake,
      caps: (prefix) =>
        createSendCaps({
          redis,
          prefix,
          repo,
          allowedCountryCodes: ['51'],
          ...limits,
          now: () => new Date(),
          onCapHit: async (hit) => {
            hits.push(hit);
            await createSendCapAlerts({ repo, translator, dispatcher: harness!.dispatcher, logger: silentLogger, now: () => new Date().toISOString() })(hit);
          },
        }),
    });
    harnesses.push(harness);
    return harness;
  }

  async function sendAll(harness: OutboundHarness, rows: Array<{ id: string }>) {
    for (const row of rows) {
      await harness.dispatcher.enqueue([row.id]);
      await waitForOutbox(repo, row.id, (stored) => stored.status === 'sent' || stored.status === 'failed');
    }
  }

  it('stops one recipient at the daily cap and tells the supervisors once', async () => {
    const { localityId, number, supervisorPhone } = await aTownWithSupervisor('Villa Caps');
    const hits: CapHit[] = [];
    const harness = senderWithCaps({ perRecipientDaily: 3, perLocalityDaily: 1000 }, hits);
    const resident = await seedResident(repo);
    const rows = [];
    for (let i = 0; i < 6; i += 1) rows.push(await commitOutbox(repo, { resident, text: `Mensaje ${i}`, fromPhone: number }));

    await sendAll(harness, rows);

    const stored = await Promise.all(rows.map((row) => repo.getOutbox(row.id)));
    expect(stored.map((row) => row?.status)).toEqual(['sent', 'sent', 'sent', 'failed', 'failed', 'failed']);
    expect(stored.slice(3).map((row) => row?.errorCode)).toEqual(['daily_cap_recipient', 'daily_cap_recipient', 'daily_cap_recipient']);
    expect(fake.messages.filter((m) => m.to === resident.phone)).toHaveLength(3);
    expect(hits).toEqual([expect.objectContaining({ kind: 'recipient', localityId })]);
    const deadline = Date.now() + 10_000;
    while (!fake.messages.some((m) => m.to === supervisorPhone && m.body?.includes('Villa Caps')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const alerts = fake.messages.filter((m) => m.to === supervisorPhone);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toContain('limite diario de SMS para un numero');
  });

  it("stops the town's messages at the town's daily cap, whoever they go to", async () => {
    const { number } = await aTownWithSupervisor('Villa Tope');
    const hits: CapHit[] = [];
    const harness = senderWithCaps({ perRecipientDaily: 100, perLocalityDaily: 4 }, hits);
    const rows = [];
    for (let i = 0; i < 6; i += 1) rows.push(await commitOutbox(repo, { resident: await seedResident(repo), text: `Aviso ${i}`, fromPhone: number }));

    await sendAll(harness, rows);

    const stored = await Promise.all(rows.map((row) => repo.getOutbox(row.id)));
    expect(stored.map((row) => row?.errorCode ?? row?.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'daily_cap_locality', 'daily_cap_locality']);
    expect(hits.map((hit) => hit.kind)).toEqual(['locality']);
  });

  it('sends nothing to a number outside the resident countries', async () => {
    const harness = senderWithCaps({ perRecipientDaily: 100, perLocalityDaily: 1000 }, []);
    const { number } = await aTownWithSupervisor('Villa Lejana');
    const premium = await seedResident(repo, { phone: '+447700900123' });
    const before = fake.requests.length;
    const row = await commitOutbox(repo, { resident: premium, text: 'Su reclamo 4821 fue registrado', fromPhone: number });

    await sendAll(harness, [row]);

    expect(await repo.getOutbox(row.id)).toMatchObject({ status: 'failed', errorCode: 'country_not_allowed', attempts: 0 });
    expect(fake.requests.slice(before).filter((request) => request.to === premium.phone)).toEqual([]);
  });

  it("counts a reply towards the town that sends from its number, reading the town once a minute", async () => {
    const from = await aTownWithSupervisor('Villa Antes');
    const to = await aTownWithSupervisor('Villa Despues');
    const prefix = `caps-memo-${newId().slice(0, 8)}`;
    let nowMs = Date.now();
    let lookups = 0;
    const counting: Pick<Repository, 'findLocalityForNumber'> = {
      findLocalityForNumber: (phone) => {
        lookups += 1;
        return repo.findLocalityForNumber(phone);
      },
    };
    const caps = createSendCaps({ redis, prefix, repo: counting, allowedCountryCodes: ['51'], perRecipientDaily: 100, perLocalityDaily: 100, now: () => new Date(nowMs) });
    const resident = await seedResident(repo);
    const row = () => commitOutbox(repo, { resident, text: `Mensaje ${newId()}`, fromPhone: from.number });
    const townCount = async (localityId: string) => {
      const keys = await redis.keys(`${prefix}:send-caps:*:locality:${localityId}`);
      return keys.length === 0 ? 0 : redis.scard(keys[0]!);
    };

    for (let i = 0; i < 3; i += 1) await expect(caps.check(await row())).resolves.toEqual({ allowed: true });
    expect(lookups).toBe(1);
    expect(await townCount(from.localityId)).toBe(3);
    // The number moves to the other town: within the minute its replies still count where they did…
    await repo.updateLocality(from.localityId, { phoneNumbers: [] });
    await repo.updateLocality(to.localityId, { phoneNumbers: [from.number] });
    await caps.check(await row());
    expect(await townCount(from.localityId)).toBe(4);
    // …and after it, towards the new town.
    nowMs += 61_000;
    await caps.check(await row());
    expect(lookups).toBe(2);
    expect(await townCount(to.localityId)).toBe(1);
  });
});
