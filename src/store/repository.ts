/**
 * The one storage port. Every adapter (SQLite embedded default, MongoDB via mongoose) implements
 * it and passes the same contract suite in `test/store/`. Methods take and return plain domain
 * objects (never ORM documents); all times are ISO-8601 UTC strings.
 */
import type { Broadcast, Incident, IncidentStatus, IncidentSummary, Notice, NoticeSubscription } from '../domain/incident';
import type { Locality } from '../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../domain/message';
import type { Resident } from '../domain/resident';
import type { Category, GeoPoint, Ticket, TicketStatus, TimelineEntry } from '../domain/ticket';
import type { Open311Key } from '../domain/open311-key';
import type { ApiToken, User } from '../domain/user';
import type { CommitteeStore } from './committee-store';
import type { FigureQueries } from './figure-queries';
import type { MessageSource } from '../i18n/message-source';
import type { MessageParams } from '../i18n/translator';

/**
 * Everything one step of work changes, written atomically: a conversation turn (message marked
 * processed, resident updated, ticket opened, replies queued) or an operator action (ticket
 * updated, timeline entry, message to the resident). Either all of it is stored or none.
 */
export interface UnitOfWork {
  /**
   * Refused with {@link AlreadyProcessedError} (nothing of the unit written) if already processed
   * or dead-lettered.
   */
  inboundProcessed?: { id: string; at: string; residentId: string | null; localityId: string | null };
  /**
   * Dead-letters the message (sets `failedAt`) instead of marking it processed, e.g. together with
   * the operator ticket that carries its text. Refused like `inboundProcessed`. Not both in one unit.
   */
  inboundFailed?: { id: string; at: string; residentId: string | null; localityId: string | null };
  residentUpdates?: Array<{ id: string; patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>> }>;
  ticketsCreated?: Ticket[];
  /**
   * `expectedUpdatedAt` makes the write conditional (optimistic version check): when the stored
   * ticket's `updatedAt` differs, the whole unit is refused with {@link StaleTicketError}, so an
   * operator acting on a ticket another one just changed overwrites nothing.
   */
  ticketUpdates?: Array<{ id: string; patch: Partial<Omit<Ticket, 'id' | 'reference' | 'createdAt'>>; expectedUpdatedAt?: string }>;
  timeline?: TimelineEntry[];
  outbox?: OutboxMessage[];
  /**
   * Rows with derived ids (one per broadcast and resident): a row whose id is already stored is
   * skipped instead of refusing the unit, so a broadcast run twice stores one copy each.
   */
  outboxIfAbsent?: OutboxMessage[];

  // Incidents, broadcasts, notices (issue 9)
  incidentsCreated?: Incident[];
  incidentUpdates?: Array<{ id: string; patch: Partial<Omit<Incident, 'id' | 'localityId' | 'createdAt'>> }>;
  /**
   * Links each ticket of `ticketsCreated` named here to its open incident, found or created in
   * the same transaction (see {@link IncidentLinkRequest}).
   */
  incidentLinks?: IncidentLinkRequest[];
  /** Every ticket of `fromIncidentId` (read in the transaction) moves to `toIncidentId` (a merge). */
  incidentTicketMoves?: Array<{ fromIncidentId: string; toIncidentId: string; at: string }>;
  broadcastsCreated?: Broadcast[];
  broadcastUpdates?: Array<{ id: string; patch: Partial<Pick<Broadcast, 'status' | 'recipientCount' | 'completedAt'>> }>;
  noticesCreated?: Notice[];
  noticeUpdates?: Array<{ id: string; patch: Partial<Pick<Notice, 'cancelledAt' | 'broadcastId'>> }>;
  /** Upserted by (residentId, localityId). */
  noticeSubscriptions?: NoticeSubscription[];
}

/**
 * Automatic linking of a new report (issue 9), done by the store inside the commit so that 200
 * concurrent reports of one sector end in ONE incident: an open incident with the same
 * `linkKey` (sector reports) whose last report is not older than `windowStartsAt` is joined;
 * for a pin without a sector, the nearest open pin incident within `maxDistanceMeters`. If none,
 * `newIncident` is created (the unique `linkKey` settles a race between two first reports).
 */
