/** `crm-hub import`: what the command does, loaded only when it runs (import-command.ts declares it). */
import { stableUuid } from '../../../connectors/csv-file/stable-uuid.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { QUARANTINE_HEADER } from '../../../connectors/csv-file/index.js';
import { checkCsvEncoding, type CsvEncoding } from '../../../connectors/csv-file/csv-encoding.js';
import { readCsvRows, type CsvReadPosition, type CsvRow } from '../../../connectors/csv-file/csv-rows.js';
import { rowToValue, schemaViolations, type CellType, type ColumnMapping } from '../../../connectors/csv-file/row-conversion.js';
import { AvroSerde } from '../../platform/avro/avro-serde.js';
import { valueSubject } from '../../platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../platform/avro/schema-registry-client.js';
import { businessKeyOf } from '../../platform/avro/topic-info.js';
import { ConfigError, HubError } from '../../core/hub-error.js';
import type { HubProducer, OutgoingRecord } from '../../platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../platform/kafka/kafkajs-client.js';
import { DeadLetterPublisher, type DeadLetter } from '../../connect/runtime/dead-letter-publisher.js';
import { withTracingHeaders } from '../../platform/headers/record-headers.js';
import { ImportPositionFile, type ImportPosition } from './import-position-file.js';
import { ImportProgressBar } from './progress-bar.js';
import { resolveRegistryUrl } from './registry-url-resolution.js';

export interface ImportOptions {
  topic: string;
  key: string;
  columns: string;
  encoding: CsvEncoding;
  delimiter: string;
  quarantineTopic: string;
  brokers?: string;
  registry?: string;
  sourceSystem: string;
  batchSize: string;
  resume?: boolean;
  restart?: boolean;
  positionFile?: string;
}

/** The --columns file: CSV header → { field, type }, bare or under `columns:` beside defaults, timeZone and eventType (as in the csv-file connector's config). */
interface ColumnsFile {
  columns: Record<string, ColumnMapping>;
  defaults: Record<string, unknown>;
  timeZone: string;
  eventType: string;
}

const CELL_TYPES: readonly CellType[] = ['string', 'int', 'decimal', 'date', 'timestamp', 'boolean'];

/** Exit code when some rows were quarantined (1 is a failure, 0 every row written). */
export const EXIT_SOME_QUARANTINED = 2;

