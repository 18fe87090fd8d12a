import { HubError } from '../../src/errors/hub-error.js';
import { stableUuid } from './stable-uuid.js';
import { SchemaCatalog } from '../../src/avro/schema-catalog.js';
import { defineConnector, type ConfigOf, type JSONSchema, type PollResult, type SourceRecord } from '../../src/connectors/connector-definition.js';
import type { CsvRow } from './csv-rows.js';
import { ImportFolder } from './import-folder.js';
import { ImportProgress } from './import-progress.js';
import { rowToValue, schemaViolations } from './row-conversion.js';

/** Headers of a quarantined row (on the instance's dead-letter topic, beside the runtime's dlq-* headers). */
export const QUARANTINE_HEADER = { file: 'csv-file', row: 'csv-row', line: 'csv-line', reason: 'csv-reason' } as const;

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['directory', 'topic', 'keyField', 'columns'],
  properties: {
    directory: { type: 'string', minLength: 1, description: 'Folder the legacy system exports into; imported files move to <directory>/done/' },
    pattern: { type: 'string', default: '*.csv', description: 'File names to import (* and ? wildcards), imported in name order' },
    encoding: { type: 'string', enum: ['utf8', 'gbk'], default: 'utf8', description: 'Character set of the files (gbk: exports of Chinese legacy systems)' },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',', description: 'Cell separator' },
    topic: { type: 'string', description: 'Canonical topic of the records, e.g. crm.customer.v1; every row is checked against its schema' },
    keyField: { type: 'string', description: 'Record field holding the business key, e.g. customerId' },
    columns: {
      type: 'object',
      description: 'CSV header → { field, type }; field may be dotted (meta.eventType); an empty cell is null',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', minLength: 1 },
          type: { type: 'string', enum: ['string', 'int', 'decimal', 'date', 'timestamp', 'boolean'], default: 'string', description: 'date: yyyy-MM-dd or yyyyMMdd; timestamp: yyyy-MM-dd HH:mm[:ss] in timeZone' },
        },
      },
    },
    defaults: { type: 'object', default: {}, description: 'Values of fields no column fills (e.g. phones: [], status: ACTIVE); columns override them' },
    timeZone: { type: 'string', pattern: '^[+-]\\d{2}:\\d{2}$', default: '+08:00', description: 'Offset of timestamps written without one' },
    eventType: { type: 'string', default: 'Imported', description: 'meta.eventType of the records' },
    batchSize: { type: 'integer', minimum: 1, maximum: 10000, default: 500, description: 'Rows per poll; the position (file + row) is stored after each batch is acknowledged' },
    minAgeMs: { type: 'integer', minimum: 0, default: 2000, description: 'A file changed more recently waits (it may still be being written)' },
  },
} as const satisfies JSONSchema;

/** Where the import stands: the file being read and how many of its rows were acknowledged. */
type CsvPosition = { file?: string; row?: number };

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'csv-file',
  version: '1.0.0',
  kind: 'source',
  description: 'Imports CSV exports of legacy systems (UTF-8 or GBK) from a folder onto a canonical topic; bad rows are quarantined with file, row and reason.',
  produces: [],
  spec,
  async create(config, context) {
    const catalog = await SchemaCatalog.load();
    const recordType = catalog.type(catalog.topicInfo(config.topic).record);
    const folder = new ImportFolder(config.directory, config.pattern, config.encoding, config.delimiter, config.minAgeMs);
    const progress = new ImportProgress(context.logger, context.instance);

    const toRecord = (file: string, row: CsvRow, occurredAt: string): SourceRecord => {
      const where = { [QUARANTINE_HEADER.file]: file, [QUARANTINE_HEADER.row]: String(row.row), [QUARANTINE_HEADER.line]: String(row.line) };
      // A bad row is rejected with its reason: the runtime dead-letters it (code CSV_ROW_INVALID) with these headers and the rest flow on.
      const quarantine = (reason: string): SourceRecord => ({
        rejected: new HubError('CSV_ROW_INVALID', `${file} row ${row.row}: ${reason}`),
        topic: config.topic,
        key: typeof row.cells[config.keyField] === 'string' ? row.cells[config.keyField]! : '',
        value: { quarantinedCsvRow: { file, row: row.row, line: row.line, reason, cells: row.cells } },
        headers: { ...where, [QUARANTINE_HEADER.reason]: reason },
      });
      if (row.malformed) return quarantine(row.malformed);
      const converted = rowToValue(row.cells, config.columns, config.defaults, config.timeZone);
      if (!converted.ok) return quarantine(converted.reason);
      const value = converted.value;
      // The same row always gets the same event id, so a re-import after a crash can be de-duplicated downstream.
      value.meta = { eventId: stableUuid(`${context.instance}/${file}#${row.row}`), eventType: config.eventType, sourceSystem: context.instance, occurredAt, correlationId: stableUuid(`${context.instance}/${file}`), ...(value.meta as object | undefined) };
      const key = value[config.keyField];
      if (typeof key !== 'string' || key === '') return quarantine(`no business key: ${config.keyField} is empty`);
      const violations = schemaViolations(recordType, value);
      return violations ? quarantine(violations) : { topic: config.topic, key, value, headers: where };
    };

    return {
      async poll(stored): Promise<PollResult> {
        const pollStartedAt = Date.now();
        let position = (stored ?? {}) as CsvPosition;
        for (;;) {
          const pending = await folder.pending();
          // The position's file is gone when it was moved to done/ before the position after it was stored: the next file then.
          const file = position.file && pending.includes(position.file) ? position.file : pending[0];
          if (!file) return { records: [], position, more: false };
          const fromRow = file === position.file ? (position.row ?? 0) : 0;
          const rows = await folder.rows(file);
          if (fromRow >= rows.length) {
            // Every row of the file was acknowledged (the position says so): the file is done.
            await folder.moveToDone(file);
            progress.finished(file, rows.length);
            position = {};
            continue;
          }
          const occurredAt = await folder.modifiedAt(file);
          const records = rows.slice(fromRow, fromRow + config.batchSize).map((row) => toRecord(file, row, occurredAt));
          const toRow = fromRow + records.length;
          progress.batch(file, fromRow, toRow, rows.length, records.filter((r) => QUARANTINE_HEADER.reason in (r.headers ?? {})).length, pollStartedAt);
          // more: the next poll comes at once, and moves the file to done/ once this last batch is acknowledged.
          return { records, position: { file, row: toRow }, more: true };
        }
      },
    };
  },
});

