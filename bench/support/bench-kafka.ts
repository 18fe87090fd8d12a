import { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import { SchemaRegistryClient } from '../../src/platform/avro/schema-registry-client.js';
import type { HubAdmin, KafkaClient, TopicSpec } from '../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import type { BenchmarkContext } from '../runner/benchmark.js';

/** The hub's own Kafka client, serde and an admin connection, configured as `crm-hub run` configures them. */
export interface BenchKafka {
  client: KafkaClient;
  serde: AvroSerde;
  admin: HubAdmin;
  close(): Promise<void>;
}

export async function connectBenchKafka(context: BenchmarkContext): Promise<BenchKafka> {
  const client = new KafkajsClient({ brokers: context.brokers, clientId: 'crm-hub-bench' });
  const admin = await client.admin();
  return { client, serde: new AvroSerde(new SchemaRegistryClient(context.registryUrl)), admin, close: () => admin.disconnect() };
}

/** The client line every Kafka benchmark's notes carry, so a reader knows what the ceiling is the ceiling of. */
export const CLIENT_NOTE =
  "Kafka client: crm-hub's KafkajsClient (kafkajs, acks=all, murmur2 partitioner, manual commit after the produce is acknowledged)";

/**
 * A topic a flow writes to. Its batches may be up to 8 MiB (the broker default is 1 MiB): a
 * FlowRunner produces all outputs of one fetched batch (about 1 MiB of input) in one request, and
 * with keys kept they land in one partition, so a flow whose outputs are larger than its inputs
 * is refused MESSAGE_TOO_LARGE and restarts forever on a backlog. Reported to the lead as a hub
 * issue; the benchmarks measure throughput, not that limit.
 */
export function flowOutputTopic(topic: string, partitions: number): TopicSpec {
  return { topic, partitions, config: { 'max.message.bytes': String(8 * 2 ** 20) } };
}
