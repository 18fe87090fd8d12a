import type { HubAdmin } from '../../src/platform/kafka/kafka-client.js';

/** Records a topic holds (end minus start offset, over every partition). */
export async function topicRecordCount(admin: HubAdmin, topic: string): Promise<number> {
  return (await admin.topicOffsets(topic)).reduce((sum, entry) => sum + Number(BigInt(entry.high) - BigInt(entry.low)), 0);
}

/**
 * The count once it stopped moving (two reads `settleMs` apart agree): requests still in flight
 * when a load generator stopped may be produced a moment later, and a check must see them.
 */
export async function settledRecordCount(admin: HubAdmin, topic: string, settleMs = 500, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = await topicRecordCount(admin, topic);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const now = await topicRecordCount(admin, topic);
    if (now === last || performance.now() > deadline) return now;
    last = now;
  }
}
