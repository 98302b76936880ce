import request from 'supertest';
import type { Locality } from '../../src/domain/locality';
import { CATEGORIES, TICKET_STATUSES, type Ticket } from '../../src/domain/ticket';
import type { UserSummary } from '../../src/users/user-service';
import { createApiHarness, type ApiHarness } from '../support/api-app';

let h: ApiHarness;
let town: Locality;
let other: Locality;
let token: string;
let operator: UserSummary;
let colleague: UserSummary;
const tickets: Ticket[] = [];

const auth = () => ({ Authorization: `Bearer ${token}` });

/** Follows `next_cursor` to the end and returns every id seen, in order. */
async function collectAll(query: Record<string, string | number | string[]>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: request.Response = await request(h.app)
      .get('/api/v1/tickets')
      .query({ ...query, ...(cursor ? { cursor } : {}) })
      .set(auth())
      .expect(200);
    ids.push(...res.body.items.map((t: { id: string }) => t.id));
    cursor = res.body.next_cursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { ids, pages };
}

const idsWhere = (predicate: (t: Ticket) => boolean) => tickets.filter(predicate).map((t) => t.id).sort();

beforeAll(async () => {
  h = await createApiHarness({ label: 'api-listing' });
  town = await h.addLocality();
  other = await h.addLocality();
  ({ user: operator, token } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id] }));
  ({ user: colleague } = await h.addUserWithToken({ role: 'operator', localityIds: [town.id] }));
  for (let i = 0; i < 23; i++) {
    // Pairs share a creation instant so the id tie-breaker is exercised.
    const createdAt = new Date(Date.parse('2025-07-01T00:00:00.000Z') + Math.floor(i / 2) * 3_600_000).toISOString();
    tickets.push(
      await h.addTicket({
        localityId: town.id,
        overrides: {
          createdAt,
          updatedAt: createdAt,
          status: TICKET_STATUSES[i % TICKET_STATUSES.length]!,
          category: CATEGORIES[i % CATEGORIES.length]!,
          sector: i % 3 === 0 ? 'Alto' : 'Centro',
          assigneeId: i % 4 === 0 ? operator.id : i % 4 === 1 ? colleague.id : null,
          resolutionDueAt: i % 5 === 0 ? null : new Date(Date.parse(createdAt) + ((i * 7) % 11) * 3_600_000).toISOString(),
        },
      }),
    );
  }
  await h.addTicket({ localityId: other.id });
});

afterAll(async () => {
  await h.close();
});

describe('GET /tickets pagination', () => {
  it.each(['created', 'created_asc', 'due'])('returns every ticket exactly once across pages of 5 (sort %s)', async (sort) => {
    const { ids, pages } = await collectAll({ sort, limit: 5 });
    expect(pages).toBe(5);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(idsWhere(() => true));
  });

  it('orders newest first by default', async () => {
    const res = await request(h.app).get('/api/v1/tickets').query({ limit: 3 }).set(auth()).expect(200);
    const created = res.body.items.map((t: { created_at: string }) => t.created_at);
    expect(created).toEqual([...created].sort().reverse());
    expect(res.body.next_cursor).toEqual(expect.any(String));
  });

  it('keeps the filters across pages', async () => {
    const { ids } = await collectAll({ status: ['open', 'acknowledged'], limit: 2 });
    expect([...ids].sort()).toEqual(idsWhere((t) => t.status === 'open' || t.status === 'acknowledged'));
  });

  it('refuses a limit over 100 and a cursor it did not issue, with details', async () => {
    const tooMany = await request(h.app).get('/api/v1/tickets').query({ limit: 101 }).set(auth()).expect(400);
    expect(tooMany.body.error).toMatchObject({ code: 'invalid_request', details: [expect.objectContaining({ in: 'query', path: 'limit' })] });
    const forged = await request(h.app).get('/api/v1/tickets').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(auth()).expect(400);
    expect(forged.body.error.code).toBe('invalid_request');
  });
});

describe('GET /tickets filters', () => {
  it('filters by several statuses, repeated or comma-separated', async () => {
    const expected = idsWhere((t) => t.status === 'resolved' || t.status === 'closed');
    expect([...(await collectAll({ status: ['resolved', 'closed'] })).ids].sort()).toEqual(expected);
    expect([...(await collectAll({ status: 'resolved,closed' })).ids].sort()).toEqual(expected);
  });

  it('filters by category and sector together', async () => {
    const { ids } = await collectAll({ category: 'leak', sector: 'Alto' });
    expect([...ids].sort()).toEqual(idsWhere((t) => t.category === 'leak' && t.sector === 'Alto'));
  });

  it('filters by assignee: me, none, or a user id', async () => {
    expect([...(await collectAll({ assignee: 'me' })).ids].sort()).toEqual(idsWhere((t) => t.assigneeId === operator.id));
    expect([...(await collectAll({ assignee: 'none' })).ids].sort()).toEqual(idsWhere((t) => t.assigneeId === null));
    expect([...(await collectAll({ assignee: colleague.id })).ids].sort()).toEqual(idsWhere((t) => t.assigneeId === colleague.id));
  });

  it('filters by creation period, from inclusive and to exclusive, in any offset', async () => {
    const { ids } = await collectAll({ created_from: '2025-07-01T02:00:00Z', created_to: '2025-07-01T00:00:00-05:00' });
    expect([...ids].sort()).toEqual(
      idsWhere((t) => t.createdAt >= '2025-07-01T02:00:00.000Z' && t.createdAt < '2025-07-01T05:00:00.000Z'),
    );
    expect(ids).toHaveLength(6);
  });

  it('filters by own locality, by id or slug', async () => {
    expect([...(await collectAll({ locality: town.slug })).ids].sort()).toEqual(idsWhere(() => true));
  });

  it('answers 400 with the zod issues for an unknown status and a bad date', async () => {
    const res = await request(h.app).get('/api/v1/tickets').query({ status: 'lost', created_from: 'yesterday' }).set(auth()).expect(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['created_from', 'status.0']);
  });
});
