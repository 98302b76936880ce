/**
 * The weekly summary for a seeded week in Lima with a fixed clock (Monday 2025-07-14 08:00 Lima):
 * figures, wording, the equity flag both ways, and idempotent sending against real Redis and a
 * real SQLite store (two workers at once and a retry send each member exactly one message).
 *
 * Week 2025-W28 = Monday 7 July 05:00 UTC to Monday 14 July 05:00 UTC. Women's first responses
 * 180 min (6 tickets), men's 60 min (6 tickets): median 180 vs 60 → 3× and 2 h slower → flag fires.
 */
import { join } from 'node:path';
import { createCommitteeService } from '../../src/committees/committee-service';
import { createSummaryService, SUMMARY_KIND } from '../../src/committees/summary-service';
import type { Gender } from '../../src/domain/resident';
import { createTranslator } from '../../src/i18n/translator';
import { createSendDispatcher } from '../../src/messaging/outbound/send-dispatcher';
import { lastCompleteIsoWeek } from '../../src/publication/aligned-period';
import { createPublicationFigures } from '../../src/publication/publication-figures';
import { newId } from '../../src/shared/ids';
import { createLogger } from '../../src/shared/logger';
import { createApiHarness, type ApiHarness } from '../support/api-app';

const NOW = '2025-07-14T13:00:00.000Z';
const WEEK = Date.parse('2025-07-07T05:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();
const translator = createTranslator({ localesDir: join(__dirname, '../../locales') });
const logger = createLogger({ level: 'silent' });

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness({ label: 'weekly-summary', now: NOW });
});
afterAll(async () => {
  await h.close();
});

function services() {
  const dispatcher = createSendDispatcher({ queue: h.queues.send, logger });
  const now = () => NOW;
  const figures = createPublicationFigures({ repo: h.repo, now });
  return {
    committees: createCommitteeService({ repo: h.repo, translator, dispatcher, now, newId }),
    summaries: createSummaryService({ repo: h.repo, figures, translator, dispatcher, now, newId, logger, publicBaseUrl: 'https://agua.example.pe' }),
  };
}

async function seedTown(options: { womenMinutes: number; menMinutes: number }) {
  const town = await h.addLocality({ name: 'Pangoa' });
  const add = (i: number, gender: Gender, firstAfter: number, category: 'outage' | 'leak') =>
    h.addTicket({
      localityId: town.id,
      overrides: {
        category,
        reporterGender: gender,
        createdAt: at(WEEK + i * 60 * MIN),
        status: i % 2 === 0 ? 'resolved' : 'acknowledged',
        firstResponseAt: at(WEEK + i * 60 * MIN + firstAfter * MIN),
        resolvedAt: i % 2 === 0 ? at(WEEK + i * 60 * MIN + 600 * MIN) : null,
        firstResponseDueAt: at(WEEK + i * 60 * MIN + 120 * MIN),
      },
    });
  for (let i = 0; i < 6; i += 1) await add(i, 'woman', options.womenMinutes, 'outage');
  for (let i = 6; i < 12; i += 1) await add(i, 'man', options.menMinutes, i < 9 ? 'outage' : 'leak');
  // Before the week (not counted) and a small "another" cell inside it.
  await h.addTicket({ localityId: town.id, overrides: { createdAt: at(WEEK - 60 * MIN) } });
  await h.addTicket({ localityId: town.id, overrides: { createdAt: at(WEEK + 30 * 60 * MIN), reporterGender: 'another', category: 'leak' } });
  return town;
}

