/**
 * The scale-out store: MongoDB through mongoose, used when `MONGODB_URI` is set so that several
 * stateless web and worker processes can share one store. Same port and same semantics as the
 * SQLite adapter (the contract suite in `test/store/` runs against both): unique indexes for
 * dedupe and codes, `commit` in one multi-document transaction (MongoDB must run as a replica
 * set; docker-compose starts a single-node one), plain objects out via `.lean()`.
 * The queries live in one module per concept of the port; this class owns the connection and
 * maps each port method onto them, turning driver failures into the port's errors.
 *
 * @example
 * const repo = createMongoRepository({ uri: 'mongodb://mongo:27017/aguavoz?replicaSet=rs0', logger });
 * await repo.init();
 */
import mongoose, { type Connection } from 'mongoose';
import type { Broadcast, IncidentSummary, Notice, NoticeSubscription } from '../../domain/incident';
import type { Locality } from '../../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import type { Ticket, TimelineEntry } from '../../domain/ticket';
import type { Open311Key } from '../../domain/open311-key';
import type { ApiToken, User } from '../../domain/user';
import type { Logger } from '../../shared/logger';
import {
  StoreUnavailableError,
  type IncidentFilter,
  type NoticeRecipientQuery,
  type OutboxRecipient,
  type Page,
  type Repository,
  type StatusCount,
  type TicketFilter,
  type UnitOfWork, type UserPatch, type CommitResult } from '../repository';
