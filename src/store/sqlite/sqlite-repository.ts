/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL) that `npm start` uses with no
 * configuration. better-sqlite3 is synchronous; each port method runs its statements to the end
 * before yielding, so a unit of work can never interleave with another call in this process.
 * Writes go through the group commit (`sqlite-write-batcher`): writes arriving together share
 * one `BEGIN IMMEDIATE … COMMIT` (one fsync), each answered after it, and a lock held by another
 * process (web + worker, a backup, a stray `sqlite3` shell) is waited for from a timer, never
 * by blocking the event loop for more than a short slice.
 * The statements live in one module per concept of the port; this class opens the file and maps
 * each port method onto them, turning driver failures into the port's errors.
 *
 * @example
 * const repo = createSqliteRepository({ path: './data/aguavoz.sqlite', logger });
 * await repo.init();
 */
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
import { SqliteAccess } from './sqlite-access';
import { isBusyError, toStoreError } from './sqlite-errors';
import * as incidents from './sqlite-incident-queries';
import * as inbound from './sqlite-inbound-queries';
import * as localities from './sqlite-locality-queries';
import { openDatabase } from './sqlite-open';
import * as open311 from './sqlite-open311-queries';
import * as outbox from './sqlite-outbox-queries';
import * as residents from './sqlite-resident-queries';
import * as tickets from './sqlite-ticket-queries';
import { applyUnit } from './sqlite-unit-of-work';
import * as users from './sqlite-user-queries';
import * as committees from './sqlite-committee-queries';
import * as figures from './sqlite-figure-queries';
import type { CommitteeMember, CommitteeSummary, MemberStatus } from '../../domain/committee';
import type { OpenBacklog, TicketFigureQuery, TicketFigureRow } from '../figure-queries';
import { createSqliteWriteBatcher, type SqliteWriteBatcher } from './sqlite-write-batcher';

export interface SqliteRepositoryOptions {
  /** File path (its folder is created if missing), or `:memory:`. */
  path: string;
  logger: Logger;
  /** How long a write waits for another process's lock before the store counts as unavailable. */
  busyTimeoutMs?: number;
  /**
   * How long storing an inbound message waits for that lock: intake must answer Twilio within
   * 1 s whatever the store does, so it spools instead of waiting (default 300 ms).
   */
  intakeBusyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_INTAKE_BUSY_TIMEOUT_MS = 300;
/** The longest the connection itself blocks the event loop waiting for a lock, per attempt. */
const BUSY_SLICE_MS = 20;

export function createSqliteRepository(options: SqliteRepositoryOptions): Repository {
  return new SqliteRepository(options);
}

class SqliteRepository implements Repository {
  private access: SqliteAccess | null = null;
  private batcher: SqliteWriteBatcher | null = null;
  private readonly busyTimeoutMs: number;

  constructor(private readonly options: SqliteRepositoryOptions) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  }

  async init(): Promise<void> {
    if (this.access) return;
    try {
      // Opening and migrating may wait the whole busy timeout: nothing is served yet.
      const db = openDatabase(this.options.path, this.busyTimeoutMs, this.options.logger);
      db.pragma(`busy_timeout = ${Math.min(BUSY_SLICE_MS, this.busyTimeoutMs)}`);
      this.access = new SqliteAccess(db);
      this.batcher = createSqliteWriteBatcher({ access: this.access, busyTimeoutMs: this.busyTimeoutMs });
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Reads: run now; a lock (rare for WAL readers) is waited for from a timer, not by blocking. */
  private async run<T>(work: (access: SqliteAccess) => T): Promise<T> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (;;) {
      try {
        if (!this.access) throw new StoreUnavailableError('sqlite: the database is not open');
        return work(this.access);
      } catch (err) {
        if (!isBusyError(err) || Date.now() >= deadline) throw toStoreError(err);
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_SLICE_MS));
    }
  }

  /** Writes: joined to the next group commit, answered once it is on disk. */
  private write<T>(work: (access: SqliteAccess) => T, options?: { maxWaitMs?: number }): Promise<T> {
    if (!this.batcher) return Promise.reject(new StoreUnavailableError('sqlite: the database is not open'));
    return this.batcher.write(work, options);
  }

  async ping(): Promise<void> {
    await this.run((a) => a.statement('SELECT COUNT(*) FROM schema_migrations').get());
  }

  async close(): Promise<void> {
    const access = this.access;
    this.access = null;
    this.batcher?.close();
    this.batcher = null;
    access?.db.close();
  }

  createLocality(locality: Locality): Promise<Locality> {
    return this.write((a) => localities.createLocality(a, locality));
  }

