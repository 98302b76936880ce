import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../src/shared/logger';
import { StoreUnavailableError, type Repository } from '../../src/store/repository';
import { MIGRATIONS, migrate } from '../../src/store/sqlite/sqlite-migrations';
import { createSqliteRepository } from '../../src/store/sqlite/sqlite-repository';
import { insertSql, LOCALITIES, RESIDENTS, TICKETS, toRow } from '../../src/store/sqlite/sqlite-tables';
import { openBacklogSql } from '../../src/store/sqlite/sqlite-figure-queries';
import { listTicketsSql } from '../../src/store/sqlite/sqlite-ticket-queries';
import { planTicketQuery } from '../../src/store/ticket-page';
import { tempSqlitePath } from '../support/sqlite';
import { aLocality, aResident, aTicket, anInbound, at, rejectionOf } from './contract/store-fixtures';
import { describeRepositoryContract } from './repository-contract';

const logger = createLogger({ level: 'silent' });

describeRepositoryContract('SQLite', async () => {
  const file = tempSqlitePath('store-contract');
  const repo = createSqliteRepository({ path: file.path, logger });
  await repo.init();
  return {
    repo,
    async dispose() {
      await repo.close();
      file.cleanup();
    },
  };
});

describe('SQLite store file', () => {
  let file: ReturnType<typeof tempSqlitePath>;
  const opened: Repository[] = [];
  const raw: Database.Database[] = [];

  async function open(path = file.path, busyTimeoutMs?: number): Promise<Repository> {
    const repo = createSqliteRepository({ path, logger, ...(busyTimeoutMs !== undefined && { busyTimeoutMs }) });
    opened.push(repo);
    await repo.init();
    return repo;
  }

  function rawDb(path = file.path): Database.Database {
    const db = new Database(path);
    raw.push(db);
    return db;
  }

  beforeEach(() => {
    file = tempSqlitePath('store-file');
  });

  afterEach(async () => {
    for (const repo of opened.splice(0)) await repo.close();
    for (const db of raw.splice(0)) if (db.open) db.close();
    file.cleanup();
  });

  it('creates the missing folders of the database path', async () => {
    const nested = join(file.path, '..', 'data', 'town', 'aguavoz.sqlite');
    const repo = await open(nested);
    await expect(repo.createLocality(aLocality())).resolves.toBeDefined();
  });

  it('runs in WAL mode', async () => {
    await open();
    expect(rawDb().pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps data across close and reopen, and reopening applies no migration twice', async () => {
    const first = await open();
    const locality = await first.createLocality(aLocality());
    const message = anInbound();
    await first.insertInboundMessage(message);
    await first.close();
    const before = rawDb().prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    expect(before).toHaveLength(MIGRATIONS.length);

    const second = await open();
    await second.init();
    await expect(second.getLocality(locality.id)).resolves.toEqual(locality);
    await expect(second.insertInboundMessage(anInbound({ providerSid: message.providerSid }))).resolves.toEqual({
      inserted: false,
      message,
    });
    expect(rawDb().prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all()).toEqual(before);
  });

  it('applies a new migration once on an existing file and never again', async () => {
    await (await open()).close();
    const db = rawDb();
    // Versions may have gaps (parallel branches take numbers ahead): the new one comes after the highest.
    const version = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
    const next = [...MIGRATIONS, { version, name: 'test column', up: 'ALTER TABLE localities ADD COLUMN extra TEXT' }];
    expect(migrate(db, logger, next)).toEqual([version]);
    expect(migrate(db, logger, next)).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(next.length);
  });

  it('tickets stored before the next-deadline migration are queued by their next open deadline after it, through an index', async () => {
    const old = rawDb();
    migrate(old, logger, MIGRATIONS.filter((m) => m.version === 1));
    const locality = aLocality();
    const resident = aResident({ localityId: locality.id });
    const owner = { localityId: locality.id, residentId: resident.id };
    const answered = aTicket(owner, { firstResponseAt: at(5), firstResponseDueAt: at(60), resolutionDueAt: at(200) });
    const unanswered = aTicket(owner, { firstResponseDueAt: at(100), resolutionDueAt: at(1440) });
    // Only the columns the table had at version 1 (later migrations add locality settings).
    const v1LocalityColumns = new Set((old.prepare('PRAGMA table_info(localities)').all() as Array<{ name: string }>).map((c) => c.name));
    const v1Localities = { ...LOCALITIES, columns: LOCALITIES.columns.filter((c) => v1LocalityColumns.has(c.column)) };
    old.prepare(insertSql(v1Localities)).run(toRow(v1Localities, locality));
    old.prepare(insertSql(RESIDENTS)).run(toRow(RESIDENTS, resident));
    // Only the columns the version-1 table has: later migrations add columns (e.g. incident_id).
    const v1Columns = new Set((old.prepare('PRAGMA table_info(tickets)').all() as Array<{ name: string }>).map((c) => c.name));
    const v1Tickets = { ...TICKETS, columns: TICKETS.columns.filter((c) => v1Columns.has(c.column)) };
    for (const ticket of [answered, unanswered]) old.prepare(insertSql(v1Tickets)).run(toRow(v1Tickets, ticket));
    old.close();

    const repo = await open();
    const { items } = await repo.listTickets({ sort: 'due' });
    expect(items.map((t) => t.id)).toEqual([unanswered.id, answered.id]);

    const filter = { sort: 'due' as const, localityIds: [locality.id], statuses: ['open' as const] };
    const { sql, params } = listTicketsSql(filter, planTicketQuery(filter));
    const plan = (rawDb().prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
    expect(plan.join('\n')).toContain('tickets_locality_status_next_due');
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
  });

  it('the backlog at a week end, on tickets stored before migration 13, is counted from the unresolved and resolution indexes, never from all creations', async () => {
    const old = rawDb();
    migrate(old, logger, MIGRATIONS.filter((m) => m.version < 13));
    const locality = aLocality();
    const resident = aResident({ localityId: locality.id });
    const owner = { localityId: locality.id, residentId: resident.id };
    old.prepare(insertSql(LOCALITIES)).run(toRow(LOCALITIES, locality));
    old.prepare(insertSql(RESIDENTS)).run(toRow(RESIDENTS, resident));
    const tickets = [
      aTicket(owner, { createdAt: at(1), status: 'open' }),
      aTicket(owner, { createdAt: at(2), status: 'closed', closedAt: at(50) }),
      aTicket(owner, { createdAt: at(3), status: 'resolved', resolvedAt: at(60) }),
      aTicket(owner, { createdAt: at(4), status: 'resolved', resolvedAt: at(10) }),
    ];
    for (const ticket of tickets) old.prepare(insertSql(TICKETS)).run(toRow(TICKETS, ticket));
    old.close();

    const repo = await open();
    await expect(repo.openBacklog({ localityIds: [locality.id], at: at(30) })).resolves.toEqual({ open: 3, oldestCreatedAt: at(1) });
    const { sql, params } = openBacklogSql({ localityIds: [locality.id], at: at(30) });
    const plan = (rawDb().prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    expect(plan).toContain('COVERING INDEX tickets_unresolved');
    expect(plan).toContain('COVERING INDEX tickets_figures_resolved');
    expect(plan).not.toContain('tickets_figures_created');
    expect(plan).not.toMatch(/SCAN tickets/);
  });

  it('accounts and API tokens stored before migration 4 read back at session version 0 and not revoked', async () => {
    const old = rawDb();
    migrate(old, logger, MIGRATIONS.filter((m) => m.version < 4));
    old
      .prepare(
        `INSERT INTO users (id, username, name, role, phone, locality_ids, on_duty, password_hash, created_at, updated_at)
         VALUES ('u-old', 'rosa', 'Rosa', 'operator', NULL, '[]', 1, 'hash', ?, ?)`,
      )
      .run(at(0), at(0));
    old
      .prepare(`INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, last_used_at) VALUES ('t-old', 'u-old', 'sha256:old', 'script', ?, NULL)`)
      .run(at(0));
    old.close();

    const repo = await open();
    await expect(repo.getUser('u-old')).resolves.toMatchObject({ sessionVersion: 0 });
    await expect(repo.listApiTokens('u-old')).resolves.toEqual([expect.objectContaining({ id: 't-old', revokedAt: null })]);
  });

  it('inbound messages stored before migration 5 read back unchanged, stay pending, and can be counted and dead-lettered', async () => {
    const old = rawDb();
    migrate(old, logger, MIGRATIONS.filter((m) => m.version < 5));
    const message = anInbound({ receivedAt: at(1) });
    old
      .prepare(
        `INSERT INTO inbound_messages (id, provider_sid, channel, from_phone, to_phone, body, media, location, received_at, processed_at, resident_id, locality_id)
         VALUES (?, ?, ?, ?, ?, ?, '[]', NULL, ?, NULL, NULL, NULL)`,
      )
      .run(message.id, message.providerSid, message.channel, message.fromPhone, message.toPhone, message.body, message.receivedAt);
    old.close();

    const repo = await open();
    await expect(repo.getInboundMessage(message.id)).resolves.toStrictEqual(message);
    await expect(repo.listUnprocessedInboundFrom(message.fromPhone)).resolves.toStrictEqual([message]);
    await expect(repo.recordInboundFailure(message.id, { at: at(2), reason: 'Error' })).resolves.toMatchObject({ processingFailures: 1 });
    await repo.commit({ inboundFailed: { id: message.id, at: at(3), residentId: null, localityId: null } });
    await expect(repo.listUnprocessedInbound({ receivedBefore: at(10), limit: 10 })).resolves.toEqual([]);
  });

  it('refuses a ticket whose locality does not exist (foreign keys are on)', async () => {
    const repo = await open();
    const err = await rejectionOf(repo.commit({ ticketsCreated: [aTicket({ localityId: 'nowhere', residentId: 'nobody' })] }));
    expect(err).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  });

  it('a closed store answers StoreUnavailableError, so intake spools instead of failing', async () => {
    const repo = await open();
    await repo.close();
    expect(await rejectionOf(repo.insertInboundMessage(anInbound()))).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(repo.ping())).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(repo.commit({}))).toBeInstanceOf(StoreUnavailableError);
  });

  it('a store that was never initialised answers StoreUnavailableError', async () => {
    const repo = createSqliteRepository({ path: file.path, logger });
    expect(await rejectionOf(repo.getTicket('t'))).toBeInstanceOf(StoreUnavailableError);
  });

  it('a database path that cannot be opened is StoreUnavailableError at init', async () => {
    const folder = join(file.path, '..', 'a-folder');
    mkdirSync(folder);
    const asFolder = createSqliteRepository({ path: folder, logger });
    expect(await rejectionOf(asFolder.init())).toBeInstanceOf(StoreUnavailableError);

    const plainFile = join(file.path, '..', 'plain-file');
    writeFileSync(plainFile, 'not a folder');
    const underFile = createSqliteRepository({ path: join(plainFile, 'aguavoz.sqlite'), logger });
    expect(await rejectionOf(underFile.init())).toBeInstanceOf(StoreUnavailableError);
  });

  it('a file that is not a database is StoreUnavailableError at init', async () => {
    writeFileSync(file.path, 'this is not sqlite '.repeat(100));
    const repo = createSqliteRepository({ path: file.path, logger });
    expect(await rejectionOf(repo.init())).toBeInstanceOf(StoreUnavailableError);
  });

  it('a write blocked by another process past the busy timeout is StoreUnavailableError, and works once released', async () => {
    const repo = await open(file.path, 100);
    const other = rawDb();
    other.exec('BEGIN EXCLUSIVE');
    expect(await rejectionOf(repo.insertInboundMessage(anInbound()))).toBeInstanceOf(StoreUnavailableError);
    other.exec('COMMIT');
    await expect(repo.insertInboundMessage(anInbound())).resolves.toMatchObject({ inserted: true });
  });

  it('separate processes delivering the same providerSid at once store one row, inserted by exactly one', async () => {
    await (await open()).close();
    const run = promisify(execFile);
    const startAt = String(Date.now() + 1500);
    const child = join(__dirname, 'support', 'insert-inbound-child.ts');
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['-r', '@swc-node/register', child, file.path, 'SMmultiprocess', startAt])),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout) as { inserted: boolean; id: string });
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const rows = rawDb().prepare("SELECT COUNT(*) FROM inbound_messages WHERE provider_sid = 'SMmultiprocess'").pluck().get();
    expect(rows).toBe(1);
  });
});