import { toStoreError } from './mongo-errors';
import * as incidents from './mongo-incident-queries';
import * as inbound from './mongo-inbound-queries';
import * as localities from './mongo-locality-queries';
import { createModels, type StoreModels } from './mongo-models';
import * as open311 from './mongo-open311-queries';
import * as outbox from './mongo-outbox-queries';
import * as residents from './mongo-resident-queries';
import { backfillDueSort } from './mongo-ticket-due';
import * as tickets from './mongo-ticket-queries';
import { applyUnit } from './mongo-unit-of-work';
import { assertTransactionSupport, type HelloReply } from './mongo-transaction-support';
import * as users from './mongo-user-queries';
import * as committees from './mongo-committee-queries';
import * as figures from './mongo-figure-queries';
import type { CommitteeMember, CommitteeSummary, MemberStatus } from '../../domain/committee';
import type { OpenBacklog, TicketFigureQuery, TicketFigureRow } from '../figure-queries';

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
      assertTransactionSupport((await connection.db!.admin().command({ hello: 1 })) as HelloReply);
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

  createLocality(locality: Locality): Promise<Locality> {
    return this.run((m) => localities.createLocality(m, locality));
  }

  getLocality(id: string): Promise<Locality | null> {
    return this.run((m) => localities.getLocality(m, id));
  }

  findLocalityBySlug(slug: string): Promise<Locality | null> {
    return this.run((m) => localities.findLocalityBySlug(m, slug));
  }

  findLocalityForNumber(toPhone: string): Promise<Locality | null> {
    return this.run((m) => localities.findLocalityForNumber(m, toPhone));
  }

  listLocalities(): Promise<Locality[]> {
    return this.run((m) => localities.listLocalities(m));
  }

  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality> {
    return this.run((m) => localities.updateLocality(m, id, patch));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run((m) => residents.getResident(m, id));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run((m) => residents.findResidentByPhone(m, phone));
  }

  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.run((m) => residents.upsertResidentByPhone(m, resident));
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    return this.run((m) => residents.updateResident(m, id, patch));
  }

  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.run((m) => inbound.insertInboundMessage(m, message));
  }

  getInboundMessage(id: string): Promise<InboundMessage | null> {
    return this.run((m) => inbound.getInboundMessage(m, id));
  }

  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]> {
    return this.run((m) => inbound.listUnprocessedInboundFrom(m, fromPhone));
  }

  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]> {
    return this.run((m) => inbound.listUnprocessedInbound(m, options));
  }

  recordInboundFailure(id: string, failure: { at: string; reason: string }): Promise<InboundMessage> {
    return this.run((m) => inbound.recordInboundFailure(m, id, failure));
  }

  listDeadLetteredInbound(options: { localityIds?: string[]; limit: number }): Promise<InboundMessage[]> {
    return this.run((m) => inbound.listDeadLetteredInbound(m, options));
  }

  requeueDeadLetteredInbound(id: string): Promise<{ requeued: boolean; message: InboundMessage }> {
    return this.run((m) => inbound.requeueDeadLetteredInbound(m, id));
  }

  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
    return this.run((m) => inbound.listInboundByResident(m, residentId, options));
  }

  getTicket(id: string): Promise<Ticket | null> {
    return this.run((m) => tickets.getTicket(m, id));
  }

  findTicketByReference(reference: string): Promise<Ticket | null> {
    return this.run((m) => tickets.findTicketByReference(m, reference));
  }

  listTickets(filter: TicketFilter): Promise<Page<Ticket>> {
    return this.run((m) => tickets.listTickets(m, filter));
  }

  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
    return this.run((m) => tickets.countTicketsByStatus(m, filter));
  }

  listTimeline(ticketId: string): Promise<TimelineEntry[]> {
    return this.run((m) => tickets.listTimeline(m, ticketId));
  }

  getOutbox(id: string): Promise<OutboxMessage | null> {
    return this.run((m) => outbox.getOutbox(m, id));
  }

  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null> {
    return this.run((m) => outbox.findOutboxByProviderSid(m, providerSid));
  }

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<void> {
    return this.run((m) => outbox.updateOutbox(m, id, patch));
  }

  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run((m) => outbox.listOutboxByStatus(m, options));
  }

  listOutboxToPhone(toPhone: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((m) => outbox.listOutboxToPhone(m, toPhone, options));
  }

  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((m) => outbox.listOutboxByResident(m, residentId, options));
  }

  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run((m) => outbox.listQueuedOutboxFor(m, options));
  }

  /** One multi-document transaction; mongoose retries it whole on transient errors. */
  commit(unit: UnitOfWork): Promise<CommitResult> {
    return this.run((m) => applyUnit(this.connection as Connection, m, unit));
  }

  countOutboxByBroadcast(broadcastId: string): Promise<Array<{ status: OutboxStatus; count: number }>> {
    return this.run((m) => incidents.countOutboxByBroadcast(m, broadcastId));
  }

  getIncident(id: string): Promise<IncidentSummary | null> {
    return this.run((m) => incidents.getIncident(m, id));
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentSummary[]> {
    return this.run((m) => incidents.listIncidents(m, filter));
  }

  listIncidentTickets(incidentId: string): Promise<Ticket[]> {
    return this.run((m) => incidents.listIncidentTickets(m, incidentId));
  }

  getBroadcast(id: string): Promise<Broadcast | null> {
    return this.run((m) => incidents.getBroadcast(m, id));
  }

  listBroadcasts(filter: { incidentId?: string; noticeId?: string; statuses?: Broadcast['status'][] }): Promise<Broadcast[]> {
    return this.run((m) => incidents.listBroadcasts(m, filter));
  }

  getNotice(id: string): Promise<Notice | null> {
    return this.run((m) => incidents.getNotice(m, id));
  }

  listNotices(filter: { localityId: string; activeAt?: string; limit?: number }): Promise<Notice[]> {
    return this.run((m) => incidents.listNotices(m, filter));
  }

  listNoticeRecipients(query: NoticeRecipientQuery): Promise<Resident[]> {
    return this.run((m) => incidents.listNoticeRecipients(m, query));
  }

  countNoticeRecipients(query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): Promise<number> {
    return this.run((m) => incidents.countNoticeRecipients(m, query));
  }

  getNoticeSubscription(residentId: string, localityId: string): Promise<NoticeSubscription | null> {
    return this.run((m) => incidents.getNoticeSubscription(m, residentId, localityId));
  }

  findResidentSector(residentId: string, localityId: string): Promise<string | null> {
    return this.run((m) => incidents.findResidentSector(m, residentId, localityId));
  }

  createUser(user: User): Promise<User> {
    return this.run((m) => users.createUser(m, user));
  }

  getUser(id: string): Promise<User | null> {
    return this.run((m) => users.getUser(m, id));
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.run((m) => users.findUserByUsername(m, username));
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run((m) => users.findUserByPhone(m, phone));
  }

  listUsers(filter: { localityId?: string } = {}): Promise<User[]> {
    return this.run((m) => users.listUsers(m, filter));
  }

  updateUser(id: string, patch: UserPatch): Promise<User> {
    return this.run((m) => users.updateUser(m, id, patch));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.run((m) => users.createApiToken(m, token));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run((m) => users.findApiTokenByHash(m, tokenHash));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.run((m) => users.touchApiToken(m, id, at));
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.run((m) => users.listApiTokens(m, userId));
  }

  revokeApiToken(id: string, at: string): Promise<ApiToken> {
    return this.run((m) => users.revokeApiToken(m, id, at));
  }

  createOpen311Key(key: Open311Key): Promise<Open311Key> {
    return this.run((m) => open311.createOpen311Key(m, key));
  }

  findOpen311KeyByHash(keyHash: string): Promise<Open311Key | null> {
    return this.run((m) => open311.findOpen311KeyByHash(m, keyHash));
  }

  listOpen311Keys(): Promise<Open311Key[]> {
    return this.run((m) => open311.listOpen311Keys(m));
  }

  touchOpen311Key(id: string, at: string): Promise<void> {
    return this.run((m) => open311.touchOpen311Key(m, id, at));
  }

  revokeOpen311Key(id: string, at: string): Promise<Open311Key> {
    return this.run((m) => open311.revokeOpen311Key(m, id, at));
  }

  listTicketFigureRows(query: TicketFigureQuery): Promise<TicketFigureRow[]> {
    return this.run((m) => figures.listTicketFigureRows(m, query));
  }

  openBacklog(query: { localityIds: readonly string[]; at?: string }): Promise<OpenBacklog> {
    return this.run((m) => figures.openBacklog(m, query));
  }

  createCommitteeMember(member: CommitteeMember): Promise<CommitteeMember> {
    return this.run((m) => committees.createCommitteeMember(m, member));
  }

  getCommitteeMember(id: string): Promise<CommitteeMember | null> {
    return this.run((m) => committees.getCommitteeMember(m, id));
  }

  listCommitteeMembers(filter: { localityId?: string; status?: MemberStatus }): Promise<CommitteeMember[]> {
    return this.run((m) => committees.listCommitteeMembers(m, filter));
  }

  findCommitteeMembersByResident(residentId: string): Promise<CommitteeMember[]> {
    return this.run((m) => committees.findCommitteeMembersByResident(m, residentId));
  }

  updateCommitteeMember(id: string, patch: Partial<Pick<CommitteeMember, 'name' | 'language' | 'channel' | 'status' | 'updatedAt'>>): Promise<CommitteeMember> {
    return this.run((m) => committees.updateCommitteeMember(m, id, patch));
  }

  deleteCommitteeMember(id: string): Promise<void> {
    return this.run((m) => committees.deleteCommitteeMember(m, id));
  }

  insertCommitteeSummaryIfAbsent(summary: CommitteeSummary): Promise<{ inserted: boolean; summary: CommitteeSummary }> {
    return this.run((m) => committees.insertCommitteeSummaryIfAbsent(m, summary));
  }

  getCommitteeSummary(localityId: string, weekKey: string): Promise<CommitteeSummary | null> {
    return this.run((m) => committees.getCommitteeSummary(m, localityId, weekKey));
  }

  latestCommitteeSummary(localityId: string): Promise<CommitteeSummary | null> {
    return this.run((m) => committees.latestCommitteeSummary(m, localityId));
  }
}
