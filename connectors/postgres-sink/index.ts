import avro from 'avsc';
import pg from 'pg';
import { shortNameOf } from '../../src/platform/avro/avro-names.js';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import {
  defineConnector,
  type ConfigOf,
  type DeliveryOutcome,
  type JSONSchema,
  type SinkRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../src/core/hub-error.js';
import { postgresFailure } from './postgres-failure-classifier.js';
import { columnsOf, columnValue, snakeCase, type TableColumn } from './table-columns.js';
import { upsertSql } from './upsert-statement.js';
import { WarehouseTable } from './warehouse-table.js';

const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]{0,62}$';
/** PostgreSQL allows 65535 parameters per statement; a bigger batch is split. */
const MAX_PARAMETERS = 65_000;

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['connectionString'],
  properties: {
    connectionString: {
      type: 'string',
      writeOnly: true,
      pattern: '^postgres(ql)?://',
      description: 'postgresql://user:password@host:5432/dw, usually ${DW_DATABASE_URL}',
    },
    schema: { type: 'string', pattern: IDENTIFIER, default: 'public', description: 'Database schema of the tables (created when missing)' },
    tables: {
      type: 'object',
      additionalProperties: { type: 'string', pattern: IDENTIFIER },
      default: {},
      description: 'Topic → table; default dw_<record name in snake_case>, e.g. dw_customer',
    },
    maxConnections: { type: 'integer', minimum: 1, maximum: 50, default: 4, description: 'Size of the connection pool' },
    statementTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 30000, description: 'Timeout of one statement' },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'postgres-sink',
  version: '1.0.0',
  kind: 'sink',
  description: 'Upserts records into PostgreSQL (a table per entity, columns from the Avro schema, primary key = the business key).',
  consumes: [],
  spec,
  async create(config, context) {
    const catalog = await SchemaCatalog.load();
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      max: config.maxConnections,
      connectionTimeoutMillis: 10_000,
      statement_timeout: config.statementTimeoutMs,
    });
    // An idle connection dropped by the server must not crash the hub; the next query reconnects.
    pool.on('error', (error) => context.logger.warn(`postgres-sink ${context.instance}: idle connection lost: ${error.message}`));
    const tables = new Map<string, WarehouseTable>();
    const columnsByType = new Map<avro.Type, TableColumn[]>();

    // The writer schema of the decoded value (a newer version than schemas/ may carry new fields), else the catalog's.
    const writerType = (record: SinkRecord): avro.Type => {
      const type = (record.value?.constructor as { type?: unknown } | undefined)?.type;
      return avro.Type.isType(type, 'record') ? (type as avro.Type) : catalog.type(record.schemaName);
    };
    const columnsFor = (type: avro.Type): TableColumn[] => {
      let columns = columnsByType.get(type);
      if (!columns) columnsByType.set(type, (columns = columnsOf(type)));
      return columns;
    };
    const tableFor = (record: SinkRecord): WarehouseTable => {
      const name = config.tables[record.topic] ?? `dw_${snakeCase(shortNameOf(record.schemaName))}`;
      let table = tables.get(name);
      if (!table) tables.set(name, (table = new WarehouseTable(pool, config.schema, name)));
      return table;
    };

    async function upsert(table: WarehouseTable, columns: TableColumn[], rows: SinkRecord[]): Promise<void> {
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / (columns.length + 1)));
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const params = chunk.flatMap((record) => [record.key, ...columns.map((column) => columnValue(record.value, column))]);
        await pool.query(upsertSql(table.schema, table.name, columns, chunk.length), params);
      }
    }

    /** One statement for the table's records; when it fails for a reason that is not retriable, row by row to find the bad ones. */
    async function writeTable(table: WarehouseTable, records: SinkRecord[]): Promise<Map<string, DeliveryOutcome>> {
      // A key twice in one statement is an error in PostgreSQL; the later version is the one that counts.
      const latest = new Map<string, SinkRecord>();
      for (const record of records) latest.set(record.key!, record);
      const rows = [...latest.values()];
      const outcomes = new Map<string, DeliveryOutcome>();
      let columns: TableColumn[] = [];
      try {
        columns = [...new Map(rows.flatMap((record) => columnsFor(writerType(record))).map((c) => [c.name, c] as const)).values()];
        await table.ensureColumns(columns);
        await upsert(table, columns, rows);
        for (const key of latest.keys()) outcomes.set(key, { ok: true });
        return outcomes;
      } catch (error) {
        const failure = postgresFailure(error, `upsert into ${table}`);
        if (failure.retriable || rows.length === 1) {
          for (const key of latest.keys()) outcomes.set(key, { ok: false, error: failure });
          return outcomes;
        }
      }
      for (const record of rows) {
        try {
          await upsert(table, columns, [record]);
          outcomes.set(record.key!, { ok: true });
        } catch (error) {
          outcomes.set(record.key!, { ok: false, error: postgresFailure(error, `upsert key ${record.key} into ${table}`) });
        }
      }
      return outcomes;
    }

    return {
      async deliver(records) {
        const outcomes: (DeliveryOutcome | undefined)[] = records.map(() => undefined);
        const byTable = new Map<WarehouseTable, SinkRecord[]>();
        records.forEach((record, index) => {
          if (!record.key) {
            outcomes[index] = {
              ok: false,
              error: new HubError(
                'KEY_MISSING',
                `${record.topic}@${record.partition}/${record.offset}: a record without a key has no row to upsert`,
              ),
            };
            return;
          }
          try {
            const table = tableFor(record);
            byTable.set(table, [...(byTable.get(table) ?? []), record]);
          } catch (error) {
            outcomes[index] = { ok: false, error: postgresFailure(error, `record ${record.schemaName}`) };
          }
        });
        const results = await Promise.all([...byTable].map(async ([table, rows]) => ({ rows, outcomes: await writeTable(table, rows) })));
        for (const { rows, outcomes: byKey } of results) {
          for (const record of rows) outcomes[records.indexOf(record)] = byKey.get(record.key!)!;
        }
        return outcomes as DeliveryOutcome[];
      },
      close: () => pool.end(),
    };
  },
});
