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
import mongoose, { type Connection } from 'mongoose';
import type { Locality } from '../../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import { TICKET_STATUSES, type Ticket, type TimelineEntry } from '../../domain/ticket';
import type { ApiToken, User } from '../../domain/user';
import type { Logger } from '../../shared/logger';
import {
  NotFoundError,
  StoreUnavailableError,
  type OutboxRecipient,
  type Page,
  type Repository,
  type StatusCount,
  type TicketFilter,
  type UnitOfWork,
} from '../repository';
import { definedPatch, IMMUTABLE_FIELDS } from '../store-patch';
import { planTicketQuery, toTicketPage } from '../ticket-page';
import { ignoreDuplicate, toStoreError } from './mongo-errors';
import { createModels, fromDoc, many, one, toDoc, type StoreDoc, type StoreModel, type StoreModels } from './mongo-models';
import { applyUnit, ord, PENDING_INBOUND, setById } from './mongo-unit-of-work';
import { backfillDueSort } from './mongo-ticket-due';
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
      const resorted = await backfillDueSort(models.Ticket);
      if (resorted > 0) this.options.logger.info({ tickets: resorted }, 'mongodb: queue order of unanswered tickets updated');
      // Accounts and tokens written before these fields existed read back like new ones.
      await models.User.updateMany({ sessionVersion: { $exists: false } }, { $set: { sessionVersion: 0 } });
      await models.ApiToken.updateMany({ revokedAt: { $exists: false } }, { $set: { revokedAt: null } });
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
    return this.run((m) => one<Locality>(m.Locality.findById(id)));
  }

  findLocalityBySlug(slug: string): Promise<Locality | null> {
    return this.run((m) => one<Locality>(m.Locality.findOne({ slug })));
  }

  findLocalityForNumber(toPhone: string): Promise<Locality | null> {
    return this.run(
      async (m) =>
        (await one<Locality>(m.Locality.findOne({ phoneNumbers: toPhone }).sort({ createdAt: 1, _id: 1 }))) ??
        (await one<Locality>(m.Locality.findOne({ isCatchAll: true }).sort({ createdAt: 1, _id: 1 }))),
    );
  }

  listLocalities(): Promise<Locality[]> {
    return this.run((m) => many<Locality>(m.Locality.find().sort({ createdAt: 1, _id: 1 })));
  }

  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality> {
    const set = definedPatch(patch, IMMUTABLE_FIELDS.locality);
    return this.run((m) => this.updateAndRead<Locality>(m.Locality, 'locality', id, set));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run((m) => one<Resident>(m.Resident.findById(id)));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run((m) => one<Resident>(m.Resident.findOne({ phone })));
  }

  /** Upsert on the unique phone; a concurrent upsert that loses the race reads the winner's row. */
  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.run(async (m) => {
      await ignoreDuplicate('phone', m.Resident.updateOne({ phone: resident.phone }, { $setOnInsert: toDoc(resident) }, { upsert: true }));
      return (await one<Resident>(m.Resident.findOne({ phone: resident.phone }))) as Resident;
    });
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    const set = definedPatch(patch, IMMUTABLE_FIELDS.resident);
    return this.run((m) => this.updateAndRead<Resident>(m.Resident, 'resident', id, set));
  }

  /** Upsert on the unique providerSid: only the call that created the row reports `inserted`. */
  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.run(async (m) => {
      const result = await ignoreDuplicate(
        'providerSid',
        m.InboundMessage.updateOne({ providerSid: message.providerSid }, { $setOnInsert: toDoc(message, ord()) }, { upsert: true }),
      );
      const stored = await one<InboundMessage>(m.InboundMessage.findOne({ providerSid: message.providerSid }));
      return { inserted: result?.upsertedCount === 1, message: stored as InboundMessage };
    });
  }

  getInboundMessage(id: string): Promise<InboundMessage | null> {
    return this.run((m) => one<InboundMessage>(m.InboundMessage.findById(id)));
  }

  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]> {
    return this.run((m) =>
      many<InboundMessage>(m.InboundMessage.find({ fromPhone, ...PENDING_INBOUND }).sort({ receivedAt: 1, ord: 1 })),
    );
  }

  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]> {
    const query = { ...PENDING_INBOUND, receivedAt: { $lt: options.receivedBefore } };
    return this.run((m) => many<InboundMessage>(m.InboundMessage.find(query).sort({ receivedAt: 1, ord: 1 }).limit(options.limit)));
  }

  recordInboundFailure(id: string, failure: { at: string; reason: string }): Promise<InboundMessage> {
    return this.run(async (m) => {
      await m.InboundMessage.updateOne(
        { _id: id, ...PENDING_INBOUND },
        { $inc: { processingFailures: 1 }, $set: { lastFailureAt: failure.at, lastFailureReason: failure.reason } },
      );
      const message = await one<InboundMessage>(m.InboundMessage.findById(id));
      if (!message) throw new NotFoundError('inbound message', id);
      return message;
    });
  }

  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
    return this.run((m) =>
      many<InboundMessage>(m.InboundMessage.find({ residentId }).sort({ receivedAt: -1, ord: -1 }).limit(options.limit)),
    );
  }

  getTicket(id: string): Promise<Ticket | null> {
    return this.run((m) => one<Ticket>(m.Ticket.findById(id)));
  }

  findTicketByReference(reference: string): Promise<Ticket | null> {
    return this.run((m) => one<Ticket>(m.Ticket.findOne({ reference })));
  }

  listTickets(filter: TicketFilter): Promise<Page<Ticket>> {
    return this.run(async (m) => {
      const plan = planTicketQuery(filter);
      if (plan.matchesNothing) return { items: [], nextCursor: null };
      const { query, sort, limit } = listTicketsQuery(filter, plan);
      return toTicketPage(await many<Ticket>(m.Ticket.find(query).sort(sort).limit(limit)), plan);
    });
  }

  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
    return this.run(async (m) => {
      const groups = await m.Ticket.aggregate<{ _id: string; count: number }>([
        { $match: ticketQuery({ localityIds: filter.localityIds }) },
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ]);
      const counts = new Map(groups.map((g) => [g._id, g.count]));
      return TICKET_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));
    });
  }

  listTimeline(ticketId: string): Promise<TimelineEntry[]> {
    return this.run((m) => many<TimelineEntry>(m.TimelineEntry.find({ ticketId }).sort({ at: 1, ord: 1 })));
  }

  getOutbox(id: string): Promise<OutboxMessage | null> {
    return this.run((m) => one<OutboxMessage>(m.OutboxMessage.findById(id)));
  }

  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null> {
    return this.run((m) => one<OutboxMessage>(m.OutboxMessage.findOne({ providerSid }).sort({ createdAt: 1, ord: 1 })));
  }

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<OutboxMessage> {
    const set = definedPatch(patch, IMMUTABLE_FIELDS.outbox);
    return this.run((m) => this.updateAndRead<OutboxMessage>(m.OutboxMessage, 'outbox message', id, set));
  }

  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]> {
    const query = { status: options.status, createdAt: { $lt: options.createdBefore } };
    return this.run((m) => many<OutboxMessage>(m.OutboxMessage.find(query).sort({ createdAt: 1, ord: 1 }).limit(options.limit)));
  }

  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((m) =>
      many<OutboxMessage>(m.OutboxMessage.find({ residentId }).sort({ createdAt: -1, ord: -1 }).limit(options.limit)),
    );
  }

  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]> {
    const recipient = options.residentId !== undefined ? { residentId: options.residentId } : { userId: options.userId };
    const query = { ...recipient, status: 'queued', createdAt: { $lte: options.createdAtOrBefore } };
    return this.run((m) => many<OutboxMessage>(m.OutboxMessage.find(query).sort({ createdAt: 1, ord: 1 }).limit(options.limit)));
  }

  /** One multi-document transaction; mongoose retries it whole on transient errors. */
  commit(unit: UnitOfWork): Promise<void> {
    return this.run((m) => applyUnit(this.connection as Connection, m, unit));
  }

  createUser(user: User): Promise<User> {
    return this.run((m) => this.create<User>(m.User, toDoc({ ...user, sessionVersion: user.sessionVersion ?? 0 })));
  }

  getUser(id: string): Promise<User | null> {
    return this.run((m) => one<User>(m.User.findById(id)));
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.run((m) => one<User>(m.User.findOne({ username })));
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run((m) => one<User>(m.User.findOne({ phone })));
  }

  listUsers(filter: { localityId?: string } = {}): Promise<User[]> {
    const query = filter.localityId === undefined ? {} : { localityIds: filter.localityId };
    return this.run((m) => many<User>(m.User.find(query).sort({ username: 1 })));
  }

  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User> {
    const set = definedPatch(patch, IMMUTABLE_FIELDS.user);
    return this.run((m) => this.updateAndRead<User>(m.User, 'user', id, set));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.run((m) => this.create<ApiToken>(m.ApiToken, toDoc({ ...token, revokedAt: token.revokedAt ?? null })));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run((m) => one<ApiToken>(m.ApiToken.findOne({ tokenHash })));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.run((m) => setById(m.ApiToken, 'api token', id, { lastUsedAt: at }));
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.run((m) => many<ApiToken>(m.ApiToken.find({ userId }).sort({ createdAt: 1, _id: 1 })));
  }

  revokeApiToken(id: string, at: string): Promise<ApiToken> {
    return this.run(async (m) => {
      // `revokedAt: null` also matches a missing field; a second revocation keeps the first time.
      await m.ApiToken.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
      const token = await one<ApiToken>(m.ApiToken.findById(id));
      if (!token) throw new NotFoundError('api token', id);
      return token;
    });
  }
}
