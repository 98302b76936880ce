/**
 * Versioned schema for the embedded store. Each migration runs once, inside its own
 * `BEGIN IMMEDIATE` transaction that re-checks `schema_migrations`, so a web and a worker process
 * starting together on the same file cannot both apply it. Never edit a released migration:
 * append a new one.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../../shared/logger';
import { NO_DEADLINE } from '../ticket-page';

export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}

const INITIAL_SCHEMA = `
CREATE TABLE localities (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  sectors TEXT NOT NULL CHECK (json_valid(sectors)),
  phone_numbers TEXT NOT NULL CHECK (json_valid(phone_numbers)),
  is_catch_all INTEGER NOT NULL CHECK (is_catch_all IN (0, 1)),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX localities_catch_all ON localities (created_at) WHERE is_catch_all = 1;

CREATE TABLE residents (
  id TEXT PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE,
  locality_id TEXT,
  language TEXT NOT NULL,
  gender TEXT,
  gender_asked_at TEXT,
  privacy_notice_sent_at TEXT,
  opted_out INTEGER NOT NULL CHECK (opted_out IN (0, 1)),
  last_inbound_at TEXT,
  last_whatsapp_inbound_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX residents_locality ON residents (locality_id);

CREATE TABLE inbound_messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  provider_sid TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  from_phone TEXT NOT NULL,
  to_phone TEXT NOT NULL,
  body TEXT NOT NULL,
  media TEXT NOT NULL CHECK (json_valid(media)),
  location TEXT CHECK (location IS NULL OR json_valid(location)),
  received_at TEXT NOT NULL,
  processed_at TEXT,
  resident_id TEXT,
  locality_id TEXT
) STRICT;
CREATE INDEX inbound_unprocessed_by_phone ON inbound_messages (from_phone, received_at, seq) WHERE processed_at IS NULL;
CREATE INDEX inbound_unprocessed ON inbound_messages (received_at, seq) WHERE processed_at IS NULL;
CREATE INDEX inbound_by_resident ON inbound_messages (resident_id, received_at, seq);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  locality_id TEXT NOT NULL REFERENCES localities (id),
  resident_id TEXT NOT NULL REFERENCES residents (id),
  category TEXT NOT NULL,
  details TEXT NOT NULL CHECK (json_valid(details)),
  sector TEXT,
  location TEXT CHECK (location IS NULL OR json_valid(location)),
  channel TEXT NOT NULL,
  reporter_gender TEXT,
  reporter_language TEXT NOT NULL,
  priority TEXT NOT NULL,
  status TEXT NOT NULL,
  needs_operator INTEGER NOT NULL CHECK (needs_operator IN (0, 1)),
  assignee_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  first_response_at TEXT,
  acknowledged_at TEXT,
  resolved_at TEXT,
  closed_at TEXT,
  reopen_count INTEGER NOT NULL,
  first_response_due_at TEXT,
  resolution_due_at TEXT,
  sla_breached_at TEXT,
  resolution_note TEXT,
  resident_confirmed_solved INTEGER CHECK (resident_confirmed_solved IN (0, 1)),
  resident_rating INTEGER,
  due_sort TEXT GENERATED ALWAYS AS (COALESCE(resolution_due_at, '${NO_DEADLINE}')) VIRTUAL
) STRICT;
CREATE INDEX tickets_locality_status_due ON tickets (locality_id, status, due_sort, created_at, id);
CREATE INDEX tickets_status_due ON tickets (status, due_sort, created_at, id);
CREATE INDEX tickets_locality_created ON tickets (locality_id, created_at, id);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_resident ON tickets (resident_id, created_at);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);

CREATE TABLE ticket_timeline (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL REFERENCES tickets (id),
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  text TEXT,
  is_public INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  data TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE INDEX timeline_by_ticket ON ticket_timeline (ticket_id, at, seq);

CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  resident_id TEXT,
  user_id TEXT,
  ticket_id TEXT,
  channel TEXT NOT NULL,
  to_phone TEXT NOT NULL,
  from_phone TEXT,
  body TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  provider_sid TEXT,
  attempts INTEGER NOT NULL,
  error_code TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_status_created ON outbox (status, created_at, seq);
CREATE INDEX outbox_provider_sid ON outbox (provider_sid) WHERE provider_sid IS NOT NULL;
CREATE INDEX outbox_by_resident ON outbox (resident_id, created_at, seq);
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, created_at, seq);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  phone TEXT,
  locality_ids TEXT NOT NULL CHECK (json_valid(locality_ids)),
  on_duty INTEGER NOT NULL CHECK (on_duty IN (0, 1)),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
`;

/**
 * The queue's `due` order follows the next open deadline (see `dueSortValue`): the first-response
 * deadline while unanswered, else the resolution deadline. A generated column cannot be altered,
 * so the old resolution-only one and its indexes are replaced.
 */
