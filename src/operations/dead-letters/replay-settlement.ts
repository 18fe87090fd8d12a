import type { KafkaClient, ProducedPosition } from '../../platform/kafka/kafka-client.js';
import { sleep } from '../../core/sleep.js';

export interface ReplaySettlementOptions {
  /** How long to wait for the consumers of the target topics to process what a replay sent. */
  timeoutMs: number;
  /** How often their committed offsets are looked at meanwhile. */
  pollMs: number;
}

/**
 * Waits until every consumer group that consumes a topic a replay sent to (one with members now and
 * offsets committed on that topic) has committed up to the end each partition had once the replay sent everything: by
 * then each replayed record went through or was dead-lettered again, since the hub writes a dead
 * letter before it commits. Answers what is still unprocessed when the time is up or `stopping`
 * says so (empty when everything was processed, or when nothing consumes those topics).
 */
export async function awaitConsumers(
  client: KafkaClient,
  sent: readonly ProducedPosition[],
  options: ReplaySettlementOptions,
  stopping: () => boolean,
): Promise<string[]> {
  const sentTo = new Map<string, Set<number>>();
  for (const { topic, partition } of sent) sentTo.set(topic, (sentTo.get(topic) ?? new Set<number>()).add(partition));
  if (sentTo.size === 0) return [];
  const admin = await client.admin();
  try {
    if (!admin.activeGroups) return [];
    // The ends now are past every record the replay sent (the producer answers per batch, not per record).
    const ends = new Map<string, Map<number, bigint>>();
    for (const [topic, partitions] of sentTo) {
      ends.set(
        topic,
        new Map((await admin.topicOffsets(topic)).filter((p) => partitions.has(p.partition)).map((p) => [p.partition, BigInt(p.high)])),
      );
    }
    const groups = await admin.activeGroups();
    const watched: { groupId: string; topic: string }[] = [];
    for (const topic of sentTo.keys()) {
      for (const groupId of groups) {
        if ((await admin.groupOffsets(groupId, topic)).some((committed) => BigInt(committed.offset) >= 0n))
          watched.push({ groupId, topic });
      }
    }
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const pending: string[] = [];
      for (const { groupId, topic } of watched) {
        const committed = new Map((await admin.groupOffsets(groupId, topic)).map((entry) => [entry.partition, BigInt(entry.offset)]));
        for (const [partition, end] of ends.get(topic)!) {
          // A committed offset is the next record the group will read.
          if ((committed.get(partition) ?? -1n) < end)
            pending.push(`group ${groupId} has not yet processed ${topic}[${partition}] up to offset ${end - 1n}`);
        }
      }
      if (pending.length === 0 || stopping() || Date.now() >= deadline) return pending;
      await sleep(options.pollMs);
    }
  } finally {
    await admin.disconnect();
  }
}
