import { HubError } from '../../../src/errors/hub-error.js';
import type { HubAdmin, HubConsumer, HubProducer, IncomingRecord, KafkaClient, OutgoingRecord, ProducedPosition } from '../../../src/kafka/kafka-client.js';

/**
 * Just enough of a broker for the dead-letter office without one: single-partition topics kept in
 * memory, a producer that appends, reads to the end and offsets. `onSend` lets a test act as a
 * consumer that fails the records it receives; `refuse` makes sends to a topic fail.
 */
export class InMemoryKafkaClient implements KafkaClient {
  readonly brokers = ['in-memory:9092'];
  readonly topics = new Map<string, IncomingRecord[]>();
  readonly refuse = new Set<string>();
  onSend: ((topic: string, records: OutgoingRecord[]) => Promise<void>) | undefined;
  reads = 0;
  private clock = Date.parse('2026-03-01T08:00:00.000Z');

  records(topic: string): IncomingRecord[] {
    return this.topics.get(topic) ?? [];
  }

  async producer(): Promise<HubProducer> {
    return {
      send: async (topic, records) => {
        if (this.refuse.has(topic)) throw new HubError('BROKER_REFUSED', `the broker refused records for ${topic}`, { retriable: true });
        const log = this.topics.get(topic) ?? [];
        this.topics.set(topic, log);
        const positions: ProducedPosition[] = [];
        for (const record of records) {
          const key = typeof record.key === 'string' ? Buffer.from(record.key) : record.key;
          log.push({ topic, partition: 0, offset: String(log.length), key, value: record.value, headers: { ...record.headers }, timestamp: String(this.clock++) });
          positions.push({ topic, partition: 0, offset: String(log.length - 1) });
        }
        await this.onSend?.(topic, records);
        return positions;
      },
      disconnect: async () => undefined,
    };
  }

  async readToEnd(topic: string): Promise<IncomingRecord[]> {
    this.reads++;
    return [...this.records(topic)];
  }

  async consumer(): Promise<HubConsumer> {
    throw new HubError('NOT_SUPPORTED', 'the in-memory client has no consumers');
  }

  async admin(): Promise<HubAdmin> {
    return {
      ensureTopics: async (specs) => {
        for (const spec of specs) if (!this.topics.has(spec.topic)) this.topics.set(spec.topic, []);
      },
      listTopics: async () => [...this.topics.keys()],
      topicOffsets: async (topic) => [{ partition: 0, low: '0', high: String(this.records(topic).length) }],
      deleteTopics: async (topics) => {
        for (const topic of topics) this.topics.delete(topic);
      },
      groupOffsets: async () => [],
      disconnect: async () => undefined,
    };
  }
}
