/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL) that `npm start` uses with no
 * configuration. better-sqlite3 is synchronous; each port method runs its statements to the end
 * before yielding, so a unit of work can never interleave with another call in this process, and
 * `BEGIN IMMEDIATE` plus `busy_timeout` serialise writers across processes (web + worker).
 *
 * @example
 * const repo = createSqliteRepository({ path: './data/aguavoz.sqlite', logger });
 * await repo.init();
 */
import type { Locality } from '../../domain/locality';
import type { InboundMessage, OutboxMessage, OutboxStatus } from '../../domain/message';
import type { Resident } from '../../domain/resident';
import { TICKET_STATUSES, type Ticket, type TicketStatus, type TimelineEntry } from '../../domain/ticket';
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
import { IMMUTABLE_FIELDS } from '../store-patch';
import { planTicketQuery, toTicketPage } from '../ticket-page';
import { SqliteAccess } from './sqlite-access';
import { toStoreError } from './sqlite-errors';
import { openDatabase } from './sqlite-open';
import { countByStatusSql, listTicketsSql } from './sqlite-ticket-queries';
import { applyUnit } from './sqlite-unit-of-work';
import { API_TOKENS, fromRow, INBOUND, LOCALITIES, OUTBOX, RESIDENTS, TICKETS, TIMELINE, USERS } from './sqlite-tables';

