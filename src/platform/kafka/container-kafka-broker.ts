import fs from 'node:fs';
import { withTimeout } from '../infra/with-timeout.js';
import type { KafkaEndpoint } from './kafka-endpoint.js';

const DEFAULT_IMAGE = 'confluentinc/cp-kafka:7.9.0';

/**
 * Kafka in a container through testcontainers, for machines with a Docker engine. Loaded lazily:
 * machines without Docker never pay for importing the Docker client.
 */
export class ContainerKafkaBroker implements KafkaEndpoint {
  readonly origin = 'testcontainers' as const;

  private constructor(
    readonly brokers: string[],
    private readonly stopContainer: () => Promise<unknown>,
  ) {}

  /** True when a Docker engine answers; cheap when there is obviously none. */
  static async dockerAvailable(): Promise<boolean> {
    if (!process.env.DOCKER_HOST && !fs.existsSync('/var/run/docker.sock')) return false;
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await withTimeout(getContainerRuntimeClient(), 10_000, 'asking the Docker engine');
      return true;
    } catch {
      return false;
    }
  }

  static async start(options: { image?: string; log?: (message: string) => void } = {}): Promise<ContainerKafkaBroker> {
    const image = options.image ?? process.env.CRM_HUB_KAFKA_IMAGE ?? DEFAULT_IMAGE;
    options.log?.(`starting Kafka in a container (${image}) through testcontainers`);
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer(image).withKraft().start();
    const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
    return new ContainerKafkaBroker(brokers, () => container.stop());
  }

  async stop(): Promise<void> {
    await this.stopContainer();
  }
}
