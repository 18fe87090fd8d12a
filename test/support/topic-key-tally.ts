import type { IncomingRecord, KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { uniqueName } from '../integration/infrastructure.js';
import { KeyTally } from './key-tally.js';

export interface TopicKeyTally {
  readonly tally: KeyTally;
  /** Why the reading consumer stopped, if it did: a tally that silently stopped counting would pass as loss. */
  readonly failure: unknown;
  stop(): Promise<void>;
}

/**
 * Counts the keys of everything written to `topic` from its beginning, live, with a group of its
 * own; `inspect` sees each record first (e.g. to decode and check its value).
 */
export async function tallyTopic(
  client: KafkaClient,
  topic: string,
  inspect?: (record: IncomingRecord) => void | Promise<void>,
): Promise<TopicKeyTally> {
  const tally = new KeyTally();
  const consumer = await client.consumer({
    groupId: uniqueName('tally'),
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 4,
  });
  const reader: { tally: KeyTally; failure: unknown; stop(): Promise<void> } = { tally, failure: undefined, stop: () => consumer.stop() };
  consumer.crashed.catch((error: unknown) => (reader.failure = error));
  await consumer.run(async (batch) => {
    for (const record of batch.records) {
      await inspect?.(record);
      tally.add(record.key?.toString() ?? '');
    }
  });
  return reader;
}
