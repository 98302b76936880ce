/**
 * Fills a throw-away SQLite store with a year of towns' tickets for the committee-figures
 * benchmark. The file must already be migrated (opened once through the adapter's `init()`), so
 * the tables and indexes are exactly the ones the service runs on; rows are written with the
 * adapter's own column mapping (`insertSql` / `toRow` of `sqlite-tables.ts`) through one prepared
 * statement per table, in transactions of {@link BATCH} rows, which is what makes a million
 * tickets take seconds rather than the hours one commit per ticket would.
 *
 * The tickets are what the figures read, made to look like a town's year: arrivals spread evenly
 * over the weeks, categories and genders mixed (a fifth never answered the gender question),
 * first responses and resolutions heavy-tailed (log-normal) with women answered a little slower,
 * SLA deadlines of 4 h / 48–72 h, a few percent never resolved, the last days mostly still open,
 * a third of resolved tickets rated. Deterministic: the same plan and seed give the same store.
 * The timeline is not written: no figure reads it (they read the ticket's own times).
 */
import Database from 'better-sqlite3';
import type { Locality } from '../src/domain/locality';
import type { Gender, Resident } from '../src/domain/resident';
import type { Category, Ticket, TicketStatus } from '../src/domain/ticket';
import { LOCALITIES, RESIDENTS, TICKETS, insertSql, toRow } from '../src/store/sqlite/sqlite-tables';

export interface SeedTown {
  id: string;
  slug: string;
  name: string;
  population: number;
  /** Tickets this town gets over the seeded weeks. */
  tickets: number;
}

export interface SeedPlan {
  towns: readonly SeedTown[];
  /** Tickets are created over the `weeks` weeks before `now`. */
  now: string;
  weeks: number;
  /** PRNG seed: the same plan and seed give the same rows. */
  seed?: number;
  timeZone?: string;
  /** Drop the tickets' indexes while inserting and build them after (default true). */
  rebuildIndexes?: boolean;
}

export interface SeedResult {
  tickets: number;
  residents: number;
  /** Tickets still open at `now` (open, acknowledged, in progress). */
  open: number;
  seconds: number;
}

const BATCH = 20_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Tickets per resident over a year: most residents report once, a few report often. */
const TICKETS_PER_RESIDENT = 3;

const CATEGORY_WEIGHTS: ReadonlyArray<readonly [Category, number]> = [
  ['outage', 0.35],
  ['leak', 0.2],
  ['quality', 0.15],
  ['billing', 0.12],
  ['sewage', 0.1],
  ['other', 0.08],
];
const GENDER_WEIGHTS: ReadonlyArray<readonly [Gender | null, number]> = [
  ['woman', 0.4],
  ['man', 0.35],
  ['another', 0.02],
  ['undisclosed', 0.05],
  [null, 0.18],
];
/** Categories a water service must fix fast get the 48 h resolution target; the rest 72 h. */
const URGENT: ReadonlySet<Category> = new Set(['outage', 'leak', 'sewage']);

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(weights: ReadonlyArray<readonly [T, number]>, r: number): T {
  let sum = 0;
  for (const [value, weight] of weights) {
    sum += weight;
    if (r < sum) return value;
  }
  return weights[weights.length - 1]![0];
}

/** Standard normal from two uniforms (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * `count` towns of 2,000–30,000 people sharing `totalTickets` in proportion to their population
 * (every town gets at least one ticket).
 */
export function planTowns(count: number, totalTickets: number, options: { idPrefix?: string } = {}): SeedTown[] {
  const random = prng(count * 7919 + 17);
  const populations = Array.from({ length: count }, (_, i) =>
    count === 1 ? 30_000 : Math.round(2_000 + (28_000 * i) / (count - 1) + (random() - 0.5) * 500),
  ).map((p) => Math.min(30_000, Math.max(2_000, p)));
  const people = populations.reduce((a, b) => a + b, 0);
  const tickets = populations.map((p) => Math.max(1, Math.floor((totalTickets * p) / people)));
  tickets[tickets.length - 1]! += totalTickets - tickets.reduce((a, b) => a + b, 0);
  return populations.map((population, i) => ({
    id: `${options.idPrefix ?? 'bench-town'}-${String(i + 1).padStart(3, '0')}`,
    slug: `${options.idPrefix ?? 'bench-town'}-${i + 1}`,
    name: `Bench town ${i + 1}`,
    population,
    tickets: tickets[i]!,
  }));
}

