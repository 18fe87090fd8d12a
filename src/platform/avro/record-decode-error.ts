import { HubError } from '../../core/hub-error.js';

/** Where a record came from, so that every decoding error can name it. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export function describeOrigin(origin: RecordOrigin | undefined): string {
  return origin ? `${origin.topic}[${origin.partition}]@${origin.offset}` : 'record';
}

/**
 * A record whose bytes cannot become a value: not the wire format (WIRE_FORMAT_INVALID), a schema
 * id the registry does not know (SCHEMA_ID_UNKNOWN), or Avro that does not match its schema
 * (AVRO_DECODE_FAILED); on a JSON topic, text that is not JSON (JSON_INVALID) or JSON that is not the
 * topic's record (JSON_RECORD_INVALID). Never retriable: the same bytes fail the same way; they go to dead letter.
 */
export class RecordDecodeError extends HubError {
  constructor(
    code: 'WIRE_FORMAT_INVALID' | 'SCHEMA_ID_UNKNOWN' | 'AVRO_DECODE_FAILED' | 'JSON_INVALID' | 'JSON_RECORD_INVALID',
    readonly origin: RecordOrigin | undefined,
    reason: string,
    cause?: unknown,
  ) {
    super(code, `${describeOrigin(origin)}: ${reason}`, { retriable: false, cause });
  }
}

/** A value that does not fit the schema it is to be written with; names every failing path. */
export class AvroEncodeError extends HubError {
  constructor(
    readonly schemaName: string,
    readonly problems: string[],
  ) {
    super('AVRO_VALUE_INVALID', `value does not match ${schemaName}: ${problems.join('; ')}`, { retriable: false });
  }
}
