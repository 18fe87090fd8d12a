import avro from 'avsc';

/**
 * The warehouse columns of an Avro record: nested records flattened with `_` (meta.eventId →
 * meta_event_id), arrays, maps and unions of several types as jsonb, decimals as numeric(p,s),
 * timestamps as timestamptz, dates as date, enums as text. Column names are snake_case.
 */
export interface TableColumn {
  name: string;
  sqlType: string;
  /** Where the value sits in the record, e.g. ['meta', 'eventId']. */
  path: string[];
  json: boolean;
}

export function columnsOf(type: avro.Type): TableColumn[] {
  const columns: TableColumn[] = [];
  const seen = new Set<string>();
  const walk = (record: avro.types.RecordType, path: string[]): void => {
    for (const field of record.fields) {
      const fieldPath = [...path, field.name];
      const inner = nonNullBranch(field.type);
      if (inner === null) continue;
      if (inner instanceof avro.types.RecordType) {
        walk(inner, fieldPath);
        continue;
      }
      const name = fieldPath.map(snakeCase).join('_');
      // Two paths that flatten to one name: the first keeps it.
      if (seen.has(name)) continue;
      seen.add(name);
      const sqlType = sqlTypeOf(inner);
      columns.push({ name, sqlType, path: fieldPath, json: sqlType === 'jsonb' });
    }
  };
  if (!(type instanceof avro.types.RecordType)) return [];
  walk(type, []);
  return columns;
}

/** The value of `column` in a decoded record, ready as a query parameter (null when absent). */
export function columnValue(value: Record<string, unknown>, column: TableColumn): unknown {
  let current: unknown = value;
  for (const step of column.path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[step];
  }
  if (current === undefined || current === null) return null;
  return column.json ? JSON.stringify(current) : current;
}

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}

/** The type inside `["null", T]` (T itself when not a union); undefined-ish unions of several types stay as they are; null for a plain null. */
function nonNullBranch(type: avro.Type): avro.Type | null {
  if (avro.Type.isType(type, 'union')) {
    const branches = (type as avro.types.UnwrappedUnionType).types.filter((branch) => branch.typeName !== 'null');
    if (branches.length === 0) return null;
    return branches.length === 1 ? branches[0]! : type;
  }
  return type.typeName === 'null' ? null : type;
}

function sqlTypeOf(type: avro.Type): string {
  if (avro.Type.isType(type, 'logical')) {
    // By what the logical type says of itself, not instanceof: writer types decoded by the runtime
    // may come from another module instance of src/avro than this file's.
    const logical = type as avro.types.LogicalType & { describe?: () => string; precision?: number; scale?: number };
    const described = typeof logical.describe === 'function' ? logical.describe() : '';
    if (described.startsWith('decimal') && typeof logical.precision === 'number')
      return `numeric(${logical.precision},${logical.scale ?? 0})`;
    if (described === 'timestamp-millis') return 'timestamptz';
    if (described === 'date') return 'date';
    return sqlTypeOf(logical.underlyingType);
  }
  switch (type.typeName) {
    case 'string':
    case 'enum':
      return 'text';
    case 'int':
      return 'integer';
    case 'long':
      return 'bigint';
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'bytes':
    case 'fixed':
      return 'bytea';
    default:
      // array, map, and unions of several types
      return 'jsonb';
  }
}