export function seedCommitteeStore(path: string, plan: SeedPlan): SeedResult {
  const started = process.hrtime.bigint();
  const random = prng(plan.seed ?? 20261201);
  const db = new Database(path);
  try {
    // A throw-away file: nothing to lose in a power cut while it fills, so no journal and no
    // fsync (the service's own connections open it in WAL with synchronous = FULL again).
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('foreign_keys = ON');
    const insertLocality = db.prepare(insertSql(LOCALITIES));
    const insertResident = db.prepare(insertSql(RESIDENTS));
    const insertTicket = db.prepare(insertSql(TICKETS));

    // The tickets' secondary indexes are dropped while the rows go in and built again from their
    // own stored SQL afterwards (a sort instead of a million random b-tree inserts): the file
    // ends with exactly the indexes the migrations made.
    const ticketIndexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL`)
      .all() as Array<{ name: string; sql: string }>;
    if (plan.rebuildIndexes !== false) for (const index of ticketIndexes) db.exec(`DROP INDEX ${index.name}`);

    const nowMs = Date.parse(plan.now);
    const startMs = nowMs - plan.weeks * 7 * 24 * HOUR_MS;
    const startIso = new Date(startMs).toISOString();
    const total = plan.towns.reduce((sum, t) => sum + t.tickets, 0);

    // Towns and their residents (a resident's gender is copied into each of their tickets).
    const residents: Array<Array<{ id: string; gender: Gender | null }>> = [];
    let phoneSeq = 10_000_000;
    db.transaction(() => {
      for (const town of plan.towns) {
        const locality: Locality = {
          id: town.id,
          slug: town.slug,
          name: town.name,
          timeZone: plan.timeZone ?? 'America/Lima',
          sectors: ['Centro', 'Barrio Alto', 'Las Lomas'],
          phoneNumbers: [`+5164${String(phoneSeq).slice(-6)}`],
          isCatchAll: false,
          createdAt: startIso,
        };
        insertLocality.run(toRow(LOCALITIES, locality));
        const own: Array<{ id: string; gender: Gender | null }> = [];
        const count = Math.max(1, Math.ceil(town.tickets / TICKETS_PER_RESIDENT));
        for (let i = 0; i < count; i += 1) {
          phoneSeq += 1;
          const gender = pick(GENDER_WEIGHTS, random());
          const resident: Resident = {
            id: `${town.id}-r${String(i).padStart(7, '0')}`,
            phone: `+519${phoneSeq}`,
            localityId: town.id,
            language: random() < 0.15 ? 'qu' : 'es',
            gender,
            genderAskedAt: startIso,
            privacyNoticeSentAt: startIso,
            optedOut: false,
            lastInboundAt: startIso,
            lastWhatsappInboundAt: null,
            createdAt: startIso,
            updatedAt: startIso,
          };
          insertResident.run(toRow(RESIDENTS, resident));
          own.push({ id: resident.id, gender });
        }
        residents.push(own);
      }
    })();

    // Tickets in arrival order, each town drawn in proportion to its share of what is left.
    const left = plan.towns.map((t) => t.tickets);
    let remaining = total;
    let open = 0;
    const insertBatch = db.transaction((rows: Ticket[]) => {
      for (const row of rows) insertTicket.run(toRow(TICKETS, row));
    });
    let batch: Ticket[] = [];
    for (let i = 0; i < total; i += 1) {
      let r = random() * remaining;
      let town = 0;
      while (r >= left[town]!) {
        r -= left[town]!;
        town += 1;
      }
      left[town]! -= 1;
      remaining -= 1;
      const ticket = aSeededTicket(plan.towns[town]!, residents[town]!, i, startMs + ((i + random()) * (nowMs - startMs)) / total, nowMs, random);
      if (ticket.status === 'open' || ticket.status === 'acknowledged' || ticket.status === 'in_progress') open += 1;
      batch.push(ticket);
      if (batch.length === BATCH) {
        insertBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) insertBatch(batch);
    if (plan.rebuildIndexes !== false) db.transaction(() => ticketIndexes.forEach((index) => db.exec(index.sql)))();
    db.pragma('journal_mode = WAL');
    const residentCount = residents.reduce((sum, own) => sum + own.length, 0);
    return { tickets: total, residents: residentCount, open, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    db.close();
  }
}

function aSeededTicket(
  town: SeedTown,
  residents: ReadonlyArray<{ id: string; gender: Gender | null }>,
  seq: number,
  createdMs: number,
  nowMs: number,
  random: () => number,
): Ticket {
  const resident = residents[Math.floor(random() * residents.length)]!;
  const category = pick(CATEGORY_WEIGHTS, random());
  const iso = (ms: number) => new Date(ms).toISOString();
  const slower = resident.gender === 'woman' ? 1.3 : 1;
  // Median first response about an hour (women's 1.3×), median resolution about a day.
  const firstResponseMs = createdMs + Math.exp(Math.log(60 * slower) + 1.2 * normal(random)) * MINUTE_MS;
  const neverResolved = random() < 0.03;
  const resolvedMs = neverResolved ? Infinity : Math.max(firstResponseMs, createdMs + Math.exp(Math.log(24) + 1.0 * normal(random)) * HOUR_MS);
  const firstResponseAt = firstResponseMs <= nowMs && random() > 0.02 ? iso(firstResponseMs) : null;
  const resolvedAt = firstResponseAt && resolvedMs <= nowMs ? iso(resolvedMs) : null;
  const closedMs = resolvedAt ? resolvedMs + 3 * 24 * HOUR_MS : Infinity;
  const closedAt = closedMs <= nowMs && random() < 0.6 ? iso(closedMs) : null;
  const status: TicketStatus = closedAt ? 'closed' : resolvedAt ? 'resolved' : firstResponseAt ? (random() < 0.5 ? 'acknowledged' : 'in_progress') : 'open';
  const firstResponseDueMs = createdMs + 4 * HOUR_MS;
  const resolutionDueMs = createdMs + (URGENT.has(category) ? 48 : 72) * HOUR_MS;
  const missed = [
    (firstResponseAt ? firstResponseMs : nowMs) > firstResponseDueMs ? firstResponseDueMs : Infinity,
    (resolvedAt ? resolvedMs : nowMs) > resolutionDueMs ? resolutionDueMs : Infinity,
  ];
  const breachedMs = Math.min(...missed);
  const createdAt = iso(createdMs);
  const updatedAt = closedAt ?? resolvedAt ?? firstResponseAt ?? createdAt;
  return {
    id: `${town.id}-t${String(seq).padStart(8, '0')}`,
    reference: String(100_000_000 + seq),
    localityId: town.id,
    residentId: resident.id,
    category,
    details: {},
    sector: random() < 0.8 ? 'Centro' : 'Barrio Alto',
    location: null,
    channel: random() < 0.3 ? 'whatsapp' : 'sms',
    reporterGender: resident.gender,
    reporterLanguage: 'es',
    priority: 'normal',
    status,
    needsOperator: false,
    assigneeId: null,
    createdAt,
    updatedAt,
    firstResponseAt,
    acknowledgedAt: firstResponseAt,
    resolvedAt,
    closedAt,
    reopenCount: 0,
    firstResponseDueAt: iso(firstResponseDueMs),
    resolutionDueAt: iso(resolutionDueMs),
    slaBreachedAt: breachedMs <= nowMs ? iso(breachedMs) : null,
    resolutionNote: resolvedAt ? 'Reparado' : null,
    residentConfirmedSolved: resolvedAt && random() < 0.5 ? true : null,
    residentRating: resolvedAt && random() < 0.33 ? 1 + Math.floor(random() * 5) : null,
    incidentId: null,
  };
}
