import { ContainerKafkaBroker } from './container-kafka-broker.js';
import { EmbeddedKafkaBroker } from './embedded-kafka-broker.js';
import type { KafkaEndpoint } from './kafka-endpoint.js';
import { waitForKafka } from './kafka-readiness.js';

export interface KafkaProviderOptions {
  /** KAFKA_BROKERS, comma-separated; when set nothing is started. */
  brokersFromEnv?: string;
  /** Where the embedded broker keeps its data. */
  dataDir: string;
  embeddedPort?: number;
  /** How long an existing broker may take to answer before start-up fails. */
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * Picks the broker in the documented order: KAFKA_BROKERS; testcontainers when a Docker engine
 * answers; else the embedded KRaft broker from Kafka's own jars.
 */
export async function provideKafka(options: KafkaProviderOptions): Promise<KafkaEndpoint> {
  const fromEnv = options.brokersFromEnv
    ?.split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (fromEnv && fromEnv.length > 0) {
    await waitForKafka(fromEnv, {
      timeoutMs: options.connectTimeoutMs ?? 30_000,
      describe: () => 'Tried KAFKA_BROKERS; check the address, or unset KAFKA_BROKERS to start an embedded broker',
    });
    return { brokers: fromEnv, origin: 'env', stop: async () => undefined };
  }
  if (await ContainerKafkaBroker.dockerAvailable()) {
    return ContainerKafkaBroker.start({ log: options.log });
  }
  return EmbeddedKafkaBroker.start({ dataDir: options.dataDir, port: options.embeddedPort, log: options.log });
}
