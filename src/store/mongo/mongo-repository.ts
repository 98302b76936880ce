/**
 * The scale-out store: MongoDB through mongoose, used when `MONGODB_URI` is set so that several
 * stateless web and worker processes can share one store. Same port and same semantics as the
 * SQLite adapter (the contract suite in `test/store/` runs against both): unique indexes for
 * dedupe and codes, `commit` in one multi-document transaction (MongoDB must run as a replica
 * set; docker-compose starts a single-node one), plain objects out via `.lean()`.
 *
 * @example
 * const repo = createMongoRepository({ uri: 'mongodb://mongo:27017/aguavoz?replicaSet=rs0', logger });
 * await repo.init();
 */
import mongoose, { Types, type ClientSession, type Connection } from 'mongoose';
import type { Locality } from '../../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import { TICKET_STATUSES, type Ticket, type TimelineEntry } from '../../domain/ticket';
import type { ApiToken, User } from '../../domain/user';
import type { Logger } from '../../shared/logger';
import {
  NotFoundError,
  StoreUnavailableError,
  UniqueViolationError,
  type Page,
  type Repository,
  type StatusCount,
  type TicketFilter,
  type UnitOfWork,
} from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { dueSortValue, planTicketQuery, toTicketPage } from '../ticket-page';
import { toStoreError } from './mongo-errors';
import { createModels, fromDoc, fromDocOrNull, toDoc, type StoreDoc, type StoreModel, type StoreModels } from './mongo-models';
import { listTicketsQuery, ticketQuery } from './mongo-ticket-queries';

export interface MongoRepositoryOptions {
  uri: string;
  logger: Logger;
  /** How long an operation waits for a reachable server before the store counts as unavailable. */
  serverSelectionTimeoutMS?: number;
  /** Database name overriding the one in the URI (the contract suite uses one per test). */
  dbName?: string;
}

const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5000;

export function createMongoRepository(options: MongoRepositoryOptions): Repository {
  return new MongoRepository(options);
}

/** Hidden ordering fields (see mongo-models) for rows that are listed by time. */
const ord = (): StoreDoc => ({ ord: new Types.ObjectId() });
const ticketDoc = (ticket: Ticket): StoreDoc => toDoc(ticket, { dueSort: dueSortValue(ticket.resolutionDueAt) });

function ticketSet(patch: object): StoreDoc {
  const set = definedPatch(patch, IMMUTABLE_FIELDS.ticket);
  if ('resolutionDueAt' in set) set.dueSort = dueSortValue(set.resolutionDueAt as string | null);
  return set;
}

/** Applies `$set` to one row (or only checks it exists when the patch is empty). */
async function setById(model: StoreModel, entity: string, id: string, set: StoreDoc, session?: ClientSession): Promise<void> {
  if (Object.keys(set).length === 0) {
    if (!(await model.exists({ _id: id }).session(session ?? null))) throw new NotFoundError(entity, id);
    return;
  }
  const result = await model.updateOne({ _id: id }, { $set: set }, { session });
  if (result.matchedCount === 0) throw new NotFoundError(entity, id);
}

class MongoRepository implements Repository {
  private connection: Connection | null = null;
  private models: StoreModels | null = null;

  constructor(private readonly options: MongoRepositoryOptions) {}

  async init(): Promise<void> {
    if (this.models) return;
    const connection = mongoose.createConnection(this.options.uri, {
      serverSelectionTimeoutMS: this.options.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
      ...(this.options.dbName !== undefined && { dbName: this.options.dbName }),
    });
    connection.on('error', (err: Error) => this.options.logger.warn({ error: err.name }, 'mongodb connection error'));
    try {
      await connection.asPromise();
      const models = createModels(connection);
      for (const model of Object.values(models)) {
        await model.createCollection();
        await model.createIndexes();
      }
      this.connection = connection;
      this.models = models;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw toStoreError(err);
    }
  }