export async function importCsv(file: string, options: ImportOptions): Promise<void> {
  if (options.delimiter.length !== 1)
    throw new ConfigError('IMPORT_OPTION_INVALID', `--delimiter must be one character, got ${JSON.stringify(options.delimiter)}`);
  const batchSize = Number(options.batchSize);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ConfigError('IMPORT_OPTION_INVALID', `--batch-size must be a positive integer, got ${options.batchSize}`);
  const brokers = (options.brokers ?? process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0)
    throw new ConfigError('KAFKA_BROKERS_MISSING', 'no Kafka broker given: pass --brokers <host:port,...> or set KAFKA_BROKERS');

  // The schema folder `crm-hub run` reads (CRM_HUB_SCHEMAS_DIR), so that an import onto a topic declared there is checked as the hub checks it.
  const catalog = await SchemaCatalog.load(process.env.CRM_HUB_SCHEMAS_DIR ? path.resolve(process.env.CRM_HUB_SCHEMAS_DIR) : undefined);
  const info = catalog.topics().find((t) => t.topic === options.topic);
  if (!info) throw new ConfigError('IMPORT_TOPIC_UNKNOWN', `${options.topic} is not a canonical topic (crm-hub schemas list names them)`);
  if (!info.keyFields.includes(options.key))
    throw new ConfigError('IMPORT_KEY_INVALID', `--key ${options.key} is not the business key of ${info.topic} (${info.key})`);
  const recordType = catalog.type(info.record);
  const schema = catalog.registrySchema(info.record);
  const mapping = await readColumnsFile(options.columns);

  const fileName = path.basename(file);
  const stat = await fs.stat(file).catch((error: unknown) => {
    throw new ConfigError('IMPORT_FILE_UNREADABLE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  });
  const positionFile = new ImportPositionFile(options.positionFile ?? `${file}.import-position`);
  // A position at row 0 (the import stopped before its first batch was acknowledged) leaves nothing to skip: it starts over.
  const saved = await positionFile.read();
  const interrupted = saved && saved.acknowledged.row > 0 ? saved : undefined;
  if (interrupted && !options.resume && !options.restart) {
    throw new ConfigError(
      'IMPORT_INTERRUPTED',
      `an import of ${file} was interrupted after row ${interrupted.acknowledged.row} (${positionFile.path}): pass --resume to go on after it, or --restart to import every row again`,
    );
  }
  const resumed = options.resume ? interrupted : undefined;
  if (resumed && (resumed.size !== stat.size || resumed.mtimeMs !== stat.mtimeMs || resumed.topic !== info.topic)) {
    throw new ConfigError(
      'IMPORT_POSITION_STALE',
      `${positionFile.path} is of an import of ${file} onto ${resumed.topic} when it had ${resumed.size} bytes; the file or the topic changed since: pass --restart to import every row again`,
    );
  }
  // Every byte is checked before any row is sent: a file in the wrong encoding is refused whole, with its line and a hint.
  const charset = resumed?.charset ?? (await checkCsvEncoding(file, options.encoding));
  const occurredAt = stat.mtime.toISOString();
  let position: ImportPosition = resumed ?? {
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    topic: info.topic,
    charset,
    acknowledged: { row: 0, line: 0, byte: 0 },
    written: 0,
    quarantined: 0,
  };
  // Written before anything is sent, so that an unwritable place fails now rather than after the first batch.
  await positionFile.write(position);

  const serde = new AvroSerde(new SchemaRegistryClient(await resolveRegistryUrl(options.registry, process.env)));
  const client = new KafkajsClient({ brokers, clientId: 'crm-hub-import', requestRetries: 3 });
  // The broker creates no topic by writing to it: the canonical topic (as the hub makes it) and the quarantine topic are made here.
  const admin = await client.admin();
  await admin
    .ensureTopics([
      info.compacted ? { topic: info.topic, config: { 'cleanup.policy': 'compact' } } : { topic: info.topic },
      { topic: options.quarantineTopic },
    ])
    .finally(() => admin.disconnect());
  const producer: HubProducer = await client.producer();
  const deadLetters = new DeadLetterPublisher(producer, options.quarantineTopic, `cli:import/${fileName}`);
  const bar = new ImportProgressBar(fileName);
  let rows = 0;
  let quarantined = 0;
  let failed = true;
  bar.start(stat.size, resumed?.acknowledged.byte ?? 0);
  // At most one batch is being sent while the next is converted: memory stays bounded (the reader is pulled only as fast as
  // batches go out) and batches reach the broker in file order, the position moving on only after an acknowledgement.
  let sending: Promise<void> | undefined;
  const send = async (records: OutgoingRecord[], letters: DeadLetter[], after: CsvReadPosition): Promise<void> => {
    await producer.send(info.topic, records);
    await deadLetters.publish(letters);
    rows += records.length + letters.length;
    quarantined += letters.length;
    position = {
      ...position,
      acknowledged: after,
      written: position.written + records.length,
      quarantined: position.quarantined + letters.length,
    };
    await positionFile.write(position);
    bar.update({ bytes: after.byte, rows, quarantined });
  };
  const enqueue = async (batch: CsvRow[]): Promise<void> => {
    const { records, letters } = await prepare(batch);
    await sending;
    sending = send(records, letters, batch[batch.length - 1]!.after);
    // Awaited before the next batch goes out or at the end; until then a failure must not count as unhandled.
    sending.catch(() => undefined);
  };
  try {
    let batch: CsvRow[] = [];
    for await (const row of readCsvRows(file, {
      charset,
      delimiter: options.delimiter,
      ...(resumed ? { from: resumed.acknowledged } : {}),
    })) {
      batch.push(row);
      if (batch.length < batchSize) continue;
      await enqueue(batch);
      batch = [];
    }
    if (batch.length > 0) await enqueue(batch);
    await sending;
    failed = false;
  } finally {
    await sending?.catch(() => undefined);
    const resumedNote = resumed ? ` (resumed after row ${resumed.acknowledged.row})` : '';
    bar.finish(
      failed
        ? `(failed after row ${position.acknowledged.row}; go on with --resume)`
        : `${quarantined > 0 ? `(bad rows on ${options.quarantineTopic})` : ''}${resumedNote}`,
    );
    await producer.disconnect().catch(() => undefined);
  }
  await positionFile.remove();
  if (position.quarantined > 0) process.exitCode = EXIT_SOME_QUARANTINED;

  async function prepare(batch: CsvRow[]): Promise<{ records: OutgoingRecord[]; letters: DeadLetter[] }> {
    const records: OutgoingRecord[] = [];
    const letters: DeadLetter[] = [];
    for (const row of batch) {
      const where = {
        [QUARANTINE_HEADER.file]: fileName,
        [QUARANTINE_HEADER.row]: String(row.row),
        [QUARANTINE_HEADER.line]: String(row.line),
      };
      const outcome = toRecordValue(row);
      if ('reason' in outcome) {
        letters.push(quarantineLetter(row, where, outcome.reason));
        continue;
      }
      try {
        records.push({
          key: outcome.key,
          value: await serde.encode(valueSubject(info!.topic), schema, outcome.value),
          headers: { ...withTracingHeaders(outcome.value, undefined, options.sourceSystem), ...where },
        });
      } catch (error) {
        // A value the schema check let through but the encoder refuses: quarantined, like any bad row.
        if (!(error instanceof HubError) || error.retriable) throw error;
        letters.push(quarantineLetter(row, where, error.message));
      }
    }
    return { records, letters };
  }

  /** The row as the topic's record with its key, or why it is quarantined (the connector's checks, in its order). */
  function toRecordValue(row: CsvRow): { key: string; value: Record<string, unknown> } | { reason: string } {
    if (row.malformed) return { reason: row.malformed };
    const converted = rowToValue(row.cells, mapping.columns, mapping.defaults, mapping.timeZone);
    if (!converted.ok) return { reason: converted.reason };
    const value = converted.value;
    // The same file and row always get the same event id, so a re-import can be de-duplicated downstream.
    value.meta = {
      eventId: stableUuid(`${options.sourceSystem}/${fileName}#${row.row}`),
      eventType: mapping.eventType,
      sourceSystem: options.sourceSystem,
      occurredAt,
      correlationId: stableUuid(`${options.sourceSystem}/${fileName}`),
      ...(value.meta as object | undefined),
    };
    const keyValue = value[options.key];
    if (typeof keyValue !== 'string' || keyValue === '') return { reason: `no business key: ${options.key} is empty` };
    const violations = schemaViolations(recordType, value);
    if (violations) return { reason: violations };
    try {
      return { key: businessKeyOf(info!, value), value };
    } catch (error) {
      return { reason: error instanceof Error ? error.message : String(error) };
    }
  }

  function quarantineLetter(row: CsvRow, where: Record<string, string>, reason: string): DeadLetter {
    const cellKey = row.cells[options.key];
    return {
      key: typeof cellKey === 'string' ? cellKey : '',
      value: Buffer.from(JSON.stringify({ quarantinedCsvRow: { file: fileName, row: row.row, line: row.line, reason, cells: row.cells } })),
      headers: { ...where, [QUARANTINE_HEADER.reason]: reason, 'content-type': 'application/json' },
      error: new HubError('CSV_ROW_INVALID', `${fileName} row ${row.row}: ${reason}`),
      attempts: 1,
      originalTopic: info!.topic,
    };
  }
}

async function readColumnsFile(file: string): Promise<ColumnsFile> {
  const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(
      'IMPORT_COLUMNS_UNREADABLE',
      `cannot read --columns ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  });
  let parsed: unknown;
  try {
    parsed = YAML.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(
      'IMPORT_COLUMNS_INVALID',
      `--columns ${file} is neither YAML nor JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const bad = (why: string) => new ConfigError('IMPORT_COLUMNS_INVALID', `--columns ${file}: ${why}`);
  if (!isObject(parsed)) throw bad('expected a mapping of CSV header → { field, type }');
  const wrapped = isObject(parsed.columns);
  const rawColumns = wrapped ? (parsed.columns as Record<string, unknown>) : parsed;
  const columns: Record<string, ColumnMapping> = {};
  for (const [header, entry] of Object.entries(rawColumns)) {
    const spec = typeof entry === 'string' ? { field: entry } : entry;
    if (!isObject(spec) || typeof spec.field !== 'string' || spec.field === '') throw bad(`column ${header} needs a field`);
    const type = spec.type ?? 'string';
    if (!CELL_TYPES.includes(type as CellType))
      throw bad(`column ${header} has type ${JSON.stringify(type)}; expected one of ${CELL_TYPES.join(', ')}`);
    columns[header] = { field: spec.field, type: type as CellType };
  }
  if (Object.keys(columns).length === 0) throw bad('no columns');
  const defaults = wrapped && parsed.defaults !== undefined ? parsed.defaults : {};
  if (!isObject(defaults)) throw bad('defaults must be a mapping of field → value');
  const timeZone = wrapped && typeof parsed.timeZone === 'string' ? parsed.timeZone : '+08:00';
  if (!/^[+-]\d{2}:\d{2}$/.test(timeZone)) throw bad(`timeZone ${timeZone} is not an offset like +08:00`);
  const eventType = wrapped && typeof parsed.eventType === 'string' ? parsed.eventType : 'Imported';
  return { columns, defaults, timeZone, eventType };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