describe('weekly committee summary', () => {
  it('"last week" at Monday 08:00 Lima is Monday 7 – Sunday 13 July in Lima, not UTC', () => {
    expect(lastCompleteIsoWeek(NOW, 'America/Lima')).toMatchObject({ key: '2025-W28', from: at(WEEK), firstDay: '2025-07-07', lastDay: '2025-07-13' });
  });

  it('states counts, medians and the equity flag when women wait at least 25% and 1 h longer, in es/en/qu within 2 segments', async () => {
    const town = await seedTown({ womenMinutes: 180, menMinutes: 60 });
    const { summaries } = services();
    const week = summaries.resolveWeek(town);
    const summary = await summaries.summaryFor(town, week);
    expect(summary.figures).toMatchObject({
      weekKey: '2025-W28',
      total: 13,
      byCategory: { outage: 9, leak: 4 },
      resolved: 6,
      comparison: { womenMedianMinutes: 180, menMedianMinutes: 60, verdict: 'women_slower' },
      slaShare: 0.5,
    });
    const es = await summaries.preview(town, { language: 'es' });
    expect(es.text).toContain('Pangoa 07/07-13/07: 13 reclamos (9 corte, 4 fuga)');
    expect(es.text).toContain('mujeres 3 h, hombres 1 h');
    expect(es.text).toContain('ALERTA: a las mujeres se les responde mas lento.');
    expect(es.text).toMatch(/Mas: RESUMEN agua\.example\.pe\/transparencia\/pueblo-[0-9a-f]+$/);
    for (const language of ['es', 'en', 'qu'] as const) {
      const p = await summaries.preview(town, { language });
      expect({ language, segments: p.segments <= 2, encoding: p.encoding }).toEqual({ language, segments: true, encoding: 'GSM-7' });
    }
    expect((await summaries.preview(town, { language: 'en' })).text).toContain('ALERT: women are answered more slowly.');
  });

  it('does not flag a gap under 1 hour even when it is over 25%', async () => {
    const town = await seedTown({ womenMinutes: 90, menMinutes: 40 });
    const { summaries } = services();
    const summary = await summaries.summaryFor(town, summaries.resolveWeek(town));
    expect(summary.figures).toMatchObject({ comparison: { womenMedianMinutes: 90, menMedianMinutes: 40, verdict: 'no_gap' } });
    expect((await summaries.preview(town, { language: 'es' })).text).not.toContain('ALERTA');
  });

  it('two workers at once and a retry send each active member exactly one summary; paused members none', async () => {
    const town = await seedTown({ womenMinutes: 180, menMinutes: 60 });
    const { committees } = services();
    const a = await committees.add(town.slug, { name: 'Juana Mamani', phone: '+51911000001' });
    await committees.add(town.slug, { name: 'Rosa Huaman', phone: '+51911000002', language: 'qu' });
    const paused = await committees.add(town.slug, { name: 'Luis Rojas', phone: '+51911000003' });
    await committees.setStatus(town.slug, paused.id, 'paused');
    const worker1 = services().summaries;
    const worker2 = services().summaries;
    const week = worker1.resolveWeek(town);
    await Promise.all([worker1.send(town, week), worker2.send(town, week)]);
    await worker1.send(town, week);
    for (const member of await h.repo.listCommitteeMembers({ localityId: town.id })) {
      const rows = (await h.repo.listOutboxByResident(member.residentId, { limit: 10 })).filter((r) => r.kind === SUMMARY_KIND);
      expect({ member: member.name, rows: rows.length }).toEqual({ member: member.name, rows: member.id === paused.id ? 0 : 1 });
    }
    const deliveries = await worker1.deliveries(town, week.key);
    expect(deliveries.find((d) => d.memberId === a.id)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('a member who was not reached is retried once more; an opted-out one is not', async () => {
    const town = await seedTown({ womenMinutes: 180, menMinutes: 60 });
    const { committees, summaries } = services();
    const member = await committees.add(town.slug, { name: 'Ana Quispe', phone: '+51911000009' });
    const week = summaries.resolveWeek(town);
    await summaries.send(town, week);
    const [first] = (await h.repo.listOutboxByResident(member.residentId, { limit: 10 })).filter((r) => r.kind === SUMMARY_KIND);
    await h.repo.updateOutbox(first!.id, { status: 'failed', errorCode: '30003' });
    await summaries.send(town, week);
    expect((await summaries.deliveries(town, week.key)).find((d) => d.memberId === member.id)).toMatchObject({ status: 'queued', attempts: 2 });
  });

  it('refuses a week that has not ended, an unknown locality and an invalid phone, with the reason', async () => {
    const town = await h.addLocality();
    const { committees, summaries } = services();
    expect(() => summaries.resolveWeek(town, '2025-07-14')).toThrow(/has not ended yet/);
    await expect(committees.add('nowhere', { name: 'Ana', phone: '+51911000010' })).rejects.toThrow(/unknown locality "nowhere"/);
    await expect(committees.add(town.slug, { name: 'Ana', phone: '+51 12' })).rejects.toThrow(/phone: \+51 12 is not a valid phone number/);
  });
});
