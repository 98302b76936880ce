/**
 * Issue 11: every report of a burst that joins an incident counts its neighbours, and every read
 * of the incident counts its tickets. Through `tickets_incident` each count made a table lookup
 * per linked ticket (1.0–1.4 ms a report once 2,000 had joined, 5 s of the benchmark's burst).
 * Migration 14's index holds every column they read; this keeps both answered from it alone.
 */
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/sqlite/sqlite-open';
import { INCIDENT_COUNTS_SQL, INCIDENT_RESIDENT_COUNT_SQL } from '../../src/store/sqlite/sqlite-incident-queries';
import { silentLogger } from '../messaging/outbound/outbound-harness';
import { tempSqlitePath } from '../support/sqlite';

describe('incident counts on SQLite', () => {
  const sqlite = tempSqlitePath('incident-count-plans');
  let db: Database.Database;

  beforeAll(() => {
    db = openDatabase(sqlite.path, 1000, silentLogger);
  });

  afterAll(() => {
    db.close();
    sqlite.cleanup();
  });

  const plan = (sql: string, params: unknown) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail);

  it.each([
    ['the neighbours a joining report is told of', INCIDENT_RESIDENT_COUNT_SQL, 'incident-1'],
    ["an incident's ticket, open and resident counts", INCIDENT_COUNTS_SQL, { id: 'incident-1' }],
  ])('%s are read from the covering index alone, without sorting', (_what, sql, params) => {
    const steps = plan(sql, params);
    const searches = steps.filter((step) => step.startsWith('SEARCH tickets'));
    expect(searches.length).toBeGreaterThan(0);
    for (const step of searches) expect(step).toContain('USING COVERING INDEX tickets_incident_counts');
    expect(steps.filter((step) => step.includes('TEMP B-TREE'))).toEqual([]);
  });
});
