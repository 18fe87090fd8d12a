import { HubError } from '../../src/core/hub-error.js';
import { stableUuid } from './stable-uuid.js';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import {
  defineConnector,
  type ConfigOf,
  type JSONSchema,
  type PollResult,
  type SourceRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { CSV_ENCODINGS, CsvEncodingError } from './csv-encoding.js';
import type { CsvReadPosition, CsvRow } from './csv-rows.js';
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
    directory: {
      type: 'string',
      minLength: 1,
      description: 'Folder the legacy system exports into; imported files move to <directory>/done/',
    },
    pattern: { type: 'string', default: '*.csv', description: 'File names to import (* and ? wildcards), imported in name order' },
    encoding: {
      type: 'string',
      enum: CSV_ENCODINGS,
      default: 'utf8',
      description:
        'Character set of the files: utf8, gbk (exports of Chinese legacy systems, read as GB18030), gb18030, or auto (UTF-8 with or without BOM if the whole file is UTF-8, else GB18030). A file with bytes invalid in it is refused before any row is sent: moved to refused/ and reported on the dead-letter topic',
    },
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
          type: {
            type: 'string',
            enum: ['string', 'int', 'decimal', 'date', 'timestamp', 'boolean'],
            default: 'string',
            description: 'date: yyyy-MM-dd or yyyyMMdd; timestamp: yyyy-MM-dd HH:mm[:ss] in timeZone',
          },
        },
      },
    },
    defaults: {
      type: 'object',
      default: {},
      description: 'Values of fields no column fills (e.g. phones: [], status: ACTIVE); columns override them',
    },
    timeZone: {
      type: 'string',
      pattern: '^[+-]\\d{2}:\\d{2}$',
      default: '+08:00',
      description: 'Offset of timestamps written without one',
    },
    eventType: { type: 'string', default: 'Imported', description: 'meta.eventType of the records' },
    batchSize: {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      default: 500,
      description: 'Rows per poll; the position (file, row, line and byte offset) is stored after each batch is acknowledged',
    },
    minAgeMs: {
      type: 'integer',
      minimum: 0,
      default: 2000,
      description: 'A file changed more recently waits (it may still be being written)',
    },
  },
} as const satisfies JSONSchema;

/**
 * Where the import stands: the file being read and, after the last acknowledged row, its number,
 * line and byte offset (a restart reads on from that byte). Positions stored before the byte
 * offset existed (`{file, row}`) still resume, by reading past the acknowledged rows.
 */
type CsvPosition = { file?: string } & Partial<CsvReadPosition>;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'csv-file',
  version: '1.0.0',
  kind: 'source',
  description:
    'Imports CSV exports of legacy systems (UTF-8 or GBK) from a folder onto a canonical topic; bad rows are quarantined with file, row and reason.',
  produces: [],
  spec,
  async create(config, context) {
    const catalog = await SchemaCatalog.load();
    const recordType = catalog.type(catalog.topicInfo(config.topic).record);
    const folder = new ImportFolder(config.directory, config.pattern, config.encoding, config.delimiter, config.minAgeMs);
    const progress = new ImportProgress(context.logger, context.instance);

    const toRecord = (file: string, row: CsvRow, occurredAt: string): SourceRecord => {
      const where = {
        [QUARANTINE_HEADER.file]: file,
        [QUARANTINE_HEADER.row]: String(row.row),
        [QUARANTINE_HEADER.line]: String(row.line),
      };
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
      value.meta = {
        eventId: stableUuid(`${context.instance}/${file}#${row.row}`),
        eventType: config.eventType,
        sourceSystem: context.instance,
        occurredAt,
        correlationId: stableUuid(`${context.instance}/${file}`),
        ...(value.meta as object | undefined),
      };
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
          const from = file === position.file ? position : undefined;
          let rows: CsvRow[];
          try {
            rows = await folder.read(file, from, config.batchSize);
          } catch (error) {
            if (!(error instanceof CsvEncodingError)) throw error;
            // Nothing of the file is sent (its bytes are checked before its first row): it is set aside and reported, the files after it go on.
            const movedTo = await folder.moveToRefused(file, error.message);
            progress.refused(file, error.message);
            const refusal: SourceRecord = {
              rejected: error,
              topic: config.topic,
              key: file,
              value: { refusedCsvFile: { file, line: error.line, reason: error.message, movedTo } },
              headers: {
                [QUARANTINE_HEADER.file]: file,
                [QUARANTINE_HEADER.line]: String(error.line),
                [QUARANTINE_HEADER.reason]: error.message,
              },
            };
            return { records: [refusal], position: {}, more: true };
          }
          if (rows.length === 0) {
            // Every row of the file was acknowledged (the position says so): the file is done.
            await folder.moveToDone(file);
            progress.finished(file, from?.row ?? 0);
            position = {};
            continue;
          }
          const occurredAt = await folder.modifiedAt(file);
          const records = rows.map((row) => toRecord(file, row, occurredAt));
          const after = rows[rows.length - 1]!.after;
          progress.batch(
            file,
            from?.row ?? 0,
            after,
            await folder.size(file),
            records.filter((r) => QUARANTINE_HEADER.reason in (r.headers ?? {})).length,
            pollStartedAt,
          );
          // more: the next poll comes at once, and moves the file to done/ once this last batch is acknowledged.
          return { records, position: { file, ...after }, more: true };
        }
      },
    };
  },
});