const NEXT_DEADLINE_ORDER = `
DROP INDEX tickets_locality_status_due;
DROP INDEX tickets_status_due;
ALTER TABLE tickets DROP COLUMN due_sort;
ALTER TABLE tickets ADD COLUMN next_due_sort TEXT GENERATED ALWAYS AS (
  CASE WHEN first_response_at IS NULL AND first_response_due_at IS NOT NULL THEN first_response_due_at
  ELSE COALESCE(resolution_due_at, '${NO_DEADLINE}') END
) VIRTUAL;
CREATE INDEX tickets_locality_status_next_due ON tickets (locality_id, status, next_due_sort, created_at, id);
CREATE INDEX tickets_status_next_due ON tickets (status, next_due_sort, created_at, id);
`;

/** Ordered sending reads one recipient's rows still to send; only `queued` rows are indexed. */
const QUEUED_OUTBOX_BY_RECIPIENT = `
CREATE INDEX outbox_queued_by_resident ON outbox (resident_id, created_at, seq) WHERE status = 'queued';
CREATE INDEX outbox_queued_by_user ON outbox (user_id, created_at, seq) WHERE status = 'queued';
`;

/**
 * A password reset ends open console sessions by raising `session_version`; a revoked API token
 * stays listed with the time it was revoked. Existing users start at 0, which is also what their
 * open sessions carry, so nobody is signed out by the upgrade.
 */
const SESSION_VERSION_AND_TOKEN_REVOCATION = `
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
`;

/**
 * A message whose processing keeps failing (not an outage) is counted and, past a limit,
 * dead-lettered (`failed_at`). The pending indexes leave dead-lettered rows out, as the per-phone
 * drain and the sweeper do; NULL counters read back as absent fields.
 */
const INBOUND_PROCESSING_FAILURES = `
ALTER TABLE inbound_messages ADD COLUMN processing_failures INTEGER;
ALTER TABLE inbound_messages ADD COLUMN last_failure_at TEXT;
ALTER TABLE inbound_messages ADD COLUMN last_failure_reason TEXT;
ALTER TABLE inbound_messages ADD COLUMN failed_at TEXT;
DROP INDEX inbound_unprocessed_by_phone;
DROP INDEX inbound_unprocessed;
CREATE INDEX inbound_pending_by_phone ON inbound_messages (from_phone, received_at, seq) WHERE processed_at IS NULL AND failed_at IS NULL;
CREATE INDEX inbound_pending ON inbound_messages (received_at, seq) WHERE processed_at IS NULL AND failed_at IS NULL;
`;

/**
 * Issue 9: incidents group many residents' tickets (each keeps its own); `link_key` is unique so
 * two concurrent first reports of one sector cannot open two incidents. Broadcasts (incident
 * updates, planned-cut notices) write one outbox row per resident with an id derived from
 * (broadcast, resident) and the broadcast's id on the row, for delivery counts.
 */
