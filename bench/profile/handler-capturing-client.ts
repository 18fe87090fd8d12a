import type { BatchHandler, HubProducer, OutgoingRecord } from '../../src/platform/kafka/kafka-client.js';
import { InMemoryKafka } from '../../test/support/in-memory-kafka.js';
import { BenchError } from '../runner/bench-error.js';

/**
 * A KafkaClient without a broker, for profiling what the hub itself does per message: a consumer
 * hands over the batch handler its owner runs it with (the caller then feeds it batches), and a
 * producer acknowledges at once and keeps only a count — unlike the tests' InMemoryKafka, which it
 * otherwise is, it stores nothing, so that the profile holds no cost of ours that the hub lacks.
 */
export class HandlerCapturingClient extends InMemoryKafka {
  produced = 0;
  producedBytes = 0;

  handler(groupId: string): BatchHandler {
    const handler = this.handlers.get(groupId);
    if (!handler) throw new BenchError('BENCH_NO_CONSUMER', `no consumer of group ${groupId} is running`);
    return handler;
  }

  override async producer(): Promise<HubProducer> {
    return {
      send: async (topic: string, records: OutgoingRecord[]) => {
        this.produced += records.length;
        for (const record of records) this.producedBytes += record.value?.length ?? 0;
        return records.map(() => ({ topic, partition: 0, offset: '0' }));
      },
      disconnect: async () => undefined,
    };
  }
}
