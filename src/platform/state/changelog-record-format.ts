import { HubError } from '../../core/hub-error.js';

/** What a changelog holds per key: the value and, for keys that expire, when. */
export interface ChangelogEntry<Value> {
  value: Value;
  expiresAt?: number;
}

/** How a changelog's record values hold its entries: the store reads and writes every record through one. */
export interface ChangelogRecordFormat<Value> {
  /** `valueJson`: the value as JSON text, when the writer has it already. */
  encode(entry: ChangelogEntry<Value>, key: string, valueJson?: string): Buffer;
  /** Throws when the bytes are not an entry of this format. */
  decode(bytes: Buffer): ChangelogEntry<Value>;
}

/** The entry as JSON, expiry included: the format of changelogs made since keys could expire (issue 19). */
export function entryRecords<Value>(): ChangelogRecordFormat<Value> {
  return {
    encode: (entry, _key, valueJson) =>
      Buffer.from(
        valueJson === undefined
          ? JSON.stringify(entry)
          : `{"value":${valueJson}${entry.expiresAt === undefined ? '' : `,"expiresAt":${JSON.stringify(entry.expiresAt)}`}}`,
      ),
    decode: (bytes) => JSON.parse(bytes.toString()) as ChangelogEntry<Value>,
  };
}

/**
 * The value alone as JSON: the format of the hub's state topics from before keys could expire
 * (source positions, webhook event marks, the replay journal, identity members), kept so that what
 * they already hold still reads. It has no room for an expiry time, so writing one is refused
 * rather than silently dropped.
 */
export function valueRecords<Value>(): ChangelogRecordFormat<Value> {
  return {
    encode: (entry, key, valueJson) => {
      if (entry.expiresAt !== undefined)
        throw new HubError('STATE_EXPIRY_UNSUPPORTED', `state key ${key} has an expiry time, which a value-only state topic cannot hold`);
      return Buffer.from(valueJson ?? JSON.stringify(entry.value));
    },
    decode: (bytes) => ({ value: JSON.parse(bytes.toString()) as Value }),
  };
}