const INCIDENTS_AND_NOTICES = `
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  locality_id TEXT NOT NULL REFERENCES localities (id),
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  sectors TEXT NOT NULL CHECK (json_valid(sectors)),
  location TEXT CHECK (location IS NULL OR json_valid(location)),
  link_key TEXT UNIQUE,
  title TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_report_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution_note TEXT,
  merged_into_id TEXT,
  truck_alerted_at TEXT
) STRICT;
CREATE INDEX incidents_locality_status ON incidents (locality_id, status, created_at);
CREATE INDEX incidents_pin_linkable ON incidents (locality_id, category) WHERE link_key IS NOT NULL AND location IS NOT NULL;
ALTER TABLE tickets ADD COLUMN incident_id TEXT;
CREATE INDEX tickets_incident ON tickets (incident_id, created_at) WHERE incident_id IS NOT NULL;
CREATE INDEX tickets_resident_sector ON tickets (resident_id, locality_id, sector);

CREATE TABLE broadcasts (
  id TEXT PRIMARY KEY,
  locality_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  incident_id TEXT,
  notice_id TEXT,
  text TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient_count INTEGER,
  completed_at TEXT
) STRICT;
CREATE INDEX broadcasts_incident ON broadcasts (incident_id, created_at);
CREATE INDEX broadcasts_notice ON broadcasts (notice_id, created_at);
CREATE INDEX broadcasts_status ON broadcasts (status, created_at);
ALTER TABLE outbox ADD COLUMN broadcast_id TEXT;
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status) WHERE broadcast_id IS NOT NULL;

CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  locality_id TEXT NOT NULL REFERENCES localities (id),
  kind TEXT NOT NULL,
  sectors TEXT NOT NULL CHECK (json_valid(sectors)),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  text TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  cancelled_at TEXT,
  broadcast_id TEXT
) STRICT;
CREATE INDEX notices_locality_window ON notices (locality_id, ends_at);

CREATE TABLE notice_subscriptions (
  resident_id TEXT NOT NULL,
  locality_id TEXT NOT NULL,
  sector TEXT,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (resident_id, locality_id)
) STRICT;
CREATE INDEX notice_subscriptions_sector ON notice_subscriptions (locality_id, sector) WHERE active = 1;
`;

/**
 * Issue 10, the operator's workday: a staff member's language and a disabled mark on accounts;
 * the local phone feed reads every message to one phone (staff and committee members have no
 * resident row); the console lists dead-lettered messages, newest failure first.
 */
const STAFF_LANGUAGE_DISABLED_AND_FEEDS = `
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN disabled_at TEXT;
CREATE INDEX outbox_to_phone ON outbox (to_phone, created_at, seq);
CREATE INDEX inbound_dead_lettered ON inbound_messages (failed_at, seq) WHERE failed_at IS NOT NULL;
`;

/**
 * Open311 (issue 6): an operator reply marked for publication becomes the request's public
 * `status_notes` (NULL = not published, as every reply written before the mark); Open311 clients
 * file requests with keys stored as SHA-256 hashes only.
 */
const OPEN311_KEYS_AND_PUBLISHED_REPLIES = `
ALTER TABLE ticket_timeline ADD COLUMN is_published INTEGER CHECK (is_published IN (0, 1));
CREATE TABLE open311_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
) STRICT;
`;

/**
 * Issue 6, committees and publication: committee members and the stored weekly summaries, the
 * per-locality publication settings (NULL = defaults), and covering indexes so a published
 * figure reads one locality-period (by creation or by resolution) and counts the backlog from
 * the index alone, however many tickets the store holds.
 */
const COMMITTEES_AND_PUBLICATION = `
ALTER TABLE localities ADD COLUMN min_cell_size INTEGER;
ALTER TABLE localities ADD COLUMN summary_weekday INTEGER;
ALTER TABLE localities ADD COLUMN summary_hour INTEGER;
CREATE TABLE committee_members (
  id TEXT PRIMARY KEY,
  locality_id TEXT NOT NULL REFERENCES localities (id),
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  resident_id TEXT NOT NULL REFERENCES residents (id),
  language TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (locality_id, phone)
) STRICT;
CREATE INDEX committee_members_resident ON committee_members (resident_id);
CREATE TABLE committee_summaries (
  id TEXT PRIMARY KEY,
  locality_id TEXT NOT NULL REFERENCES localities (id),
  week_key TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  figures TEXT NOT NULL CHECK (json_valid(figures)),
  computed_at TEXT NOT NULL,
  UNIQUE (locality_id, week_key)
) STRICT;
CREATE INDEX tickets_figures_created ON tickets (locality_id, created_at, category, reporter_gender, status,
  first_response_at, resolved_at, first_response_due_at, resolution_due_at, sla_breached_at, resident_rating, closed_at);
CREATE INDEX tickets_figures_resolved ON tickets (locality_id, resolved_at, category, reporter_gender, status,
  created_at, first_response_at, first_response_due_at, resolution_due_at, sla_breached_at, resident_rating)
  WHERE resolved_at IS NOT NULL;
`;

