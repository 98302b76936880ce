/**
 * "Computed once, sent once" with the real moving parts: two worker processes' worth of
 * containers on one SQLite file and one Redis prefix, each with its maintenance worker (which
 * runs the summary job) and its sender worker (Twilio REST against the local fake API). The
 * weekly job arrives twice at once (two schedulers racing, a duplicate after a restart) and then
 * the hourly retry runs: every active member's phone receives exactly one summary.
 */
import { createContainer, type Container } from '../../src/app/container';
import { startMaintenanceWorker } from '../../src/app/maintenance';
import { startWorkers } from '../../src/app/workers';
import { SUMMARY_JOB, SUMMARY_RETRY_JOB } from '../../src/committees/summary-scheduler';
import { SUMMARY_KIND } from '../../src/committees/summary-service';
import { startTestSystem, type TestSystem } from '../support/console-app';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fake-twilio-api';
import { TEST_AUTH_TOKEN, TEST_PUBLIC_BASE_URL } from '../support/inbound-app';

const clock = () => new Date('2025-07-14T13:00:00.000Z'); // Monday 08:00 in Lima
const FAKE_ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const MEMBERS = ['+51911000101', '+51911000102', '+51911000103'];

let fake: FakeTwilioApi;
let system: TestSystem;
let second: Container;
const closables: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  fake = await startFakeTwilioApi();
  const env = { TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_API_BASE_URL: fake.baseUrl, PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL };
  system = await startTestSystem({ label: 'summary-workers', clock, env });
  second = createContainer(system.container.config, { logger: system.container.logger, clock });
  await second.repo.init();
  for (const container of [system.container, second]) {
    closables.push(await startWorkers(container), await startMaintenanceWorker(container));
  }
});

afterAll(async () => {
  for (const c of closables.reverse()) await c.close();
  await second.close();
  await system.close();
  await fake.close();
});

async function settled(container: Container): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [m, s] = await Promise.all([
      container.queues.maintenance.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      container.queues.send.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    ]);
    // The maintenance queue keeps its repeating sweeps delayed: only summary jobs must be done.
    const summaryJobs = (await container.queues.maintenance.getJobs(['waiting', 'active'])).filter((j) => j.name.startsWith('committee-summary'));
    if (summaryJobs.length === 0 && m.active === 0 && (s.waiting ?? 0) + (s.active ?? 0) + (s.delayed ?? 0) + (s.prioritized ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`jobs still pending: ${JSON.stringify({ m, s })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('two workers and a retry send each active member exactly one summary', async () => {
  const { container, locality } = system;
  for (const [i, phone] of MEMBERS.entries()) await container.committees.add(locality.slug, { name: `Miembro ${i + 1}`, phone });
  await container.committees.setStatus(locality.slug, MEMBERS[2]!, 'paused');

  const data = { localityId: locality.id };
  await container.queues.maintenance.add(SUMMARY_JOB, data, { jobId: 'summary-a' });
  await second.queues.maintenance.add(SUMMARY_JOB, data, { jobId: 'summary-b' });
  await settled(container);
  await container.queues.maintenance.add(SUMMARY_RETRY_JOB, {}, { jobId: 'retry-1' });
  await settled(container);

  const summaries = (phone: string) => fake.messages.filter((m) => m.to === phone && (m.body ?? '').includes('RESUMEN') && (m.body ?? '').startsWith('AguaVoz'));
  expect(MEMBERS.map((phone) => summaries(phone).length)).toEqual([1, 1, 0]);
  expect(summaries(MEMBERS[0]!)[0]!.body).toContain('Villa Rica 07/07-13/07');
  const members = await container.repo.listCommitteeMembers({ localityId: locality.id });
  const rows = await Promise.all(
    MEMBERS.map(async (phone) => {
      const member = members.find((m) => m.phone === phone)!;
      return (await container.repo.listOutboxByResident(member.residentId, { limit: 10 })).filter((r) => r.kind === SUMMARY_KIND).map((r) => r.status);
    }),
  );
  expect(rows).toEqual([['sent'], ['sent'], []]);
});
