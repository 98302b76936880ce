/**
 * The weekly committee figures (issue 11): how long the Monday job takes to compute one
 * locality-week's summary figures, through the real code path — `computeSummaryFigures` over
 * `createPublicationFigures` over the SQLite adapter (`createSqliteRepository`) on a real file,
 * exactly what `summaryService.summaryFor` runs before it stores the one summary row:
 * the week's tickets by creation and by resolution, the backlog as it stood at the week's end,
 * and the 4-week window of the gender comparison; then by kind, by gender with suppression,
 * response-time medians, SLA share.
 *
 *   A. one town holding all `BENCH_COMMITTEE_TICKETS_A` (100,000) tickets of the store, a year of
 *      weeks: the worst case for one locality-week (its backlog count covers its whole history);
 *      also the public page's 13-week series of that town, for comparison.
 *   B. `BENCH_COMMITTEE_TICKETS_B` (1,000,000) tickets over `BENCH_COMMITTEE_TOWNS` (50) towns of
 *      2,000–30,000 people: every town's week one after the other, as the maintenance worker
 *      (concurrency 1) runs the Monday schedulers.
 *
 * The store is seeded by `committee-seed.ts` into a file migrated by the adapter's `init()`; the
 * timings are medians of `BENCH_COMMITTEE_REPEAT` (5 for A, 3 for B) runs on a freshly opened
 * repository. The SQLite query plans of the figure reads are recorded too, so a full scan shows.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { computeSummaryFigures, type WeeklySummaryFigures } from '../src/committees/summary-figures';
import type { Locality } from '../src/domain/locality';
import { lastCompleteIsoWeek, shiftPeriod } from '../src/publication/aligned-period';
import { EQUITY_WINDOW_WEEKS } from '../src/publication/equity-flag';
import { createPublicationFigures } from '../src/publication/publication-figures';
import { createLogger } from '../src/shared/logger';
import type { Repository } from '../src/store/repository';
import { figureRowsSql, openBacklogSql } from '../src/store/sqlite/sqlite-figure-queries';
import { createSqliteRepository } from '../src/store/sqlite/sqlite-repository';
import { planTowns, seedCommitteeStore, type SeedResult, type SeedTown } from './committee-seed';

/** Monday 08:00 in Lima: when the default schedule sends last week's summary. */
export const BENCH_NOW = '2026-11-30T13:00:00.000Z';
const WEEKS = 52;
const TIME_ZONE = 'America/Lima';

export interface CommitteeMeasured {
  measured: true;
  summary: string;
  /** Median seconds of one locality-week's summary figures, scenario A. */
  locality_week_100k_s: number;
  /** Median seconds of every town's week, one after the other, scenario B. */
  all_localities_1m_s: number;
  /** Seconds to seed A and B (not part of the figures). */
  seed_s: { a: number; b: number };
  a: {
    tickets: number;
    towns: 1;
    week: string;
    week_tickets: number;
    runs_s: number[];
    /** Median seconds of the runs spent in the store's figure reads (the rest: computing). */
    store_reads_s: number;
    public_page_13_weeks_s: number;
    public_page_runs_s: number[];
  };
  b: { tickets: number; towns: number; runs_s: number[]; store_reads_s: number; per_locality_max_s: number; per_locality_median_s: number };
  query_plans: Record<string, string[]>;
  settings: { now: string; weeks: number; time_zone: string; repeat_a: number; repeat_b: number };
}

export type CommitteeFigures =
  | { measured: false; summary: string }
  | CommitteeMeasured;

const round = (s: number) => Math.round(s * 1000) / 1000;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

