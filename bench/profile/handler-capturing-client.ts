import type { BatchHandler, HubAdmin, HubConsumer, HubProducer, IncomingRecord, KafkaClient, OutgoingRecord } from '../../src/kafka/kafka-client.js';
import { BenchError } from '../runner/bench-error.js';

/**
 * A KafkaClient without a broker, for profiling what the hub itself does per message: a consumer
 * hands over the batch handler its owner runs it with (the caller then feeds it batches), and a
 * producer acknowledges at once and keeps only a count. Everything kafkajs and the broker would
 * cost is left out on purpose.
 */
export class HandlerCapturingClient implements KafkaClient {
  readonly brokers = ['in-process:0'];
  private readonly handlers = new Map<string, BatchHandler>();
  produced = 0;
  producedBytes = 0;

  handler(groupId: string): BatchHandler {
    const handler = this.handlers.get(groupId);
    if (!handler) throw new BenchError('BENCH_NO_CONSUMER', `no consumer of group ${groupId} is running`);
    return handler;
  }

  async producer(): Promise<HubProducer> {
    return {
      send: async (topic: string, records: OutgoingRecord[]) => {
        this.produced += records.length;
        for (const record of records) this.producedBytes += record.value?.length ?? 0;
        return records.map(() => ({ topic, partition: 0, offset: '0' }));
      },
      disconnect: async () => undefined,
    };
  }

  async readToEnd(): Promise<IncomingRecord[]> {
    return [];
  }

  async consumer(options: { groupId: string }): Promise<HubConsumer> {
    return {
      run: async (handler: BatchHandler) => {
        this.handlers.set(options.groupId, handler);
      },
      pause: () => undefined,
      resume: () => undefined,
      onGroupJoin: () => undefined,
      crashed: new Promise<never>(() => undefined),
      stop: async () => undefined,
    };
  }

  async admin(): Promise<HubAdmin> {
    return {
      ensureTopics: async () => undefined,
      listTopics: async () => [],
      topicOffsets: async () => [],
      deleteTopics: async () => undefined,
      groupOffsets: async () => [],
      disconnect: async () => undefined,
    };
  }
}
