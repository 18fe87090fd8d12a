import type { HubAdmin } from '../../src/platform/kafka/kafka-client.js';
import { BenchError } from '../runner/bench-error.js';

/** The end offset (high watermark) of every partition of `topic`, by partition. */
export async function topicEnds(admin: HubAdmin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.topicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
}

/**
 * Resolves (with performance.now()) once group `groupId` has committed every partition of `topic`
 * up to `ends`: the moment an at-least-once consumer is done with those records, produced and
 * acknowledged. Polled, so the instant is late by at most `pollMs` plus one offsets request.
 */
export async function waitForCommittedEnd(
  admin: HubAdmin,
  groupId: string,
  topic: string,
  ends: Map<number, bigint>,
  options: { timeoutMs: number; pollMs?: number },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const committed = new Map((await admin.groupOffsets(groupId, topic)).map((entry) => [entry.partition, BigInt(entry.offset)]));
    const now = performance.now();
    if ([...ends].every(([partition, end]) => end === 0n || (committed.get(partition) ?? -1n) >= end)) return now;
    if (now > deadline) {
      const behind = [...ends].map(([partition, end]) => `p${partition} ${committed.get(partition) ?? -1n}/${end}`).join(', ');
      throw new BenchError(
        'BENCH_CONSUMER_STALLED',
        `group ${groupId} did not commit ${topic} to its end within ${Math.round(options.timeoutMs / 1000)} s (${behind})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}
