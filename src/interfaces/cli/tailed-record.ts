import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import { RecordDecodeError, type RecordOrigin } from '../../platform/avro/record-decode-error.js';
import type { SchemaCatalog, TopicInfo } from '../../platform/avro/schema-catalog.js';
import { WIRE_HEADER_SIZE } from '../../platform/avro/wire-format.js';
import type { Principal } from '../api/api-route.js';
import type { PersonalDataView } from '../api/personal-data-view.js';
import { describeError } from '../../core/hub-error.js';
import type { IncomingRecord } from '../../platform/kafka/kafka-client.js';

/** How many bytes of a value that does not decode are shown: enough to recognise its kind, not to read it. */
const PREVIEW_BYTES = 16;

/** A record as `crm-hub tail` shows it: decoded and masked for the caller, or why it could not be decoded. */
export interface TailedRecord {
  timestamp: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** `avro` (Confluent wire format, schema from the registry), `json` (JSON text), or `null` for a tombstone. */
  format?: 'avro' | 'json' | 'null';
  /** The writer's schema: its registry id (Avro) and record name (Avro, or the JSON topic's declared record). */
  schema?: { id?: number; name: string };
  value?: unknown;
  /** Set instead of `value` when the bytes could not be decoded. */
  error?: { code: string; message: string };
  /** Of a value that did not decode: its size and its first bytes in hex. */
  size?: number;
  preview?: string;
}

type Decoded = Pick<TailedRecord, 'format' | 'schema' | 'value'>;

/**
 * Reads the values of one topic: as topics.json declares it when the topic is canonical (Avro
 * through the registry, or JSON text checked against its record), else by what the bytes are
 * (the Confluent magic byte, or JSON text). The registry is asked for only when an Avro record
 * comes, so a JSON topic can be read without one.
 */
export class TailedRecordReader {
  private readonly info: TopicInfo | undefined;

  constructor(
    topic: string,
    private readonly catalog: SchemaCatalog,
    private readonly view: PersonalDataView,
    private readonly principal: Principal | undefined,
    /** The serde on the registry, or why there is none (the reason an Avro record is shown undecoded). */
    private readonly serde: () => AvroSerde,
  ) {
    this.info = catalog.topics().find((info) => info.topic === topic);
  }

  /** The declared format of the topic, when topics.json knows it. */
  get declaredFormat(): 'avro' | 'json' | undefined {
    return this.info?.format;
  }

  /** Never throws for a record's content: bytes that do not decode become an `error` with a preview. */
  async read(record: IncomingRecord): Promise<TailedRecord> {
    const shown: TailedRecord = {
      timestamp: new Date(Number(record.timestamp)).toISOString(),
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: this.masked(record.key === null ? null : record.key.toString('utf8')),
      headers: this.masked(record.headers),
    };
    try {
      const decoded = await this.decode(record.value, record);
      return { ...shown, ...decoded, value: this.masked(plainValue(decoded.value)) };
    } catch (error) {
      const { code, message } = describeError(error);
      const bytes = record.value ?? Buffer.alloc(0);
      const preview =
        [...bytes.subarray(0, PREVIEW_BYTES)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ') +
        (bytes.length > PREVIEW_BYTES ? ' …' : '');
      // An error may quote what it could not read: it is shown as masked as any value.
      return { ...shown, error: { code, message: this.masked(message) }, size: bytes.length, preview };
    }
  }

  private async decode(bytes: Buffer | null, origin: RecordOrigin): Promise<Decoded> {
    if (bytes === null) return { format: 'null', value: null };
    const declared = this.info?.format;
    if (declared === 'json')
      return {
        format: 'json',
        schema: { name: this.info!.record },
        value: this.catalog.jsonCodec(this.info!.record).decode(bytes, origin),
      };
    if (declared === 'avro' || (bytes[0] === 0 && bytes.length >= WIRE_HEADER_SIZE)) {
      const record = await this.serde().decode(bytes, origin);
      return { format: 'avro', schema: { id: record.schemaId, name: record.schemaName }, value: record.value };
    }
    try {
      return { format: 'json', value: JSON.parse(bytes.toString('utf8')) as unknown };
    } catch (error) {
      throw new RecordDecodeError(
        'JSON_INVALID',
        origin,
        `value is neither Avro in the Confluent wire format (first byte 0x${bytes[0]!.toString(16).padStart(2, '0')}, not 0x00) nor JSON text (${(error as Error).message})`,
      );
    }
  }

  private masked<T>(value: T): T {
    return this.view.for(this.principal, value);
  }
}

/** One line per record: time, partition:offset, key, headers, then the value or why it did not decode. */
export function tailedRecordLine(record: TailedRecord): string {
  const headers = Object.keys(record.headers).length > 0 ? ` ${JSON.stringify(record.headers)}` : '';
  const position = `${record.timestamp}  ${record.partition}:${record.offset}  key=${record.key ?? '(none)'}${headers}  `;
  if (record.error) return `${position}UNDECODABLE ${record.error.code}: ${record.error.message} [${record.size} bytes: ${record.preview}]`;
  if (record.format === 'null') return `${position}(tombstone: null value)`;
  return `${position}${JSON.stringify(record.value)}`;
}

/** Decoded Avro as JSON would show it: bytes and fixed as base64, 64-bit integers as decimal text. */
function plainValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), plainValue(item)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const json = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
    if (json !== value) return plainValue(json);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  }
  return value;
}
