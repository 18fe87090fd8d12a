import type { HubConsumer, HubProducer, KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import type { TimedConsumer } from './backlog-timing.js';

export interface RelaySettings {
  groupId: string;
  from: string;
  to: string;
  /** Partitions handled at once, as a flow's `concurrency`. */
  concurrency: number;
}

/**
 * The raw ceiling: each batch's bytes produced unchanged (key, value, headers) to another topic,
 * the offsets committed once the broker acknowledged them (acks=all) — the hub's at-least-once
 * contract with no decoding, steps or encoding. Uses the hub's own KafkaClient consumer and
 * producer, so the client configuration is the one flows run with.
 */
export class PassthroughRelay implements TimedConsumer {
  private count = 0;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly groupId: string,
    private readonly consumer: HubConsumer,
    private readonly producer: HubProducer,
  ) {}

  static async start(client: KafkaClient, settings: RelaySettings): Promise<PassthroughRelay> {
    const producer = await client.producer();
    const consumer = await client.consumer({
      groupId: settings.groupId,
      topics: [settings.from],
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.concurrency,
    });
    const relay = new PassthroughRelay(settings.groupId, consumer, producer);
    await consumer.run(async (batch) => {
      relay.count += batch.records.length;
      await producer.send(
        settings.to,
        batch.records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
      );
    });
    return relay;
  }

  received(): number {
    return this.count;
  }

  pause(): void {
    this.consumer.pause();
  }

  resume(): void {
    this.consumer.resume();
  }

  /** Idempotent: a benchmark stops the relay once timed, and again on its way out after a failure. */
  stop(): Promise<void> {
    this.stopping ??= this.consumer.stop().then(() => this.producer.disconnect());
    return this.stopping;
  }
}
