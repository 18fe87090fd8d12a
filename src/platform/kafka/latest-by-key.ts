import type { IncomingRecord, KafkaClient } from './kafka-client.js';

/** Makes a value of a record's bytes, or undefined for bytes it cannot make sense of. */
export type RecordValueReader<Value> = (record: IncomingRecord & { value: Buffer }) => Value | undefined | Promise<Value | undefined>;

/**
 * What a compacted topic says, read from its start to its current end: the latest value per key, in
 * the order of their last writes. A tombstone (null value) removes its key, as does a value `read`
 * cannot make sense of (it returns undefined); records without a key are not the table's. Values
 * are read as JSON, the form of the hub's own state topics, unless `read` says otherwise.
 */
export async function readLatestByKey<Value>(
  client: Pick<KafkaClient, 'readToEnd'>,
  topic: string,
  read: RecordValueReader<Value> = jsonValue<Value>,
): Promise<Map<string, Value>> {
  return latestByKey(await client.readToEnd(topic), read);
}

/**
 * The fold behind every read of a compacted topic back into memory (readLatestByKey, a state
 * changelog's restore): records in offset order to the latest value per key, in the order of their
 * last writes, into `latest` (a new map unless given). Awaits `read` only when it returns a promise:
 * a restore of millions of keys should not cost a turn of the event loop each.
 */
export async function latestByKey<Value>(
  records: Iterable<IncomingRecord>,
  read: RecordValueReader<Value>,
  latest = new Map<string, Value>(),
): Promise<Map<string, Value>> {
  for (const record of records) {
    const key = record.key?.toString();
    if (key === undefined) continue;
    latest.delete(key);
    if (record.value === null) continue;
    const reading = read(record as IncomingRecord & { value: Buffer });
    const value = reading instanceof Promise ? await reading : reading;
    if (value !== undefined) latest.set(key, value);
  }
  return latest;
}

/** The same fold, one record at a time and synchronous: for records that arrive batch by batch (a changelog restore). */
export function foldLatest<Value>(
  record: IncomingRecord,
  read: (record: IncomingRecord & { value: Buffer }) => Value | undefined,
  latest: Map<string, Value>,
): void {
  const key = record.key?.toString();
  if (key === undefined) return;
  latest.delete(key);
  if (record.value === null) return;
  const value = read(record as IncomingRecord & { value: Buffer });
  if (value !== undefined) latest.set(key, value);
}

/** A record's value as the JSON the hub's own state topics hold. */
export function jsonValue<Value>(record: { value: Buffer }): Value {
  return JSON.parse(record.value.toString()) as Value;
}