  getLocality(id: string): Promise<Locality | null> {
    return this.run((a) => localities.getLocality(a, id));
  }

  findLocalityBySlug(slug: string): Promise<Locality | null> {
    return this.run((a) => localities.findLocalityBySlug(a, slug));
  }

  findLocalityForNumber(toPhone: string): Promise<Locality | null> {
    return this.run((a) => localities.findLocalityForNumber(a, toPhone));
  }

  listLocalities(): Promise<Locality[]> {
    return this.run((a) => localities.listLocalities(a));
  }

  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality> {
    return this.write((a) => localities.updateLocality(a, id, patch));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run((a) => residents.getResident(a, id));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run((a) => residents.findResidentByPhone(a, phone));
  }

  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.write((a) => residents.upsertResidentByPhone(a, resident));
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    return this.write((a) => residents.updateResident(a, id, patch));
  }

  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.write((a) => inbound.insertInboundMessage(a, message), {
      maxWaitMs: this.options.intakeBusyTimeoutMs ?? DEFAULT_INTAKE_BUSY_TIMEOUT_MS,
    });
  }

  getInboundMessage(id: string): Promise<InboundMessage | null> {
    return this.run((a) => inbound.getInboundMessage(a, id));
  }

  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]> {
    return this.run((a) => inbound.listUnprocessedInboundFrom(a, fromPhone));
  }

  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]> {
    return this.run((a) => inbound.listUnprocessedInbound(a, options));
  }

  recordInboundFailure(id: string, failure: { at: string; reason: string }): Promise<InboundMessage> {
    return this.write((a) => inbound.recordInboundFailure(a, id, failure));
  }

  listDeadLetteredInbound(options: { localityIds?: string[]; limit: number }): Promise<InboundMessage[]> {
    return this.run((a) => inbound.listDeadLetteredInbound(a, options));
  }

  requeueDeadLetteredInbound(id: string): Promise<{ requeued: boolean; message: InboundMessage }> {
    return this.write((a) => inbound.requeueDeadLetteredInbound(a, id));
  }

  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
    return this.run((a) => inbound.listInboundByResident(a, residentId, options));
  }

  getTicket(id: string): Promise<Ticket | null> {
    return this.run((a) => tickets.getTicket(a, id));
  }

  findTicketByReference(reference: string): Promise<Ticket | null> {
    return this.run((a) => tickets.findTicketByReference(a, reference));
  }

  listTickets(filter: TicketFilter): Promise<Page<Ticket>> {
    return this.run((a) => tickets.listTickets(a, filter));
  }

  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
    return this.run((a) => tickets.countTicketsByStatus(a, filter));
  }

  listTimeline(ticketId: string): Promise<TimelineEntry[]> {
    return this.run((a) => tickets.listTimeline(a, ticketId));
  }

  getOutbox(id: string): Promise<OutboxMessage | null> {
    return this.run((a) => outbox.getOutbox(a, id));
  }

  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null> {
    return this.run((a) => outbox.findOutboxByProviderSid(a, providerSid));
  }

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<void> {
    return this.write((a) => outbox.updateOutbox(a, id, patch));
  }

  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) => outbox.listOutboxByStatus(a, options));
  }

  listOutboxToPhone(toPhone: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) => outbox.listOutboxToPhone(a, toPhone, options));
  }

  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) => outbox.listOutboxByResident(a, residentId, options));
  }

  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) => outbox.listQueuedOutboxFor(a, options));
  }

  commit(unit: UnitOfWork): Promise<CommitResult> {
    return this.write((a) => applyUnit(a, unit));
  }

  countOutboxByBroadcast(broadcastId: string): Promise<Array<{ status: OutboxStatus; count: number }>> {
    return this.run((a) => incidents.countOutboxByBroadcast(a, broadcastId));
  }

  getIncident(id: string): Promise<IncidentSummary | null> {
    return this.run((a) => incidents.getIncident(a, id));
  }

  listIncidents(filter: IncidentFilter): Promise<IncidentSummary[]> {
    return this.run((a) => incidents.listIncidents(a, filter));
  }

  listIncidentTickets(incidentId: string): Promise<Ticket[]> {
    return this.run((a) => incidents.listIncidentTickets(a, incidentId));
  }

  getBroadcast(id: string): Promise<Broadcast | null> {
    return this.run((a) => incidents.getBroadcast(a, id));
  }

  listBroadcasts(filter: { incidentId?: string; noticeId?: string; statuses?: Broadcast['status'][] }): Promise<Broadcast[]> {
    return this.run((a) => incidents.listBroadcasts(a, filter));
  }

  getNotice(id: string): Promise<Notice | null> {
    return this.run((a) => incidents.getNotice(a, id));
  }

  listNotices(filter: { localityId: string; activeAt?: string; limit?: number }): Promise<Notice[]> {
    return this.run((a) => incidents.listNotices(a, filter));
  }

  listNoticeRecipients(query: NoticeRecipientQuery): Promise<Resident[]> {
    return this.run((a) => incidents.listNoticeRecipients(a, query));
  }

  countNoticeRecipients(query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): Promise<number> {
    return this.run((a) => incidents.countNoticeRecipients(a, query));
  }

  getNoticeSubscription(residentId: string, localityId: string): Promise<NoticeSubscription | null> {
    return this.run((a) => incidents.getNoticeSubscription(a, residentId, localityId));
  }

  findResidentSector(residentId: string, localityId: string): Promise<string | null> {
    return this.run((a) => incidents.findResidentSector(a, residentId, localityId));
  }

  createUser(user: User): Promise<User> {
    return this.write((a) => users.createUser(a, user));
  }

  getUser(id: string): Promise<User | null> {
    return this.run((a) => users.getUser(a, id));
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.run((a) => users.findUserByUsername(a, username));
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run((a) => users.findUserByPhone(a, phone));
  }

  listUsers(filter: { localityId?: string } = {}): Promise<User[]> {
    return this.run((a) => users.listUsers(a, filter));
  }

  updateUser(id: string, patch: UserPatch): Promise<User> {
    return this.write((a) => users.updateUser(a, id, patch));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.write((a) => users.createApiToken(a, token));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run((a) => users.findApiTokenByHash(a, tokenHash));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.write((a) => users.touchApiToken(a, id, at));
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.run((a) => users.listApiTokens(a, userId));
  }

  revokeApiToken(id: string, at: string): Promise<ApiToken> {
    return this.write((a) => users.revokeApiToken(a, id, at));
  }

  createOpen311Key(key: Open311Key): Promise<Open311Key> {
    return this.write((a) => open311.createOpen311Key(a, key));
  }

  findOpen311KeyByHash(keyHash: string): Promise<Open311Key | null> {
    return this.run((a) => open311.findOpen311KeyByHash(a, keyHash));
  }

  listOpen311Keys(): Promise<Open311Key[]> {
    return this.run((a) => open311.listOpen311Keys(a));
  }

  touchOpen311Key(id: string, at: string): Promise<void> {
    return this.write((a) => open311.touchOpen311Key(a, id, at));
  }

  revokeOpen311Key(id: string, at: string): Promise<Open311Key> {
    return this.write((a) => open311.revokeOpen311Key(a, id, at));
  }

  listTicketFigureRows(query: TicketFigureQuery): Promise<TicketFigureRow[]> {
    return this.run((a) => figures.listTicketFigureRows(a, query));
  }

  openBacklog(query: { localityIds: readonly string[]; at?: string }): Promise<OpenBacklog> {
    return this.run((a) => figures.openBacklog(a, query));
  }

  createCommitteeMember(member: CommitteeMember): Promise<CommitteeMember> {
    return this.write((a) => committees.createCommitteeMember(a, member));
  }

  getCommitteeMember(id: string): Promise<CommitteeMember | null> {
    return this.run((a) => committees.getCommitteeMember(a, id));
  }

  listCommitteeMembers(filter: { localityId?: string; status?: MemberStatus }): Promise<CommitteeMember[]> {
    return this.run((a) => committees.listCommitteeMembers(a, filter));
  }

  findCommitteeMembersByResident(residentId: string): Promise<CommitteeMember[]> {
    return this.run((a) => committees.findCommitteeMembersByResident(a, residentId));
  }

  updateCommitteeMember(id: string, patch: Partial<Pick<CommitteeMember, 'name' | 'language' | 'channel' | 'status' | 'updatedAt'>>): Promise<CommitteeMember> {
    return this.write((a) => committees.updateCommitteeMember(a, id, patch));
  }

  deleteCommitteeMember(id: string): Promise<void> {
    return this.write((a) => committees.deleteCommitteeMember(a, id));
  }

  insertCommitteeSummaryIfAbsent(summary: CommitteeSummary): Promise<{ inserted: boolean; summary: CommitteeSummary }> {
    return this.write((a) => committees.insertCommitteeSummaryIfAbsent(a, summary));
  }

  getCommitteeSummary(localityId: string, weekKey: string): Promise<CommitteeSummary | null> {
    return this.run((a) => committees.getCommitteeSummary(a, localityId, weekKey));
  }

  latestCommitteeSummary(localityId: string): Promise<CommitteeSummary | null> {
    return this.run((a) => committees.latestCommitteeSummary(a, localityId));
  }
}
