/**
 * Ticket reads in MongoDB, above all the operator queue, matching the SQLite adapter row for row:
 * the same filters, the same sort keys (the hidden `dueSort` field stands in for "next open
 * deadline, none last") and the same keyset cursor. Ticket writes go through the unit of work.
 */
import { TICKET_STATUSES, type Ticket, type TimelineEntry } from '../../domain/ticket';
import { searchTerms, type Page, type StatusCount, type TicketFilter } from '../repository';
import { planTicketQuery, TICKET_SORT_KEYS, toTicketPage, type TicketQueryPlan } from '../ticket-page';
import { many, one, type StoreModels } from './mongo-models';

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
  const terms = searchTerms(filter.text);
  if (terms.length > 0) query.$and = terms.map(termQuery);
  return query;
}

function escapeRegex(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One search word: the reference's start, the sector, or any text detail (as the SQLite adapter). */
function termQuery(term: string): Query {
  const pattern = escapeRegex(term);
  return {
    $or: [
      { reference: { $regex: `^${pattern}` } },
      { sector: { $regex: pattern, $options: 'i' } },
      {
        $expr: {
          $anyElementTrue: [
            {
              $map: {
                input: { $objectToArray: { $ifNull: ['$details', {}] } },
                in: {
                  $and: [
                    { $eq: [{ $type: '$$this.v' }, 'string'] },
                    { $regexMatch: { input: { $convert: { input: '$$this.v', to: 'string', onError: '', onNull: '' } }, regex: pattern, options: 'i' } },
                  ],
                },
              },
            },
          ],
        },
      },
    ],
  };
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

export function getTicket(m: StoreModels, id: string): Promise<Ticket | null> {
  return one<Ticket>(m.Ticket.findById(id));
}

export function findTicketByReference(m: StoreModels, reference: string): Promise<Ticket | null> {
  return one<Ticket>(m.Ticket.findOne({ reference }));
}

export async function listTickets(m: StoreModels, filter: TicketFilter): Promise<Page<Ticket>> {
  const plan = planTicketQuery(filter);
  if (plan.matchesNothing) return { items: [], nextCursor: null };
  const { query, sort, limit } = listTicketsQuery(filter, plan);
  return toTicketPage(await many<Ticket>(m.Ticket.find(query).sort(sort).limit(limit)), plan);
}

export async function countTicketsByStatus(m: StoreModels, filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
  const groups = await m.Ticket.aggregate<{ _id: string; count: number }>([
    { $match: ticketQuery({ localityIds: filter.localityIds }) },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const counts = new Map(groups.map((g) => [g._id, g.count]));
  return TICKET_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
}

export function listTimeline(m: StoreModels, ticketId: string): Promise<TimelineEntry[]> {
  return many<TimelineEntry>(m.TimelineEntry.find({ ticketId }).sort({ at: 1, ord: 1 }));
}
