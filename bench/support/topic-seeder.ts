import type { HubProducer, OutgoingRecord } from '../../src/platform/kafka/kafka-client.js';

export interface SeedOptions {
  /** Index of the first record, so that a second seeding of one topic goes on where the first stopped. */
  from?: number;
  batchSize?: number;
  /** Batches awaiting the broker's acknowledgement at once. */
  inFlight?: number;
}

/**
 * Produces `count` records made by `make(index)` in batches, a few in flight: set-up, never timed,
 * so it only has to be quick and to finish with every record acknowledged.
 */
export async function seedTopic(
  producer: HubProducer,
  topic: string,
  count: number,
  make: (index: number) => OutgoingRecord | Promise<OutgoingRecord>,
  options: SeedOptions = {},
): Promise<void> {
  const from = options.from ?? 0;
  const batchSize = options.batchSize ?? 1000;
  const pending = new Set<Promise<unknown>>();
  for (let start = from; start < from + count; start += batchSize) {
    const end = Math.min(start + batchSize, from + count);
    const batch = await Promise.all(Array.from({ length: end - start }, (_, offset) => make(start + offset)));
    const sending = producer.send(topic, batch).finally(() => pending.delete(sending));
    pending.add(sending);
    if (pending.size >= (options.inFlight ?? 4)) await Promise.race(pending);
  }
  await Promise.all(pending);
}
