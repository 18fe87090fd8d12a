import type pg from 'pg';
import type { TableColumn } from './table-columns.js';
import { addColumnSql, createTableSql, qualifiedTable, quoteIdent } from './upsert-statement.js';

/**
 * One warehouse table and the columns it is known to have. The first write creates it from the
 * record's schema; a column that a newer schema version brings (a new optional field) is added as
 * a nullable column before the rows that carry it are written. DDL of one table never runs twice
 * at once (parallel deliveries would otherwise race on CREATE TABLE).
 */
export class WarehouseTable {
  private known: Set<string> | undefined;
  private ddl: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    readonly name: string,
  ) {}

  /** Makes sure the table exists with every one of `columns`. */
  ensureColumns(columns: TableColumn[]): Promise<void> {
    if (this.known && columns.every((c) => this.known!.has(c.name))) return Promise.resolve();
    const next = this.ddl.then(() => this.addMissing(columns));
    // A failed DDL must not block the next attempt.
    this.ddl = next.catch(() => undefined);
    return next;
  }

  private async addMissing(columns: TableColumn[]): Promise<void> {
    if (!this.known) {
      if (this.schema !== 'public') await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
      await this.pool.query(createTableSql(this.schema, this.name, columns));
      const existing = await this.pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [this.schema, this.name],
      );
      this.known = new Set(existing.rows.map((row) => row.column_name));
    }
    for (const column of columns) {
      if (this.known.has(column.name)) continue;
      await this.pool.query(addColumnSql(this.schema, this.name, column));
      this.known.add(column.name);
    }
  }

  toString(): string {
    return qualifiedTable(this.schema, this.name);
  }
}
