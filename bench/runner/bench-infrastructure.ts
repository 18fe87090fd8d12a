import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { APICURIO_VERSION } from '../../src/platform/avro/embedded-schema-registry.js';
import type { SchemaRegistryEndpoint } from '../../src/platform/avro/schema-registry-endpoint.js';
import { provideSchemaRegistry } from '../../src/platform/avro/schema-registry-provider.js';
import { KAFKA_VERSION } from '../../src/platform/kafka/embedded-kafka-broker.js';
import type { KafkaEndpoint } from '../../src/platform/kafka/kafka-endpoint.js';
import { provideKafka } from '../../src/platform/kafka/kafka-provider.js';
import type { ServiceVersions } from './machine-details.js';

/**
 * The broker and registry, chosen exactly as the integration harness (test/integration/
 * infrastructure.ts) and the hub choose them: KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set, else
 * testcontainers when a Docker engine answers, else the embedded broker and registry. `stop` lets go
 * of whatever was started so far, so it is safe to call while `start` is still under way (Ctrl-C).
 */
export class BenchInfrastructure {
  kafka: KafkaEndpoint | undefined;
  registry: SchemaRegistryEndpoint | undefined;
  private stopped = false;

  private constructor(readonly workDir: string) {}

  static async create(): Promise<BenchInfrastructure> {
    return new BenchInfrastructure(await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-bench-')));
  }

  async start(log: (message: string) => void): Promise<{ kafka: KafkaEndpoint; registry: SchemaRegistryEndpoint }> {
    const kafka = await provideKafka({ brokersFromEnv: process.env.KAFKA_BROKERS, dataDir: path.join(this.workDir, 'kafka'), log });
    this.kafka = kafka;
    // A stop requested while the broker was starting could not reach it: honour it now.
    if (this.stopped) await this.stop();
    const registry = await provideSchemaRegistry({
      urlFromEnv: process.env.SCHEMA_REGISTRY_URL,
      kafkaBrokers: kafka.brokers,
      workDir: path.join(this.workDir, 'registry'),
      log,
    });
    this.registry = registry;
    if (this.stopped) await this.stop();
    return { kafka, registry };
  }

  versions(): ServiceVersions {
    const kafka = this.kafka;
    const registry = this.registry;
    return {
      kafka: {
        origin: kafka?.origin ?? 'none',
        version:
          kafka?.origin === 'embedded'
            ? KAFKA_VERSION
            : kafka?.origin === 'testcontainers'
              ? (process.env.CRM_HUB_KAFKA_IMAGE ?? 'confluentinc/cp-kafka:7.9.0')
              : 'unknown (KAFKA_BROKERS)',
        brokers: kafka?.brokers ?? [],
      },
      schemaRegistry: {
        origin: registry?.origin ?? 'none',
        version: registry?.origin === 'embedded' ? `Apicurio ${APICURIO_VERSION}` : 'unknown (SCHEMA_REGISTRY_URL)',
      },
      kafkaClient: `kafkajs ${kafkajsVersion()} through crm-hub's KafkajsClient (src/platform/kafka/kafkajs-client.ts)`,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const registry = this.registry;
    const kafka = this.kafka;
    this.registry = undefined;
    this.kafka = undefined;
    await registry?.stop().catch(() => undefined);
    await kafka?.stop().catch(() => undefined);
    await fs.rm(this.workDir, { recursive: true, force: true });
  }
}

function kafkajsVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('kafkajs/package.json') as { version: string }).version;
}