export interface IncidentLinkRequest {
  ticketId: string;
  localityId: string;
  category: Category;
  /** Sector key, e.g. `<locality>|outage|s:barrio alto`; null for a pin-only report. */
  sectorKey: string | null;
  sector: string | null;
  location: GeoPoint | null;
  at: string;
  windowStartsAt: string;
  maxDistanceMeters: number;
  newIncident: Incident;
  /** What the store adds with the link, as data: it crosses to the store thread. */
  effects?: IncidentLinkEffects;
}

/**
 * The rows a link stores with it, in the same transaction (see `linkedRows` in
 * `src/incidents/incident-link-effects.ts`, which both adapters call): they depend on the
 * incident as stored (new or joined, how many neighbours), known only inside the commit. Plain
 * data, never a callback, so the unit can be posted to the SQLite store thread and replayed by
 * a MongoDB transaction retry.
 */
export interface IncidentLinkEffects {
  /** Stored with every link; the store sets `data.incidentId` and `data.createdIncident`. */
  timeline: TimelineEntry;
  /**
   * The resident's "we already know" reply, stored only when the ticket joined an incident that
   * already existed. Its body is `message` formatted with `params`, `place` (the incident's
   * sectors, or `placeWithoutSector`) and `count` (distinct residents linked), adapted to the
   * row's channel; the row's own `body` is ignored.
   */
  joined: { outbox: OutboxMessage; message: MessageSource; params: MessageParams; placeWithoutSector: string } | null;
}

/** What a commit did that its caller could not know before (issue 9's links). */
export interface CommitResult {
  incidentLinks: IncidentLink[];
}

export interface IncidentLink {
  ticketId: string;
  incident: Incident;
  /** False when the ticket joined an incident that already existed. */
  created: boolean;
  /** Distinct residents linked, this one included. */
  residentCount: number;
}

export interface IncidentFilter {
  localityIds?: string[];
  statuses?: IncidentStatus[];
  categories?: Category[];
  /** Newest first. */
  limit?: number;
}

/** Who a notice reaches: residents of the locality who wrote about one of these sectors or subscribed to them. */
export interface NoticeRecipientQuery {
  localityId: string;
  sectors: string[];
  /** Keyset: residents with an id after this one (ids ascending). */
  afterResidentId?: string | null;
  limit: number;
}

export interface TicketFilter {
  localityIds?: string[];
  statuses?: TicketStatus[];
  categories?: Category[];
  sector?: string;
  assigneeId?: string | null;
  residentId?: string;
  createdFrom?: string;
  createdTo?: string;
  /**
   * Words an operator searched for: every word must match the reference (its start), the sector
   * or one of the details the flow captured (the resident's words), case-insensitively.
   * See {@link searchTerms}.
   */
  text?: string;
  /**
   * `due`: most urgent first, by the next open SLA deadline (first response while unanswered, else
   * resolution; none last), then oldest. `created`: newest first.
   */
  sort?: 'due' | 'created' | 'created_asc';
  limit?: number;
  /** Opaque cursor returned by a previous page. */
  cursor?: string | null;
}

/** A change to a user; `null` clears the optional `language` and `disabledAt`. */
export type UserPatch = Partial<Omit<User, 'id' | 'createdAt' | 'language' | 'disabledAt'>> & {
  language?: User['language'] | null;
  disabledAt?: string | null;
};

/** At most 5 words of 2+ characters, as both adapters match them. @example searchTerms(' fuga  Mercado ') // ['fuga', 'mercado'] */
export function searchTerms(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length >= 2)
    .slice(0, 5);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Whom an outbox row goes to: a resident, or a staff member (alerts, command replies). */
export type OutboxRecipient = { residentId: string; userId?: undefined } | { userId: string; residentId?: undefined };

export interface StatusCount {
  status: TicketStatus;
  count: number;
}