async function seconds<T>(work: () => Promise<T>): Promise<{ value: T; s: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, s: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** A migrated, seeded store file; the repository is opened afterwards so it starts cold. */
async function seededStore(path: string, towns: SeedTown[], logger: ReturnType<typeof createLogger>): Promise<SeedResult> {
  const migrate = createSqliteRepository({ path, logger });
  await migrate.init();
  await migrate.close();
  return seedCommitteeStore(path, { towns, now: BENCH_NOW, weeks: WEEKS, timeZone: TIME_ZONE });
}

/**
 * The repository as the figures see it, adding up the time its two figure reads take. The
 * SQLite adapter runs a read synchronously inside the call, so the call's own duration is the
 * store's share (the rest is computing the figures from the rows).
 */
function timedReads(repo: Repository): { repo: Pick<Repository, 'listTicketFigureRows' | 'openBacklog'>; seconds(): number } {
  let ns = 0n;
  const timed =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const started = process.hrtime.bigint();
      try {
        return read(...args);
      } finally {
        ns += process.hrtime.bigint() - started;
      }
    };
  return {
    repo: { listTicketFigureRows: timed((q) => repo.listTicketFigureRows(q)), openBacklog: timed((q) => repo.openBacklog(q)) },
    seconds: () => Number(ns) / 1e9,
  };
}

/** What the weekly job computes for one locality's last complete week, and the store's share of it. */
async function summaryFigures(repo: Repository, locality: Locality): Promise<{ figures: WeeklySummaryFigures; storeS: number }> {
  const reads = timedReads(repo);
  const figures = createPublicationFigures({ repo: reads.repo, now: () => BENCH_NOW });
  const summary = await computeSummaryFigures({ figures, locality, week: lastCompleteIsoWeek(BENCH_NOW, locality.timeZone), mode: 'week', now: BENCH_NOW });
  return { figures: summary, storeS: reads.seconds() };
}

/** EXPLAIN QUERY PLAN of the statements the figures run (built by the adapter's own SQL functions). */
export function figureQueryPlans(path: string, localityId: string): Record<string, string[]> {
  const week = lastCompleteIsoWeek(BENCH_NOW, TIME_ZONE);
  const windowFrom = shiftPeriod(week, -(EQUITY_WINDOW_WEEKS - 1)).from;
  const localityIds = [localityId];
  const statements: Record<string, { sql: string; params: unknown[] }> = {
    created_in_week: figureRowsSql({ localityIds, by: 'created', from: week.from, to: week.to }),
    resolved_in_week: figureRowsSql({ localityIds, by: 'resolved', from: week.from, to: week.to }),
    gender_window: figureRowsSql({ localityIds, by: 'created', from: windowFrom, to: week.to }),
    backlog_at_week_end: openBacklogSql({ localityIds, at: week.to }),
    backlog_now: openBacklogSql({ localityIds }),
  };
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      Object.entries(statements).map(([name, { sql, params }]) => [
        name,
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail),
      ]),
    );
  } finally {
    db.close();
  }
}