/**
 * Issue 11, the backlog as it stood at a week's end: counting "created before, not resolved or
 * closed before" scanned the locality's whole history (100,000 index entries for one town-week
 * at 100,000 tickets, 13 times over for the public page). The count is now split into disjoint
 * parts that each read only what can match: tickets never resolved (a small partial index, by
 * closing time) and tickets resolved at or after the instant (the resolution index, now also
 * holding `closed_at` so it covers that part). `resolved_at` is always NULL in the partial index
 * but listed in it: without it SQLite's planner counts a table lookup and prefers the full scan.
 */
const BACKLOG_AT_INDEXES = `
DROP INDEX tickets_figures_resolved;
CREATE INDEX tickets_figures_resolved ON tickets (locality_id, resolved_at, category, reporter_gender, status,
  created_at, first_response_at, first_response_due_at, resolution_due_at, sla_breached_at, resident_rating, closed_at)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX tickets_unresolved ON tickets (locality_id, closed_at, created_at, resolved_at) WHERE resolved_at IS NULL;
`;

/**
 * Issue 11, a whole town texting about one burst main: every report linked to the sector's
 * incident counted that incident's neighbours (`COUNT(DISTINCT resident_id)`, and the summary's
 * ticket and open counts) through `tickets_incident`, one table lookup per linked ticket: 1.4 ms
 * per report once 2,000 reports had joined, 5 s of the benchmark's 67 s burst. This index holds
 * every column those counts read, so they are answered from the index alone.
 */
const INCIDENT_COUNT_INDEX = `
CREATE INDEX tickets_incident_counts ON tickets (incident_id, resident_id, status) WHERE incident_id IS NOT NULL;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: INITIAL_SCHEMA },
  { version: 2, name: 'queue due order by next open deadline', up: NEXT_DEADLINE_ORDER },
  { version: 3, name: 'queued outbox by recipient', up: QUEUED_OUTBOX_BY_RECIPIENT },
  { version: 4, name: 'user session version and API token revocation', up: SESSION_VERSION_AND_TOKEN_REVOCATION },
  { version: 5, name: 'inbound processing failures and dead letters', up: INBOUND_PROCESSING_FAILURES },
  { version: 6, name: 'committees, summaries, publication settings and figure indexes', up: COMMITTEES_AND_PUBLICATION },
  { version: 7, name: 'open311 keys and published replies', up: OPEN311_KEYS_AND_PUBLISHED_REPLIES },
  { version: 10, name: 'incidents, broadcasts and planned-cut notices', up: INCIDENTS_AND_NOTICES },
  { version: 11, name: 'staff language, disabled accounts, phone feed and dead-letter indexes', up: STAFF_LANGUAGE_DISABLED_AND_FEEDS },
  { version: 13, name: 'backlog at an instant read from unresolved and recently resolved tickets only', up: BACKLOG_AT_INDEXES },
  { version: 14, name: 'incident neighbour counts from an index alone', up: INCIDENT_COUNT_INDEX },
];

/** Applies every migration not yet recorded; returns the versions applied now. */
export function migrate(db: Database.Database, logger: Logger, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare(
    `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  );
  const applyOnce = db.transaction((migration: Migration): boolean => {
    if (isApplied.get(migration.version)) return false;
    if (typeof migration.up === 'string') db.exec(migration.up);
    else migration.up(db);
    record.run(migration.version, migration.name);
    return true;
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applyOnce.immediate(migration)) {
      applied.push(migration.version);
      logger.info({ version: migration.version, migration: migration.name }, 'sqlite migration applied');
    }
  }
  return applied;
}
