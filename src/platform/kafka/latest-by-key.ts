import type { IncomingRecord } from './kafka-client.js';

/**
 * What a compacted topic says, read back from its records: the latest value per key, in the order
 * of their last writes. A tombstone (null value) removes its key, as does a value `read` cannot make
 * sense of (it returns undefined); records without a key are not the table's.
 */
export async function latestByKey<Value>(
  records: Iterable<IncomingRecord>,
  read: (record: IncomingRecord & { value: Buffer }) => Value | undefined | Promise<Value | undefined>,
): Promise<Map<string, Value>> {
  const latest = new Map<string, Value>();
  for (const record of records) {
    const key = record.key?.toString();
    if (key === undefined) continue;
    latest.delete(key);
    if (record.value === null) continue;
    const value = await read(record as IncomingRecord & { value: Buffer });
    if (value !== undefined) latest.set(key, value);
  }
  return latest;
}

/** A record's value as the JSON the hub's own state topics hold. */
export function jsonValue<Value>(record: { value: Buffer }): Value {
  return JSON.parse(record.value.toString()) as Value;
}
