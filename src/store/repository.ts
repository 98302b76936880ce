/**
 * The one storage port. Every adapter (SQLite embedded default, MongoDB via mongoose) implements
 * it and passes the same contract suite in `test/store/`. Methods take and return plain domain
 * objects (never ORM documents); all times are ISO-8601 UTC strings.
 */
import type { Locality } from '../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../domain/message';
import type { Resident } from '../domain/resident';
import type { Category, Ticket, TicketStatus, TimelineEntry } from '../domain/ticket';
import type { ApiToken, User } from '../domain/user';
import type { CommitteeStore } from './committee-store';
import type { FigureQueries } from './figure-queries';

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
  ticketUpdates?: Array<{ id: string; patch: Partial<Omit<Ticket, 'id' | 'reference' | 'createdAt'>> }>;
  timeline?: TimelineEntry[];
  outbox?: OutboxMessage[];
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
   * `due`: most urgent first, by the next open SLA deadline (first response while unanswered, else
   * resolution; none last), then oldest. `created`: newest first.
   */
  sort?: 'due' | 'created' | 'created_asc';
  limit?: number;
  /** Opaque cursor returned by a previous page. */
  cursor?: string | null;
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

  // Tickets
  getTicket(id: string): Promise<Ticket | null>;
  findTicketByReference(reference: string): Promise<Ticket | null>;
  listTickets(filter: TicketFilter): Promise<Page<Ticket>>;
  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]>;
  listTimeline(ticketId: string): Promise<TimelineEntry[]>;

  // Outbox
  getOutbox(id: string): Promise<OutboxMessage | null>;
  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null>;
  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<OutboxMessage>;
  /** For the sweeper: rows still `queued` that were created before `createdBefore`. */
  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]>;
  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]>;
  /**
   * For ordered sending: one recipient's rows still `queued` and created at or before
   * `createdAtOrBefore`, oldest first (same instant: the order they were written), up to `limit`.
   */
  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]>;

  /** Applies a unit of work atomically (see {@link UnitOfWork}). */
  commit(unit: UnitOfWork): Promise<void>;

  // Users (operators, supervisors, admins) and API tokens
  createUser(user: User): Promise<User>;
  getUser(id: string): Promise<User | null>;
  findUserByUsername(username: string): Promise<User | null>;
  findUserByPhone(phone: string): Promise<User | null>;
  listUsers(filter?: { localityId?: string }): Promise<User[]>;
  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User>;
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
