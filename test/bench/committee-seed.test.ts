/**
 * The committee benchmark's seeder writes straight into the tables (dropping and rebuilding the
 * tickets' indexes to go fast), so its figures only mean something if the store it leaves is the
 * service's own: the same indexes as a freshly migrated file, and rows the real adapter reads
 * back — counts per town, backlog, genders copied from the residents — as the figures see them.
 */
import Database from 'better-sqlite3';
import { planTowns, seedCommitteeStore } from '../../bench/committee-seed';
import { createLogger } from '../../src/shared/logger';
import { createSqliteRepository } from '../../src/store/sqlite/sqlite-repository';
import { tempSqlitePath } from '../support/sqlite';

const logger = createLogger({ level: 'silent' });
const NOW = '2026-11-30T13:00:00.000Z';

function schemaOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`).all() as Array<Record<string, string>>).map(
      (r) => `${r.type} ${r.name} ${r.tbl_name} ${r.sql}`,
    );
  } finally {
    db.close();
  }
}

describe('committee benchmark seeder', () => {
  const files: Array<ReturnType<typeof tempSqlitePath>> = [];
  afterAll(() => files.forEach((f) => f.cleanup()));

  async function migratedFile(): Promise<string> {
    const file = tempSqlitePath('committee-seed');
    files.push(file);
    const repo = createSqliteRepository({ path: file.path, logger });
    await repo.init();
    await repo.close();
    return file.path;
  }

  it('leaves the migrated schema as it was and rows the real figure queries read back, town by town', async () => {
    const fresh = await migratedFile();
    const path = await migratedFile();
    const towns = planTowns(3, 900, { idPrefix: 'seed-test' });
    expect(towns.map((t) => t.tickets).reduce((a, b) => a + b, 0)).toBe(900);
    const seeded = seedCommitteeStore(path, { towns, now: NOW, weeks: 8 });
    expect(seeded.tickets).toBe(900);
    expect(schemaOf(path)).toEqual(schemaOf(fresh));

    const repo = createSqliteRepository({ path, logger });
    await repo.init();
    try {
      const from = new Date(Date.parse(NOW) - 8 * 7 * 86_400_000).toISOString();
      let open = 0;
      const genders = new Set<string | null>();
      for (const town of towns) {
        const rows = await repo.listTicketFigureRows({ localityIds: [town.id], by: 'created', from, to: NOW });
        expect(rows).toHaveLength(town.tickets);
        expect(new Set(rows.map((r) => r.localityId))).toEqual(new Set([town.id]));
        rows.forEach((r) => genders.add(r.reporterGender));
        const resolved = await repo.listTicketFigureRows({ localityIds: [town.id], by: 'resolved', from, to: NOW });
        expect(resolved.length).toBe(rows.filter((r) => r.resolvedAt !== null).length);
        expect(resolved.length).toBeGreaterThan(town.tickets / 2);
        open += (await repo.openBacklog({ localityIds: [town.id] })).open;
      }
      expect(genders).toEqual(new Set(['woman', 'man', 'another', 'undisclosed', null]));
      expect(open).toBe(seeded.open);
      expect(open).toBeGreaterThan(0);
      // Every ticket's gender is its resident's, as the service copies it at creation.
      const { items } = await repo.listTickets({ localityIds: [towns[0]!.id], limit: 50 });
      for (const ticket of items) expect(ticket.reporterGender).toBe((await repo.getResident(ticket.residentId))!.gender);
    } finally {
      await repo.close();
    }
  });

  it('is deterministic: the same plan gives the same store', async () => {
    const towns = planTowns(2, 200, { idPrefix: 'seed-again' });
    const read = async () => {
      const path = await migratedFile();
      seedCommitteeStore(path, { towns, now: NOW, weeks: 4 });
      const repo = createSqliteRepository({ path, logger });
      await repo.init();
      const rows = await repo.listTicketFigureRows({ localityIds: towns.map((t) => t.id), by: 'created', from: '2026-01-01T00:00:00.000Z', to: NOW });
      await repo.close();
      return rows;
    };
    expect(await read()).toEqual(await read());
  });
});