export async function measureCommitteeFigures(options: { root: string; runDir: string; log: (line: string) => void }): Promise<CommitteeFigures> {
  if (process.env.BENCH_SKIP_COMMITTEE === '1') return { measured: false, summary: 'skipped (BENCH_SKIP_COMMITTEE=1)' };
  const ticketsA = Number(process.env.BENCH_COMMITTEE_TICKETS_A ?? 100_000);
  const ticketsB = Number(process.env.BENCH_COMMITTEE_TICKETS_B ?? 1_000_000);
  const townsB = Number(process.env.BENCH_COMMITTEE_TOWNS ?? 50);
  const repeatA = Number(process.env.BENCH_COMMITTEE_REPEAT ?? 5);
  const repeatB = Math.max(1, Math.min(repeatA, 3));
  const logger = createLogger({ level: 'warn', name: 'bench-committee' });
  const { log } = options;

  // A: one town, all the store's tickets.
  const pathA = join(options.runDir, 'committee-a.sqlite');
  const townA = planTowns(1, ticketsA, { idPrefix: 'bench-a' });
  const seedA = await seededStore(pathA, townA, logger);
  log(`committee A: seeded ${seedA.tickets} tickets (${seedA.residents} residents, ${seedA.open} open now) in one town in ${round(seedA.seconds)} s`);
  const plans = figureQueryPlans(pathA, townA[0]!.id);
  for (const [name, plan] of Object.entries(plans)) log(`committee plan ${name}: ${plan.join(' / ')}`);
  const repoA = createSqliteRepository({ path: pathA, logger });
  await repoA.init();
  let a: CommitteeMeasured['a'];
  try {
    const locality = (await repoA.getLocality(townA[0]!.id))!;
    const runs: number[] = [];
    const storeRuns: number[] = [];
    let figures: WeeklySummaryFigures | null = null;
    for (let i = 0; i < repeatA; i += 1) {
      const run = await seconds(() => summaryFigures(repoA, locality));
      runs.push(round(run.s));
      storeRuns.push(round(run.value.storeS));
      figures = run.value.figures;
    }
    const page = createPublicationFigures({ repo: repoA, now: () => BENCH_NOW });
    const pageRuns: number[] = [];
    for (let i = 0; i < repeatA; i += 1) pageRuns.push(round((await seconds(() => page.weeklySeries(locality, { weeks: 13 }))).s));
    a = {
      tickets: seedA.tickets,
      towns: 1,
      week: figures!.weekKey,
      week_tickets: figures!.total,
      runs_s: runs,
      store_reads_s: median(storeRuns),
      public_page_13_weeks_s: median(pageRuns),
      public_page_runs_s: pageRuns,
    };
    log(
      `committee A: week ${a.week} (${a.week_tickets} tickets, ${figures!.open} open at its end, verdict ${figures!.comparison?.verdict}): ` +
        `${runs.join(', ')} s (store reads ${storeRuns.join(', ')} s); public page 13 weeks ${pageRuns.join(', ')} s`,
    );
  } finally {
    await repoA.close();
    rmSync(pathA, { force: true });
    rmSync(`${pathA}-wal`, { force: true });
    rmSync(`${pathA}-shm`, { force: true });
  }

  // B: many towns, every town's week.
  const pathB = join(options.runDir, 'committee-b.sqlite');
  const towns = planTowns(townsB, ticketsB, { idPrefix: 'bench-b' });
  const seedB = await seededStore(pathB, towns, logger);
  log(`committee B: seeded ${seedB.tickets} tickets (${seedB.residents} residents) in ${towns.length} towns in ${round(seedB.seconds)} s`);
  const repoB = createSqliteRepository({ path: pathB, logger });
  await repoB.init();
  let b: CommitteeMeasured['b'];
  try {
    const localities = (await repoB.listLocalities()).filter((l) => l.id.startsWith('bench-b'));
    const runs: number[] = [];
    const storeRuns: number[] = [];
    let perLocality: number[] = [];
    for (let i = 0; i < repeatB; i += 1) {
      const each: number[] = [];
      let store = 0;
      const all = await seconds(async () => {
        for (const locality of localities) {
          const run = await seconds(() => summaryFigures(repoB, locality));
          each.push(run.s);
          store += run.value.storeS;
        }
      });
      runs.push(round(all.s));
      storeRuns.push(round(store));
      perLocality = each;
    }
    b = {
      tickets: seedB.tickets,
      towns: localities.length,
      runs_s: runs,
      store_reads_s: median(storeRuns),
      per_locality_max_s: round(Math.max(...perLocality)),
      per_locality_median_s: round(median(perLocality)),
    };
    log(`committee B: all ${b.towns} towns' weeks: ${runs.join(', ')} s (store reads ${storeRuns.join(', ')} s; per town median ${b.per_locality_median_s} s, max ${b.per_locality_max_s} s)`);
  } finally {
    await repoB.close();
    rmSync(pathB, { force: true });
    rmSync(`${pathB}-wal`, { force: true });
    rmSync(`${pathB}-shm`, { force: true });
  }

  const localityWeek = median(a.runs_s);
  const allLocalities = median(b.runs_s);
  const count = (n: number) => n.toLocaleString('en-US');
  return {
    measured: true,
    summary:
      `one locality-week with ${count(a.tickets)} tickets ${localityWeek} s; all ${b.towns} towns' weeks with ${count(b.tickets)} ` +
      `${allLocalities} s (seeding ${round(seedA.seconds)} s + ${round(seedB.seconds)} s)`,
    locality_week_100k_s: localityWeek,
    all_localities_1m_s: allLocalities,
    seed_s: { a: round(seedA.seconds), b: round(seedB.seconds) },
    a,
    b,
    query_plans: plans,
    settings: { now: BENCH_NOW, weeks: WEEKS, time_zone: TIME_ZONE, repeat_a: repeatA, repeat_b: repeatB },
  };
}
