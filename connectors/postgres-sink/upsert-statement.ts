import type { TableColumn } from './table-columns.js';

/** The primary-key column: the record's Kafka key, which is its business key. */
export const KEY_COLUMN = 'key';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export function createTableSql(schema: string, table: string, columns: TableColumn[]): string {
  // Every column but the key is nullable: older and newer schema versions land in one table.
  const defs = [`${quoteIdent(KEY_COLUMN)} text PRIMARY KEY`, ...columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`)];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, table)} (${defs.join(', ')})`;
}

export function addColumnSql(schema: string, table: string, column: TableColumn): string {
  return `ALTER TABLE ${qualifiedTable(schema, table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${column.sqlType}`;
}

/**
 * One multi-row `INSERT … ON CONFLICT (key) DO UPDATE` for the rows; each row is `[key, ...values
 * in column order]`. Applying it again changes nothing, so a redelivered batch is harmless.
 */
export function upsertSql(schema: string, table: string, columns: TableColumn[], rowCount: number): string {
  const names = [KEY_COLUMN, ...columns.map((c) => c.name)];
  const width = names.length;
  const rows = Array.from({ length: rowCount }, (_, r) => `(${names.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
  const updates = columns.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  const onConflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `INSERT INTO ${qualifiedTable(schema, table)} (${names.map(quoteIdent).join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (${quoteIdent(KEY_COLUMN)}) ${onConflict}`;
}
