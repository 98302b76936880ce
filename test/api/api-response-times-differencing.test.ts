/**
 * The differencing attack measured on issue 6: two calls to /metrics/response-times?group_by=gender
 * whose `to` differ by one millisecond, just around one ticket's creation, used to show "man 7"
 * then "man 8" — naming the gender of that one reporter. Under the publication rule both calls
 * snap to the same whole ISO weeks and get the same answer; overlapping or adjacent spans never
 * let a hidden cell be recovered by subtraction.
 */
import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import type { Gender } from '../../src/domain/resident';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let town: Locality;
let token: string;

const MIN = 60_000;
// Monday 2025-07-07 00:00 in Lima is 05:00 UTC; the clock stands three weeks later.
const WEEK1 = Date.parse('2025-07-07T05:00:00.000Z');
const WEEK2 = WEEK1 + 7 * 24 * 60 * MIN;
const at = (ms: number) => new Date(ms).toISOString();
/** The one ticket the attacker brackets, created on Thursday of week 1. */
const TARGET = WEEK1 + 3 * 24 * 60 * MIN + 17 * MIN;

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-differencing', now: '2025-07-28T15:00:00.000Z' });
  town = await h.addLocality();
  ({ token } = await h.addUserWithToken({ role: 'supervisor', localityIds: [town.id] }));
  const add = (createdMs: number, gender: Gender) =>
    h.addTicket({
      localityId: town.id,
      overrides: { reporterGender: gender, createdAt: at(createdMs), status: 'acknowledged', firstResponseAt: at(createdMs + 30 * MIN) },
    });
  // Week 1: 9 women and 7 men before the target, the target (a man), 2 women after it.
  for (let i = 0; i < 9; i += 1) await add(WEEK1 + (i + 1) * 60 * MIN, 'woman');
  for (let i = 0; i < 7; i += 1) await add(WEEK1 + (i + 20) * 60 * MIN, 'man');
  await add(TARGET, 'man');
  for (let i = 0; i < 2; i += 1) await add(TARGET + (i + 1) * 60 * MIN, 'woman');
  // Week 2: 6 women, 1 man (a small cell), 6 undisclosed.
  for (let i = 0; i < 6; i += 1) await add(WEEK2 + (i + 1) * 60 * MIN, 'woman');
  await add(WEEK2 + 30 * 60 * MIN, 'man');
  for (let i = 0; i < 6; i += 1) await add(WEEK2 + (i + 40) * 60 * MIN, 'undisclosed');
});

afterAll(async () => {
  await h.close();
});

interface GroupJson {
  key: { gender?: string };
  count: number | null;
}

const genderCounts = async (query: Record<string, string>) => {
  const res = await request(h.app)
    .get('/api/v1/metrics/response-times')
    .query({ group_by: 'gender', ...query })
    .set({ Authorization: `Bearer ${token}` })
    .expect(200);
  const counts = Object.fromEntries((res.body.groups as GroupJson[]).map((g) => [g.key.gender, g.count]));
  return { body: res.body, counts, total: res.body.total.count as number };
};

describe('differencing attack on GET /metrics/response-times', () => {
  it('two calls whose `to` is 1 ms apart around one ticket get the same answer', async () => {
    const from = at(WEEK1);
    const before = await genderCounts({ from, to: at(TARGET) });
    const after = await genderCounts({ from, to: at(TARGET + 1) });
    expect(after.counts).toEqual(before.counts);
    expect(after.total).toBe(before.total);
    expect(after.body.period).toEqual(before.body.period);
  });

  it('snaps the period to whole ISO weeks in the locality time zone, never past the week in progress', async () => {
    const { body } = await genderCounts({ from: at(WEEK1 + 3 * 60 * MIN), to: at(WEEK2 + 5 * 24 * 60 * MIN) });
    expect(body.period).toEqual({ from: at(WEEK1), to: at(WEEK2 + 7 * 24 * 60 * MIN) });
    expect(body.weeks).toEqual(['2025-W28', '2025-W29']);
    // Ending in the week in progress (28 July) stops at its Monday.
    const current = await genderCounts({ from: at(WEEK1), to: '2025-07-30T00:00:00.000Z' });
    expect(current.body.period.to).toBe('2025-07-28T05:00:00.000Z');
  });

  it('adjacent and overlapping spans do not reveal week 2’s lone man by subtraction', async () => {
    const week1 = await genderCounts({ from: at(WEEK1), to: at(WEEK2) });
    const both = await genderCounts({ from: at(WEEK1), to: at(WEEK2 + 7 * 24 * 60 * MIN) });
    const week2 = await genderCounts({ from: at(WEEK2), to: at(WEEK2 + 7 * 24 * 60 * MIN) });
    expect(week2.counts.man).toBeNull();
    // Every way to get week 2's men from the published numbers must come out empty.
    const recovered = [
      both.counts.man !== null && week1.counts.man !== null ? both.counts.man - week1.counts.man : null,
      week2.counts.woman !== null && week2.counts.undisclosed !== null ? week2.total - week2.counts.woman - week2.counts.undisclosed : null,
    ];
    expect(recovered.filter((value) => value !== null && value > 0 && value < 5)).toEqual([]);
  });

  it('shows suppressed and empty gender groups identically', async () => {
    const { body } = await genderCounts({ from: at(WEEK2), to: at(WEEK2 + 7 * 24 * 60 * MIN) });
    const hidden = (body.groups as Array<GroupJson & { display: string }>).filter((g) => g.count === null);
    // The lone man, the empty groups, and one complementary group (woman or undisclosed, 6 each).
    expect(hidden.map((g) => g.key.gender)).toEqual(expect.arrayContaining(['another', 'man', 'not_recorded']));
    expect(hidden).toHaveLength(4);
    for (const group of hidden) expect(group).toEqual({ ...hidden[0], key: group.key });
  });
});