export interface SqliteRepositoryOptions {
  /** File path (its folder is created if missing), or `:memory:`. */
  path: string;
  logger: Logger;
  /** How long a write waits for another process's lock before the store counts as unavailable. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Still to process: neither processed nor dead-lettered (what the partial pending indexes hold). */
const PENDING = 'processed_at IS NULL AND failed_at IS NULL';

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
    return this.run((a) => {
      a.insert(LOCALITIES, locality);
      return a.one(LOCALITIES, 'id = ?', locality.id) as Locality;
    });
  }

  getLocality(id: string): Promise<Locality | null> {
    return this.run((a) => a.one(LOCALITIES, 'id = ?', id));
  }

  findLocalityBySlug(slug: string): Promise<Locality | null> {
    return this.run((a) => a.one(LOCALITIES, 'slug = ?', slug));
  }

  findLocalityForNumber(toPhone: string): Promise<Locality | null> {
    return this.run(
      (a) =>
        a.one(
          LOCALITIES,
          'EXISTS (SELECT 1 FROM json_each(localities.phone_numbers) WHERE value = ?) ORDER BY created_at, id',
          toPhone,
        ) ?? a.one(LOCALITIES, 'is_catch_all = 1 ORDER BY created_at, id'),
    );
  }

  listLocalities(): Promise<Locality[]> {
    return this.run((a) => a.many(LOCALITIES, 'ORDER BY created_at, id'));
  }

  updateLocality(id: string, patch: Partial<Omit<Locality, 'id' | 'createdAt'>>): Promise<Locality> {
    return this.run((a) => a.updateAndRead(LOCALITIES, id, patch, IMMUTABLE_FIELDS.locality));
  }

  getResident(id: string): Promise<Resident | null> {
    return this.run((a) => a.one(RESIDENTS, 'id = ?', id));
  }

  findResidentByPhone(phone: string): Promise<Resident | null> {
    return this.run((a) => a.one(RESIDENTS, 'phone = ?', phone));
  }

  upsertResidentByPhone(resident: Resident): Promise<Resident> {
    return this.run((a) => {
      a.insertIfAbsent(RESIDENTS, resident, 'phone');
      return a.one(RESIDENTS, 'phone = ?', resident.phone) as Resident;
    });
  }

  updateResident(id: string, patch: Partial<Omit<Resident, 'id' | 'phone' | 'createdAt'>>): Promise<Resident> {
    return this.run((a) => a.updateAndRead(RESIDENTS, id, patch, IMMUTABLE_FIELDS.resident));
  }

  insertInboundMessage(message: InboundMessage): Promise<{ inserted: boolean; message: InboundMessage }> {
    return this.run((a) => {
      const inserted = a.insertIfAbsent(INBOUND, message, 'provider_sid');
      return { inserted, message: a.one(INBOUND, 'provider_sid = ?', message.providerSid) as InboundMessage };
    });
  }

  getInboundMessage(id: string): Promise<InboundMessage | null> {
    return this.run((a) => a.one(INBOUND, 'id = ?', id));
  }

  listUnprocessedInboundFrom(fromPhone: string): Promise<InboundMessage[]> {
    return this.run((a) => a.many(INBOUND, `WHERE from_phone = ? AND ${PENDING} ORDER BY received_at, seq`, fromPhone));
  }

  listUnprocessedInbound(options: { receivedBefore: string; limit: number }): Promise<InboundMessage[]> {
    return this.run((a) =>
      a.many(
        INBOUND,
        `WHERE ${PENDING} AND received_at < ? ORDER BY received_at, seq LIMIT ?`,
        options.receivedBefore,
        options.limit,
      ),
    );
  }

  recordInboundFailure(id: string, failure: { at: string; reason: string }): Promise<InboundMessage> {
    return this.run((a) => {
      a.statement(
        `UPDATE ${INBOUND.table} SET processing_failures = COALESCE(processing_failures, 0) + 1,
           last_failure_at = ?, last_failure_reason = ? WHERE id = ? AND ${PENDING}`,
      ).run(failure.at, failure.reason, id);
      const message = a.one(INBOUND, 'id = ?', id);
      if (!message) throw new NotFoundError(INBOUND.entity, id);
      return message;
    });
  }

  listInboundByResident(residentId: string, options: { limit: number }): Promise<InboundMessage[]> {
    return this.run((a) =>
      a.many(INBOUND, 'WHERE resident_id = ? ORDER BY received_at DESC, seq DESC LIMIT ?', residentId, options.limit),
    );
  }

  getTicket(id: string): Promise<Ticket | null> {
    return this.run((a) => a.one(TICKETS, 'id = ?', id));
  }

  findTicketByReference(reference: string): Promise<Ticket | null> {
    return this.run((a) => a.one(TICKETS, 'reference = ?', reference));
  }

  listTickets(filter: TicketFilter): Promise<Page<Ticket>> {
    return this.run((a) => {
      const plan = planTicketQuery(filter);
      if (plan.matchesNothing) return { items: [], nextCursor: null };
      const { sql, params } = listTicketsSql(filter, plan);
      const rows = a.statement(sql).all(...params).map((row) => fromRow(TICKETS, row));
      return toTicketPage(rows, plan);
    });
  }

  countTicketsByStatus(filter: Pick<TicketFilter, 'localityIds'>): Promise<StatusCount[]> {
    return this.run((a) => {
      const counts = new Map<string, number>();
      if (filter.localityIds === undefined || filter.localityIds.length > 0) {
        const { sql, params } = countByStatusSql(filter);
        for (const row of a.statement(sql).all(...params) as Array<{ status: string; count: number }>) {
          counts.set(row.status, row.count);
        }
      }
      return TICKET_STATUSES.map((status: TicketStatus) => ({ status, count: counts.get(status) ?? 0 }));
    });
  }

  listTimeline(ticketId: string): Promise<TimelineEntry[]> {
    return this.run((a) => a.many(TIMELINE, 'WHERE ticket_id = ? ORDER BY at, seq', ticketId));
  }

  getOutbox(id: string): Promise<OutboxMessage | null> {
    return this.run((a) => a.one(OUTBOX, 'id = ?', id));
  }

  findOutboxByProviderSid(providerSid: string): Promise<OutboxMessage | null> {
    return this.run((a) => a.one(OUTBOX, 'provider_sid = ? ORDER BY created_at, seq', providerSid));
  }

  updateOutbox(id: string, patch: Partial<Omit<OutboxMessage, 'id' | 'createdAt'>>): Promise<OutboxMessage> {
    return this.run((a) => a.updateAndRead(OUTBOX, id, patch, IMMUTABLE_FIELDS.outbox));
  }

  listOutboxByStatus(options: { status: OutboxStatus; createdBefore: string; limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) =>
      a.many(
        OUTBOX,
        'WHERE status = ? AND created_at < ? ORDER BY created_at, seq LIMIT ?',
        options.status,
        options.createdBefore,
        options.limit,
      ),
    );
  }

  listOutboxByResident(residentId: string, options: { limit: number }): Promise<OutboxMessage[]> {
    return this.run((a) =>
      a.many(OUTBOX, 'WHERE resident_id = ? ORDER BY created_at DESC, seq DESC LIMIT ?', residentId, options.limit),
    );
  }

  listQueuedOutboxFor(options: OutboxRecipient & { createdAtOrBefore: string; limit: number }): Promise<OutboxMessage[]> {
    const [column, id] = options.residentId !== undefined ? ['resident_id', options.residentId] : ['user_id', options.userId];
    return this.run((a) =>
      a.many(
        OUTBOX,
        `WHERE ${column} = ? AND status = 'queued' AND created_at <= ? ORDER BY created_at, seq LIMIT ?`,
        id,
        options.createdAtOrBefore,
        options.limit,
      ),
    );
  }

  commit(unit: UnitOfWork): Promise<void> {
    return this.run((a) => {
      a.db.transaction(() => applyUnit(a, unit)).immediate();
    });
  }

  createUser(user: User): Promise<User> {
    return this.run((a) => {
      a.insert(USERS, { ...user, sessionVersion: user.sessionVersion ?? 0 });
      return a.one(USERS, 'id = ?', user.id) as User;
    });
  }

  getUser(id: string): Promise<User | null> {
    return this.run((a) => a.one(USERS, 'id = ?', id));
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.run((a) => a.one(USERS, 'username = ?', username));
  }

  findUserByPhone(phone: string): Promise<User | null> {
    return this.run((a) => a.one(USERS, 'phone = ?', phone));
  }

  listUsers(filter: { localityId?: string } = {}): Promise<User[]> {
    return this.run((a) =>
      filter.localityId === undefined
        ? a.many(USERS, 'ORDER BY username')
        : a.many(
            USERS,
            'WHERE EXISTS (SELECT 1 FROM json_each(users.locality_ids) WHERE value = ?) ORDER BY username',
            filter.localityId,
          ),
    );
  }

  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User> {
    return this.run((a) => a.updateAndRead(USERS, id, patch, IMMUTABLE_FIELDS.user));
  }

  createApiToken(token: ApiToken): Promise<ApiToken> {
    return this.run((a) => {
      a.insert(API_TOKENS, token);
      return a.one(API_TOKENS, 'id = ?', token.id) as ApiToken;
    });
  }

  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.run((a) => a.one(API_TOKENS, 'token_hash = ?', tokenHash));
  }

  touchApiToken(id: string, at: string): Promise<void> {
    return this.run((a) => a.update(API_TOKENS, id, { lastUsedAt: at }, []));
  }

  listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.run((a) => a.many(API_TOKENS, 'WHERE user_id = ? ORDER BY created_at, id', userId));
  }

  revokeApiToken(id: string, at: string): Promise<ApiToken> {
    return this.run((a) => {
      a.statement('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at, id);
      const token = a.one(API_TOKENS, 'id = ?', id);
      if (!token) throw new NotFoundError(API_TOKENS.entity, id);
      return token;
    });
  }
}
