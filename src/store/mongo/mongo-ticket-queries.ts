/**
 * MongoDB queries for the operator queue, matching the SQLite adapter row for row: the same
 * filters, the same sort keys (the hidden `dueSort` field stands in for "next open deadline,
 * none last") and the same keyset cursor.
 */
import type { TicketFilter } from '../repository';
import { TICKET_SORT_KEYS, type TicketQueryPlan } from '../ticket-page';

const SORT_FIELD: Record<'due' | 'createdAt' | 'id', string> = { due: 'dueSort', createdAt: 'createdAt', id: '_id' };

type Query = Record<string, unknown>;

export function ticketQuery(filter: TicketFilter): Query {
  const query: Query = {};
  if (filter.localityIds !== undefined) query.localityId = { $in: filter.localityIds };
  if (filter.statuses !== undefined) query.status = { $in: filter.statuses };
  if (filter.categories !== undefined) query.category = { $in: filter.categories };
  if (filter.sector !== undefined) query.sector = filter.sector;
  if (filter.assigneeId !== undefined) query.assigneeId = filter.assigneeId;
  if (filter.residentId !== undefined) query.residentId = filter.residentId;
  if (filter.createdFrom !== undefined || filter.createdTo !== undefined) {
    const range: Query = {};
    if (filter.createdFrom !== undefined) range.$gte = filter.createdFrom;
    if (filter.createdTo !== undefined) range.$lt = filter.createdTo;
    query.createdAt = range;
  }
  return query;
}

/**
 * Keyset condition "after these sort values": (k1 > v1) or (k1 = v1 and k2 > v2) or … with `<`
 * for a descending sort.
 */
function afterCondition(fields: string[], values: string[], descending: boolean): Query {
  const op = descending ? '$lt' : '$gt';
  const branches = fields.map((field, i) => {
    const branch: Query = {};
    for (let j = 0; j < i; j += 1) branch[fields[j] as string] = values[j];
    branch[field] = { [op]: values[i] };
    return branch;
  });
  return { $or: branches };
}

export function listTicketsQuery(
  filter: TicketFilter,
  plan: TicketQueryPlan,
): { query: Query; sort: Record<string, 1 | -1>; limit: number } {
  const { keys, descending } = TICKET_SORT_KEYS[plan.sort];
  const fields = keys.map((key) => SORT_FIELD[key]);
  const base = ticketQuery(filter);
  const query = plan.after ? { $and: [base, afterCondition(fields, plan.after, descending)] } : base;
  const sort: Record<string, 1 | -1> = {};
  for (const field of fields) sort[field] = descending ? -1 : 1;
  return { query, sort, limit: plan.limit + 1 };
}
