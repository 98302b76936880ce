/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL) that `npm start` uses with no
 * configuration. better-sqlite3 is synchronous; each port method runs its statements to the end
 * before yielding, so a unit of work can never interleave with another call in this process, and
 * `BEGIN IMMEDIATE` plus `busy_timeout` serialise writers across processes (web + worker).
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
  type UnitOfWork, type UserPatch } from '../repository';
import { SqliteAccess } from './sqlite-access';
import { toStoreError } from './sqlite-errors';
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

export interface SqliteRepositoryOptions {
  /** File path (its folder is created if missing), or `:memory:`. */
  path: string;
  logger: Logger;
  /** How long a write waits for another process's lock before the store counts as unavailable. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function createSqliteRepository(options: SqliteRepositoryOptions): Repository {
  return new SqliteRepository(options);
}

class SqliteRepository implements Repository {
  private access: SqliteAccess | null = null;

  constructor(private readonly options: SqliteRepositoryOptions) {}

  async init(): Promise<void> {
    if (this.access) return;
    try {
      const db = openDatabase(this.options.path, this.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, this.options.logger);
      this.access = new SqliteAccess(db);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  private async run<T>(work: (access: SqliteAccess) => T): Promise<T> {
    try {
      if (!this.access) throw new StoreUnavailableError('sqlite: the database is not open');
      return work(this.access);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async ping(): Promise<void> {
    await this.run((a) => a.statement('SELECT COUNT(*) FROM schema_migrations').get());
  }

  async close(): Promise<void> {
    const access = this.access;
    this.access = null;
    access?.db.close();
  }

  createLocality(locality: Locality): Promise<Locality> {
    return this.run((a) => localities.createLocality(a, locality));
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
    return this.run((a) => localities.updateLocality(a, id, patch));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run((a) => residents.getResident(a, id));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run((a) => residents.findResidentByPhone(a, phone));
  }

  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.run((a) => residents.upsertResidentByPhone(a, resident));
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    return this.run((a) => residents.updateResident(a, id, patch));
  }

  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.run((a) => inbound.insertInboundMessage(a, message));
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
    return this.run((a) => inbound.recordInboundFailure(a, id, failure));
  }

  listDeadLetteredInbound(options: { localityIds?: string[]; limit: number }): Promise<InboundMessage[]> {
    return this.run((a) => inbound.listDeadLetteredInbound(a, options));
  }

  requeueDeadLetteredInbound(id: string): Promise<{ requeued: boolean; message: InboundMessage }> {
    return this.run((a) => inbound.requeueDeadLetteredInbound(a, id));
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

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<OutboxMessage> {
    return this.run((a) => outbox.updateOutbox(a, id, patch));
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

  commit(unit: UnitOfWork): Promise<void> {
    return this.run((a) => {
      a.db.transaction(() => applyUnit(a, unit)).immediate();
    });
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
    return this.run((a) => users.createUser(a, user));
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
    return this.run((a) => users.updateUser(a, id, patch));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.run((a) => users.createApiToken(a, token));
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run((a) => users.findApiTokenByHash(a, tokenHash));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.run((a) => users.touchApiToken(a, id, at));
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.run((a) => users.listApiTokens(a, userId));
  }

  revokeApiToken(id: string, at: string): Promise<ApiToken> {
    return this.run((a) => users.revokeApiToken(a, id, at));
  }

  createOpen311Key(key: Open311Key): Promise<Open311Key> {
    return this.run((a) => open311.createOpen311Key(a, key));
  }

  findOpen311KeyByHash(keyHash: string): Promise<Open311Key | null> {
    return this.run((a) => open311.findOpen311KeyByHash(a, keyHash));
  }

  listOpen311Keys(): Promise<Open311Key[]> {
    return this.run((a) => open311.listOpen311Keys(a));
  }

  touchOpen311Key(id: string, at: string): Promise<void> {
    return this.run((a) => open311.touchOpen311Key(a, id, at));
  }

  revokeOpen311Key(id: string, at: string): Promise<Open311Key> {
    return this.run((a) => open311.revokeOpen311Key(a, id, at));
  }

  listTicketFigureRows(query: TicketFigureQuery): Promise<TicketFigureRow[]> {
    return this.run((a) => figures.listTicketFigureRows(a, query));
  }

  openBacklog(query: { localityIds: readonly string[]; at?: string }): Promise<OpenBacklog> {
    return this.run((a) => figures.openBacklog(a, query));
  }

  createCommitteeMember(member: CommitteeMember): Promise<CommitteeMember> {
    return this.run((a) => committees.createCommitteeMember(a, member));
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
    return this.run((a) => committees.updateCommitteeMember(a, id, patch));
  }

  deleteCommitteeMember(id: string): Promise<void> {
    return this.run((a) => committees.deleteCommitteeMember(a, id));
  }

  insertCommitteeSummaryIfAbsent(summary: CommitteeSummary): Promise<{ inserted: boolean; summary: CommitteeSummary }> {
    return this.run((a) => committees.insertCommitteeSummaryIfAbsent(a, summary));
  }

  getCommitteeSummary(localityId: string, weekKey: string): Promise<CommitteeSummary | null> {
    return this.run((a) => committees.getCommitteeSummary(a, localityId, weekKey));
  }

  latestCommitteeSummary(localityId: string): Promise<CommitteeSummary | null> {
    return this.run((a) => committees.latestCommitteeSummary(a, localityId));
  }
}
