/**
 * Figure reads in MongoDB, matching the SQLite adapter: a projected lean scan of one period over
 * the `{ localityId, createdAt }` / `{ localityId, resolvedAt }` indexes, and the backlog counted
 * by an aggregation in the server over the backlog index `{ localityId, resolvedAt, closedAt,
 * createdAt }` (the counterpart of SQLite's migration 13).
 */
import { TICKET_FIGURE_FIELDS, type OpenBacklog, type TicketFigureQuery, type TicketFigureRow } from '../figure-queries';
import type { StoreModels } from './mongo-models';

const OPEN_STATUSES = ['open', 'acknowledged', 'in_progress'];
const PROJECTION = Object.fromEntries([['_id', 0], ...TICKET_FIGURE_FIELDS.map((f) => [f, 1])]);

export async function listTicketFigureRows(m: StoreModels, query: TicketFigureQuery): Promise<TicketFigureRow[]> {
  if (query.localityIds.length === 0) return [];
  const field = query.by === 'created' ? 'createdAt' : 'resolvedAt';
  const docs = (await m.Ticket.find({ localityId: { $in: [...query.localityIds] }, [field]: { $gte: query.from, $lt: query.to } }, PROJECTION).lean()) as unknown[];
  return docs.map((doc) => {
    const d = doc as Record<string, unknown>;
    return Object.fromEntries(TICKET_FIGURE_FIELDS.map((f) => [f, d[f] ?? null])) as unknown as TicketFigureRow;
  });
}

export async function openBacklog(m: StoreModels, query: { localityIds: readonly string[]; at?: string }): Promise<OpenBacklog> {
  if (query.localityIds.length === 0) return { open: 0, oldestCreatedAt: null };
  const localityId = { $in: [...query.localityIds] };
  // With `at`: the same three disjoint parts as the SQLite adapter (never resolved and not closed;
  // never resolved, closed at or after `at`; resolved at or after `at`, not closed before it),
  // each a whole clause of its own so each reads its own bounds of the backlog index instead of
  // every ticket the locality ever created.
  const createdBefore = (at: string) => ({ localityId, createdAt: { $lt: at } });
  const match =
    query.at === undefined
      ? { localityId, status: { $in: OPEN_STATUSES } }
      : {
          $or: [
            { ...createdBefore(query.at), resolvedAt: null, closedAt: null },
            { ...createdBefore(query.at), resolvedAt: null, closedAt: { $gte: query.at } },
            { ...createdBefore(query.at), resolvedAt: { $gte: query.at }, $or: [{ closedAt: null }, { closedAt: { $gte: query.at } }] },
          ],
        };
  const [group] = await m.Ticket.aggregate<{ open: number; oldest: string | null }>([
    { $match: match },
    { $group: { _id: null, open: { $sum: 1 }, oldest: { $min: '$createdAt' } } },
  ]);
  return { open: group?.open ?? 0, oldestCreatedAt: group?.oldest ?? null };
}
