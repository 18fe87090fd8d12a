import type { KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { entryRecords, type ChangelogEntry } from '../../src/platform/state/changelog-record-format.js';

/** One record of a state changelog as written: an entry, or a tombstone (`entry` null). */
export interface ChangelogRecord {
  partition: number;
  offset: bigint;
  key: string;
  entry: ChangelogEntry<unknown> | null;
}

/**
 * Every record of a state changelog topic, in offset order per partition: what a process restoring
 * the state would read (before compaction removed anything), tombstones included.
 */
export async function changelogRecords(client: KafkaClient, topic: string): Promise<ChangelogRecord[]> {
  const format = entryRecords<unknown>();
  const records = await client.readToEnd(topic);
  return records
    .map((record) => ({
      partition: record.partition,
      offset: BigInt(record.offset),
      key: record.key?.toString() ?? '',
      entry: record.value === null ? null : format.decode(record.value),
    }))
    .sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}

/** The records of one state key (`k/…`, `t/…`), oldest first. */
export function historyOf(records: readonly ChangelogRecord[], key: string): ChangelogRecord[] {
  return records.filter((record) => record.key === key);
}
