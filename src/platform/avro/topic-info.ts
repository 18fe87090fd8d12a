import { HubError } from '../../core/hub-error.js';

/** A canonical topic, the record its values hold and the fields that make its Kafka key. */
export interface TopicInfo {
  topic: string;
  /** Full name of the value's record type. */
  record: string;
  /** The key as documented: the field name, or the field names joined by `@` for a composite key. */
  key: string;
  /** The string fields whose values, joined by `@`, form the Kafka key. */
  keyFields: readonly string[];
  /** A table of the latest value per key (cleanup.policy=compact), such as golden customers: kept forever, not for a week. */
  compacted: boolean;
  /**
   * How values are written: `avro` (Confluent wire format, the default) or `json` (UTF-8 JSON text
   * of the same record, for systems that speak JSON on Kafka; flows read and write it).
   */
  format: TopicFormat;
}

export type TopicFormat = 'avro' | 'json';

/** Separates the parts of a composite key, e.g. `BP-1001@WH-SZ-01`: never part of a part number or warehouse code. */
export const KEY_SEPARATOR = '@';

/** A record whose key field is missing or not a string cannot keep per-entity order, so it must not be produced. */
export class BusinessKeyError extends HubError {
  constructor(message: string) {
    super('BUSINESS_KEY_INVALID', message, { retriable: false });
  }
}

/**
 * The Kafka key of a record on `topic`: its business key, so that every change of one entity lands
 * on one partition in order. Stock is per part and warehouse, so scm.inventory.v1 has a composite key.
 */
export function businessKeyOf(info: TopicInfo, value: unknown): string {
  const record = value as Record<string, unknown> | null;
  return info.keyFields
    .map((field) => {
      const part = typeof record === 'object' && record !== null ? record[field] : undefined;
      if (typeof part !== 'string' || part === '')
        throw new BusinessKeyError(`a ${info.record} for ${info.topic} needs a non-empty string ${field} as its key`);
      return part;
    })
    .join(KEY_SEPARATOR);
}