  private async run<T>(work: (m: StoreModels) => Promise<T>): Promise<T> {
    try {
      if (!this.models) throw new StoreUnavailableError('mongodb: not connected');
      return await work(this.models);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async ping(): Promise<void> {
    await this.run(async () => {
      const db = this.connection?.db;
      if (!db) throw new StoreUnavailableError('mongodb: not connected');
      await db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.models = null;
    await connection?.close();
  }

  private async create<T>(model: StoreModel, doc: StoreDoc): Promise<T> {
    await model.create(doc);
    return fromDoc<T>(await model.findById(doc._id).lean());
  }

  private async updateAndRead<T>(model: StoreModel, entity: string, id: string, set: StoreDoc): Promise<T> {
    const doc =
      Object.keys(set).length === 0
        ? await model.findById(id).lean()
        : await model.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' }).lean();
    if (!doc) throw new NotFoundError(entity, id);
    return fromDoc<T>(doc);
  }

  createLocality(locality: Locality): Promise<Locality> {
    return this.run((m) => this.create<Locality>(m.Locality, toDoc(locality)));
  }

  getLocality(id: string): Promise<Locality | null> {
    return this.run(async (m) => fromDocOrNull<Locality>(await m.Locality.findById(id).lean()));
  }

  findLocalityBySlug(slug: string): Promise<Locality | null> {
    return this.run(async (m) => fromDocOrNull<Locality>(await m.Locality.findOne({ slug }).lean()));
  }

  findLocalityForNumber(toPhone: string): Promise<Locality | null> {
    return this.run(async (m) => {
      const owner = await m.Locality.findOne({ phoneNumbers: toPhone }).sort({ createdAt: 1, _id: 1 }).lean();
      const doc = owner ?? (await m.Locality.findOne({ isCatchAll: true }).sort({ createdAt: 1, _id: 1 }).lean());
      return fromDocOrNull<Locality>(doc);
    });
  }

  listLocalities(): Promise<Locality[]> {
    return this.run(async (m) => (await m.Locality.find().sort({ createdAt: 1, _id: 1 }).lean()).map((d) => fromDoc<Locality>(d)));
  }

  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality> {
    return this.run((m) => this.updateAndRead<Locality>(m.Locality, 'locality', id, definedPatch(patch, IMMUTABLE_FIELDS.locality)));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run(async (m) => fromDocOrNull<Resident>(await m.Resident.findById(id).lean()));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run(async (m) => fromDocOrNull<Resident>(await m.Resident.findOne({ phone }).lean()));
  }

  /** Upsert on the unique phone; a concurrent upsert that loses the race reads the winner's row. */
  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.run(async (m) => {
      await m.Resident.updateOne({ phone: resident.phone }, { $setOnInsert: toDoc(resident) }, { upsert: true }).catch(
        (err: unknown) => {
          const mapped = toStoreError(err);
          if (!(mapped instanceof UniqueViolationError && mapped.field === 'phone')) throw mapped;
        },
      );
      return fromDoc<Resident>(await m.Resident.findOne({ phone: resident.phone }).lean());
    });
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    return this.run((m) => this.updateAndRead<Resident>(m.Resident, 'resident', id, definedPatch(patch, IMMUTABLE_FIELDS.resident)));
  }

  /** Upsert on the unique providerSid: only the call that created the row reports `inserted`. */
  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.run(async (m) => {
      let inserted = false;
      try {
        const result = await m.InboundMessage.updateOne(
          { providerSid: message.providerSid },
          { $setOnInsert: toDoc(message, ord()) },
          { upsert: true },
        );
        inserted = result.upsertedCount === 1;
      } catch (err) {
        const mapped = toStoreError(err);
        if (!(mapped instanceof UniqueViolationError && mapped.field === 'providerSid')) throw mapped;
      }
      const stored = await m.InboundMessage.findOne({ providerSid: message.providerSid }).lean();
      return { inserted, message: fromDoc<InboundMessage>(stored) };
    });
  }

  getInboundMessage(id: string): Promise<InboundMessage | null> {
    return this.run(async (m) => fromDocOrNull<InboundMessage>(await m.InboundMessage.findById(id).lean()));
  }

  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]> {
    return this.run(async (m) =>
      (await m.InboundMessage.find({ fromPhone, processedAt: null }).sort({ receivedAt: 1, ord: 1 }).lean()).map((d) =>
        fromDoc<InboundMessage>(d),
      ),
    );
  }

  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]> {
    return this.run(async (m) =>
      (
        await m.InboundMessage.find({ processedAt: null, receivedAt: { $lt: options.receivedBefore } })
          .sort({ receivedAt: 1, ord: 1 })
          .limit(options.limit)
          .lean()
      ).map((d) => fromDoc<InboundMessage>(d)),
    );
  }

  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
    return this.run(async (m) =>
      (await m.InboundMessage.find({ residentId }).sort({ receivedAt: -1, ord: -1 }).limit(options.limit).lean()).map((d) =>
        fromDoc<InboundMessage>(d),
      ),
    );
  }

  getTicket(id: string): Promise<Ticket | null> {
    return this.run(async (m) => fromDocOrNull<Ticket>(await m.Ticket.findById(id).lean()));
  }

  findTicketByReference(reference: string): Promise<Ticket | null> {
    return this.run(async (m) => fromDocOrNull<Ticket>(await m.Ticket.findOne({ reference }).lean()));
  }

  listTickets(filter: TicketFilter): Promise<Page<Ticket>> {
    return this.run(async (m) => {
      const plan = planTicketQuery(filter);
      if (plan.matchesNothing) return { items: [], nextCursor: null };
      const { query, sort, limit } = listTicketsQuery(filter, plan);
      const docs = await m.Ticket.find(query).sort(sort).limit(limit).lean();
      return toTicketPage(
        docs.map((d) => fromDoc<Ticket>(d)),
        plan,
      );
    });
  }

  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
    return this.run(async (m) => {
      const counts = new Map<string, number>();
      const groups = await m.Ticket.aggregate<{ _id: string; count: number }>([
        { $match: ticketQuery({ localityIds: filter.localityIds }) },
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ]);
      for (const group of groups) counts.set(group._id, group.count);
      return TICKET_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
    });
  }

  listTimeline(ticketId: string): Promise<TimelineEntry[]> {
    return this.run(async (m) =>
      (await m.TimelineEntry.find({ ticketId }).sort({ at: 1, ord: 1 }).lean()).map((d) => fromDoc<TimelineEntry>(d)),
    );
  }

  getOutbox(id: string): Promise<OutboxMessage | null> {
    return this.run(async (m) => fromDocOrNull<OutboxMessage>(await m.OutboxMessage.findById(id).lean()));
  }

  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null> {
    return this.run(async (m) =>
      fromDocOrNull<OutboxMessage>(await m.OutboxMessage.findOne({ providerSid }).sort({ createdAt: 1, ord: 1 }).lean()),
    );
  }

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<OutboxMessage> {
    return this.run((m) =>
      this.updateAndRead<OutboxMessage>(m.OutboxMessage, 'outbox message', id, definedPatch(patch, IMMUTABLE_FIELDS.outbox)),
    );
  }

  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run(async (m) =>
      (
        await m.OutboxMessage.find({ status: options.status, createdAt: { $lt: options.createdBefore } })
          .sort({ createdAt: 1, ord: 1 })
          .limit(options.limit)
          .lean()
      ).map((d) => fromDoc<OutboxMessage>(d)),
    );
  }

  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run(async (m) =>
      (await m.OutboxMessage.find({ residentId }).sort({ createdAt: -1, ord: -1 }).limit(options.limit).lean()).map((d) =>
        fromDoc<OutboxMessage>(d),
      ),
    );
  }

  /** One multi-document transaction; mongoose retries it whole on transient errors. */
  commit(unit: UnitOfWork): Promise<void> {
    return this.run(async (m) => {
      const connection = this.connection as Connection;
      await connection.transaction(async (session) => {
        if (unit.inboundProcessed) {
          const { id, at, residentId, localityId } = unit.inboundProcessed;
          await setById(m.InboundMessage, 'inbound message', id, { processedAt: at, residentId, localityId }, session);
        }
        for (const { id, patch } of unit.residentUpdates ?? []) {
          await setById(m.Resident, 'resident', id, definedPatch(patch, IMMUTABLE_FIELDS.resident), session);
        }
        if (unit.ticketsCreated?.length) {
          await m.Ticket.insertMany(unit.ticketsCreated.map(ticketDoc), { session, ordered: true });
        }
        for (const { id, patch } of unit.ticketUpdates ?? []) await setById(m.Ticket, 'ticket', id, ticketSet(patch), session);
        if (unit.timeline?.length) {
          await m.TimelineEntry.insertMany(unit.timeline.map((entry) => toDoc(entry, ord())), { session, ordered: true });
        }
        if (unit.outbox?.length) {
          await m.OutboxMessage.insertMany(unit.outbox.map((message) => toDoc(message, ord())), { session, ordered: true });
        }
      });
    });
  }

  createUser(user: User): Promise<User> {
    return this.run((m) => this.create<User>(m.User, toDoc(user)));
  }

  getUser(id: string): Promise<User | null> {
    return this.run(async (m) => fromDocOrNull<User>(await m.User.findById(id).lean()));
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.run(async (m) => fromDocOrNull<User>(await m.User.findOne({ username }).lean()));
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run(async (m) => fromDocOrNull<User>(await m.User.findOne({ phone }).lean()));
  }

  listUsers(filter: { localityId?: string } = {}): Promise<User[]> {
    const query = filter.localityId === undefined ? {} : { localityIds: filter.localityId };
    return this.run(async (m) => (await m.User.find(query).sort({ username: 1 }).lean()).map((d) => fromDoc<User>(d)));
  }

  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User> {
    return this.run((m) => this.updateAndRead<User>(m.User, 'user', id, definedPatch(patch, IMMUTABLE_FIELDS.user)));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.run((m) => this.create<ApiToken>(m.ApiToken, toDoc(token)));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run(async (m) => fromDocOrNull<ApiToken>(await m.ApiToken.findOne({ tokenHash }).lean()));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.run((m) => setById(m.ApiToken, 'api token', id, { lastUsedAt: at }));
  }
}