/** Figures for publication and committees live in their own port files (`figure-queries.ts`, `committee-store.ts`). */
export interface Repository extends FigureQueries, CommitteeStore {
  /** Creates tables/indexes/migrations; idempotent. */
  init(): Promise<void>;
  /** Cheap round-trip used by `/readyz`; throws when the store does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Localities
  createLocality(locality: Locality): Promise<Locality>;
  getLocality(id: string): Promise<Locality | null>;
  findLocalityBySlug(slug: string): Promise<Locality | null>;
  /** The locality that owns this number, or else the catch-all one, or null. */
  findLocalityForNumber(toPhone: string): Promise<Locality | null>;
  listLocalities(): Promise<Locality[]>;
  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality>;

  // Residents
  getResident(id: string): Promise<Resident | null>;
  findResidentByPhone(phone: string): Promise<Resident | null>;
  /** Creates the resident on first contact; returns the existing one otherwise (race-safe). */
  upsertResidentByPhone(resident: Resident): Promise<Resident>;
  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident>;

  // Inbound messages
  /** Inserts unless a message with the same `providerSid` exists (`inserted: false` then). */
  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }>;
  getInboundMessage(id: string): Promise<InboundMessage | null>;
  /**
   * Unprocessed messages from one phone, oldest first: the per-resident processing order.
   * Dead-lettered messages are left out, so one bad message never holds back the later ones.
   */
  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]>;
  /** For the sweeper: unprocessed, not dead-lettered messages received before `receivedBefore`, oldest first. */
  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]>;
  /**
   * Counts one failed processing attempt (atomically: concurrent workers each count) and stamps
   * its time and reason; returns the message as stored after. A message already processed or
   * dead-lettered is returned unchanged. NotFoundError when no message has this id.
   */
  recordInboundFailure(id: string, failure: { at: string; reason: string }): Promise<InboundMessage>;
  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]>;
  /**
   * Dead-lettered messages (`failedAt` set), most recently failed first; `localityIds` keeps those
   * of these localities plus the ones no locality answered (null), for an operator's console.
   */
  listDeadLetteredInbound(options: { localityIds?: string[]; limit: number }): Promise<InboundMessage[]>;
  /**
   * Makes a dead-lettered message pending again (clears `failedAt` and the failure count) so the
   * worker retries it, e.g. after the bug that failed it is fixed. `requeued: false` (nothing
   * written) when it was not dead-lettered; NotFoundError for an unknown id.
   */
  requeueDeadLetteredInbound(id: string): Promise<{ requeued: boolean; message: InboundMessage }>;

  // Tickets
  getTicket(id: string): Promise<Ticket | null>;
  findTicketByReference(reference: string): Promise<Ticket | null>;
  listTickets(filter: TicketFilter): Promise<Page<Ticket>>;
  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]>;
  listTimeline(ticketId: string): Promise<TimelineEntry[]>;

  // Outbox
  getOutbox(id: string): Promise<OutboxMessage | null>;
  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null>;
  /**
   * Patches the row (NotFoundError when there is none). Returns nothing: the sender writes two
   * status marks per message and reads neither back (issue 11: 2 of the 4 reads of every row).
   */
  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<void>;
  /** For the sweeper: rows still `queued` that were created before `createdBefore`. */
  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]>;
  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]>;
  /**
   * Every row addressed to one phone, whoever it is (resident, staff member, committee member),
   * newest first: what the local-mode phone feed shows `aguavoz chat`.
   */
  listOutboxToPhone(toPhone: string, options: { limit: number }): Promise<OutboxMessage[]>;
  /**
   * For ordered sending: one recipient's rows still `queued` and created at or before
   * `createdAtOrBefore`, oldest first (same instant: the order they were written), up to `limit`.
   */
  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]>;

  /** One broadcast's rows by delivery status (what the operator sees as its delivery counts). */
  countOutboxByBroadcast(broadcastId: string): Promise<Array<{ status: OutboxStatus; count: number }>>;

  /** Applies a unit of work atomically (see {@link UnitOfWork}). */
  commit(unit: UnitOfWork): Promise<CommitResult>;

  // Incidents, broadcasts, notices (issue 9)
  getIncident(id: string): Promise<IncidentSummary | null>;
  listIncidents(filter: IncidentFilter): Promise<IncidentSummary[]>;
  /** Tickets linked to an incident, oldest first. */
  listIncidentTickets(incidentId: string): Promise<Ticket[]>;
  getBroadcast(id: string): Promise<Broadcast | null>;
  listBroadcasts(filter: { incidentId?: string; noticeId?: string; statuses?: Broadcast['status'][] }): Promise<Broadcast[]>;
  getNotice(id: string): Promise<Notice | null>;
  /** Notices of a locality not cancelled whose window contains `activeAt` (or every one when absent), newest first. */
  listNotices(filter: { localityId: string; activeAt?: string; limit?: number }): Promise<Notice[]>;
  /**
   * Residents a notice for these sectors reaches: not opted out, of this locality, who either
   * reported a ticket in one of the sectors or subscribed (AVISOS) to one of them, minus those
   * who stopped notices. Ordered by id for keyset paging.
   */
  listNoticeRecipients(query: NoticeRecipientQuery): Promise<Resident[]>;
  countNoticeRecipients(query: Omit<NoticeRecipientQuery, 'afterResidentId' | 'limit'>): Promise<number>;
  getNoticeSubscription(residentId: string, localityId: string): Promise<NoticeSubscription | null>;
  /** The sector a resident is known by: their AVISOS sector, else the sector of their newest ticket there. */
  findResidentSector(residentId: string, localityId: string): Promise<string | null>;

  // Users (operators, supervisors, admins) and API tokens
  createUser(user: User): Promise<User>;
  getUser(id: string): Promise<User | null>;
  findUserByUsername(username: string): Promise<User | null>;
  findUserByPhone(phone: string): Promise<User | null>;
  listUsers(filter?: { localityId?: string }): Promise<User[]>;
  /** `language: null` / `disabledAt: null` clear those fields (they read back absent). */
  updateUser(id: string, patch: UserPatch): Promise<User>;
  createApiToken(token: ApiToken): Promise<ApiToken>;
  /** Revoked tokens too: refusing them is the caller's decision (it can then say why). */
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  touchApiToken(id: string, at: string): Promise<void>;
  /** One user's tokens, revoked ones included, oldest first. */
  listApiTokens(userId: string): Promise<ApiToken[]>;
  /**
   * Sets `revokedAt` (kept from the first call if already revoked) and returns the token;
   * {@link NotFoundError} for an unknown id.
   */
  revokeApiToken(id: string, at: string): Promise<ApiToken>;

  // Open311 client keys (issue 6): found by hash only, revoked ones kept and listed
  createOpen311Key(key: Open311Key): Promise<Open311Key>;
  /** Revoked keys too: refusing them is the caller's decision. */
  findOpen311KeyByHash(keyHash: string): Promise<Open311Key | null>;
  /** Oldest first. */
  listOpen311Keys(): Promise<Open311Key[]>;
  touchOpen311Key(id: string, at: string): Promise<void>;
  /** Sets `revokedAt` (the first call's time is kept); {@link NotFoundError} for an unknown id. */
  revokeOpen311Key(id: string, at: string): Promise<Open311Key>;
}

/** A write broke a unique rule (duplicate reference, username, phone, slug). */
export class UniqueViolationError extends Error {
  readonly code = 'unique_violation';
  constructor(readonly field: string) {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolationError';
  }
}

/** An update named a row that does not exist. */
export class NotFoundError extends Error {
  readonly code = 'not_found';
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/**
 * A conditional ticket update found the ticket changed since it was read (another operator, a
 * resident's answer): nothing of the unit was written. The caller re-reads and shows what changed.
 */
export class StaleTicketError extends Error {
  readonly code = 'stale_ticket';
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} changed since it was read`);
    this.name = 'StaleTicketError';
  }
}

/** The store did not answer (disk gone, MongoDB down): intake spools instead of failing. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A unit tried to mark an inbound message processed that already was: another worker applied
 * that turn (e.g. after a resident lock was lost), so this unit's replies and tickets would be
 * duplicates. Nothing of the unit is written; the caller skips the message.
 */
export class AlreadyProcessedError extends Error {
  readonly code = 'already_processed';
  constructor(readonly messageId: string) {
    super(`inbound message ${messageId} is already processed`);
    this.name = 'AlreadyProcessedError';
  }
}
