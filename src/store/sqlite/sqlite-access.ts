/**
 * Row access on one open connection: cached prepared statements plus the insert / patch / read
 * helpers every table uses, so the repository and the unit of work share one way of writing.
 */
import type Database from 'better-sqlite3';
import { NotFoundError } from '../repository';
import { definedPatch } from '../store-patch';
import { fromRow, insertSql, toRow, updateSql, type TableSpec } from './sqlite-tables';

export class SqliteAccess {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  insert<T>(spec: TableSpec<T>, entity: T): void {
    this.statement(insertSql(spec)).run(toRow(spec, entity));
  }

  /** Inserts unless `conflictColumn` already holds the value; true when a row was written. */
  insertIfAbsent<T>(spec: TableSpec<T>, entity: T, conflictColumn: string): boolean {
    const sql = insertSql(spec, ` ON CONFLICT (${conflictColumn}) DO NOTHING`);
    return this.statement(sql).run(toRow(spec, entity)).changes === 1;
  }

  one<T>(spec: TableSpec<T>, where: string, ...params: unknown[]): T | null {
    const row = this.statement(`SELECT * FROM ${spec.table} WHERE ${where} LIMIT 1`).get(...params);
    return row === undefined ? null : fromRow(spec, row);
  }

  many<T>(spec: TableSpec<T>, sqlAfterFrom: string, ...params: unknown[]): T[] {
    return this.statement(`SELECT * FROM ${spec.table} ${sqlAfterFrom}`)
      .all(...params)
      .map((row) => fromRow(spec, row));
  }

  /** Applies the defined fields of a patch; NotFoundError when no row has that id. */
  update<T>(spec: TableSpec<T>, id: string, patch: object, immutable: readonly string[]): void {
    const update = updateSql(spec, definedPatch(patch, immutable));
    if (!update) {
      if (!this.statement(`SELECT 1 FROM ${spec.table} WHERE id = ?`).get(id)) throw new NotFoundError(spec.entity, id);
      return;
    }
    const result = this.statement(update.sql).run({ ...update.params, where_id: id });
    if (result.changes === 0) throw new NotFoundError(spec.entity, id);
  }

  updateAndRead<T>(spec: TableSpec<T>, id: string, patch: object, immutable: readonly string[]): T {
    this.update(spec, id, patch, immutable);
    return this.one(spec, 'id = ?', id) as T;
  }
}
