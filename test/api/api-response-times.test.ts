/**
 * Numbers checked by hand (nearest-rank: the value at rank ⌈p/100 × n⌉ of the sorted list).
 *
 * Outage, 10 tickets, first response after 70 10 100 40 20 90 50 30 80 60 minutes (due at 60):
 *   sorted 10…100 → median rank 5 = 50, p90 rank 9 = 90; met 6 (≤ 60), breached 4.
 *   Six resolved after 720 120 600 240 480 360 minutes (due at 500): sorted 120 240 360 480 600 720
 *   → median rank 3 = 360, p90 rank 6 = 720; met 4, breached 2 + 4 still open past due = 6.
 * Billing, 3 tickets, first response after 1000 5 15 minutes, no SLA: median rank 2 = 15,
 *   p90 rank 3 = 1000; nothing resolved.
 * All 13: 5 10 15 20 30 40 50 60 70 80 90 100 1000 → median rank 7 = 50, p90 rank 12 = 100.
 * Gender: 7 women, 5 men, 1 another identity → "another" is under 5 and would be alone, so the
 *   next smallest group (men) is merged with it: woman 7, suppressed 6.
 *   Women's first responses 10 20 40 50 70 90 100 → median rank 4 = 50, p90 rank 7 = 100.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Gender } from '../../src/domain/resident';
import type { Category } from '../../src/domain/ticket';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let townA: Locality;
let townB: Locality;
let tokenA: string;
let adminToken: string;

const MIN = 60_000;
const BASE = Date.parse('2025-07-01T10:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();
const PERIOD = { from: '2025-07-01T00:00:00Z', to: '2025-07-08T00:00:00Z' };

const OUTAGE_FIRST = [70, 10, 100, 40, 20, 90, 50, 30, 80, 60];
const OUTAGE_RESOLVED = [720, 120, 600, 240, 480, 360];
const BILLING_FIRST = [1000, 5, 15];

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-stats', now: '2025-07-10T00:00:00.000Z' });
  townA = await h.addLocality();
  townB = await h.addLocality();
  ({ token: tokenA } = await h.addUserWithToken({ role: 'operator', localityIds: [townA.id] }));
  ({ token: adminToken } = await h.addUserWithToken({ role: 'admin', localityIds: [] }));

  const add = async (category: Category, index: number, firstAfter: number, resolvedAfter: number | null, gender: Gender) => {
    const created = BASE + index * 60 * MIN;
    await h.addTicket({
      localityId: townA.id,
      overrides: {
        category,
        reporterGender: gender,
        createdAt: at(created),
        updatedAt: at(created),
        status: resolvedAfter === null ? 'acknowledged' : 'resolved',
        firstResponseAt: at(created + firstAfter * MIN),
        acknowledgedAt: at(created + firstAfter * MIN),
        resolvedAt: resolvedAfter === null ? null : at(created + resolvedAfter * MIN),
        firstResponseDueAt: category === 'outage' ? at(created + 60 * MIN) : null,
        resolutionDueAt: category === 'outage' ? at(created + 500 * MIN) : null,
      },
    });
  };
  for (const [i, minutes] of OUTAGE_FIRST.entries()) {
    await add('outage', i, minutes, OUTAGE_RESOLVED[i] ?? null, i < 7 ? 'woman' : 'man');
  }
  for (const [j, minutes] of BILLING_FIRST.entries()) {
    await add('billing', 20 + j, minutes, null, j < 2 ? 'man' : 'another');
  }
  // Outside the period (the Lima week before), and in a locality operator A does not work in.
  await h.addTicket({ localityId: townA.id, overrides: { createdAt: '2025-06-30T04:00:00.000Z', firstResponseAt: '2025-06-30T04:01:00.000Z' } });
  await h.addTicket({ localityId: townB.id, overrides: { createdAt: '2025-07-02T12:00:00.000Z' } });
});

afterAll(async () => {
  await h.close();
});

const get = (token: string, query: Record<string, string>) =>
  request(h.app).get('/api/v1/metrics/response-times').query(query).set({ Authorization: `Bearer ${token}` });

describe('GET /metrics/response-times', () => {
  it('gives count, median and p90 of first response and resolution, SLA share and open count per category', async () => {
    const res = await get(tokenA, { ...PERIOD, group_by: 'category' }).expect(200);
    expect(res.body).toMatchObject({ unit: 'wall_clock_minutes', percentile: 'nearest_rank', group_by: ['category'] });
    // Snapped to the whole ISO week in Lima (Monday 30 June 00:00 = 05:00 UTC); the week of 7 July is still running.
    expect(res.body.period).toEqual({ from: '2025-06-30T05:00:00.000Z', to: '2025-07-07T05:00:00.000Z' });
    const byCategory = Object.fromEntries(res.body.groups.map((g: { key: { category: string } }) => [g.key.category, g]));
    expect(Object.keys(byCategory).sort()).toEqual(['billing', 'outage']);
    expect(byCategory.outage).toEqual({
      key: { category: 'outage' },
      count: 10,
      display: '10',
      open: 4,
      first_response: { count: 10, median_minutes: 50, p90_minutes: 90, within_sla: { met: 6, breached: 4, share: 0.6 } },
      resolution: { count: 6, median_minutes: 360, p90_minutes: 720, within_sla: { met: 4, breached: 6, share: 0.4 } },
    });
    expect(byCategory.billing).toEqual({
      key: { category: 'billing' },
      count: 3,
      display: '3',
      open: 3,
      first_response: { count: 3, median_minutes: 15, p90_minutes: 1000, within_sla: { met: 0, breached: 0, share: null } },
      resolution: { count: 0, median_minutes: null, p90_minutes: null, within_sla: { met: 0, breached: 0, share: null } },
    });
    expect(res.body.total).toMatchObject({
      key: {},
      count: 13,
      open: 7,
      first_response: { count: 13, median_minutes: 50, p90_minutes: 100 },
    });
  });

  it('suppresses small gender groups, with the next smallest, and shows them like empty ones', async () => {
    const res = await get(tokenA, { ...PERIOD, group_by: 'gender' }).expect(200);
    const groups = res.body.groups.map((g: { key: { gender: string }; count: number; display: string }) => [g.key.gender, g.count, g.display]);
    expect(groups).toEqual([
      ['woman', 7, '7'],
      ['man', null, '<5'],
      ['another', null, '<5'],
      ['undisclosed', null, '<5'],
      ['not_recorded', null, '<5'],
    ]);
    expect(res.body.groups[1]).toEqual({ ...res.body.groups[3], key: { gender: 'man' } });
    const woman = res.body.groups[0];
    expect(woman.first_response).toMatchObject({ median_minutes: 50, p90_minutes: 100 });
    expect(res.body.min_group_size).toBe(5);
  });

  it('groups by category when group_by is left out', async () => {
    const res = await get(tokenA, PERIOD).expect(200);
    expect(res.body.group_by).toEqual(['category']);
    expect(res.body.groups).toHaveLength(2);
  });

  it('shows an admin every locality when grouped by locality', async () => {
    const res = await get(adminToken, { ...PERIOD, group_by: 'locality' }).expect(200);
    const counts = Object.fromEntries(res.body.groups.map((g: { key: { locality_id: string }; count: number }) => [g.key.locality_id, g.count]));
    expect(counts).toEqual({ [townA.id]: 13, [townB.id]: 1 });
  });

  it('refuses a locality the caller does not work in with 403', async () => {
    const res = await get(tokenA, { ...PERIOD, locality_id: townB.id }).expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('answers 400 for a period that ends before it starts and for an unknown grouping', async () => {
    await get(tokenA, { from: PERIOD.to, to: PERIOD.from }).expect(400);
    const res = await get(tokenA, { ...PERIOD, group_by: 'age' }).expect(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ in: 'query', path: 'group_by.0' })]);
  });
});
