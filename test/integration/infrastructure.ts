import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedSchemaRegistry } from '../../src/platform/avro/embedded-schema-registry.js';
import type { SchemaRegistryEndpoint } from '../../src/platform/avro/schema-registry-endpoint.js';
import { provideSchemaRegistry } from '../../src/platform/avro/schema-registry-provider.js';
import type { KafkaEndpoint } from '../../src/platform/kafka/kafka-endpoint.js';
import { provideKafka } from '../../src/platform/kafka/kafka-provider.js';

/**
 * One real broker and one real registry for the whole integration run, chosen exactly as the hub
 * chooses them (KAFKA_BROKERS / SCHEMA_REGISTRY_URL, testcontainers, or embedded). Tests isolate
 * themselves with unique topic and group names, never by starting their own broker.
 */
export interface TestInfrastructure {
  kafka: KafkaEndpoint;
  registry: SchemaRegistryEndpoint;
  workDir: string;
  /** Restarts the embedded registry (only when the run started it); returns the new URL. */
  restartRegistry?: () => Promise<string>;
}

let current: TestInfrastructure | undefined;

export function infrastructure(): TestInfrastructure {
  if (!current) throw new Error('integration infrastructure is not started: run integration tests with test/integration/.mocharc.json');
  return current;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const log = (message: string) => {
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'info') process.stderr.write(`[infrastructure] ${message}\n`);
};

export async function startInfrastructure(): Promise<TestInfrastructure> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-it-'));
  const started = Date.now();
  const kafka = await provideKafka({ brokersFromEnv: process.env.KAFKA_BROKERS, dataDir: path.join(workDir, 'kafka'), log });
  let registry: SchemaRegistryEndpoint;
  try {
    registry = await provideSchemaRegistry({
      urlFromEnv: process.env.SCHEMA_REGISTRY_URL,
      kafkaBrokers: kafka.brokers,
      workDir: path.join(workDir, 'registry'),
      log,
    });
  } catch (error) {
    await kafka.stop();
    throw error;
  }
  const infra: TestInfrastructure = { kafka, registry, workDir };
  if (registry instanceof EmbeddedSchemaRegistry) {
    infra.restartRegistry = async () => {
      await infra.registry.stop();
      infra.registry = await EmbeddedSchemaRegistry.start({
        kafkaBrokers: kafka.brokers,
        workDir: path.join(workDir, 'registry'),
        port: (registry as EmbeddedSchemaRegistry).port,
        log,
      });
      return infra.registry.url;
    };
  }
  process.stderr.write(
    `integration infrastructure: Kafka ${kafka.brokers.join(',')} (${kafka.origin}), registry ${registry.url} (${registry.origin}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  current = infra;
  return infra;
}

export async function stopInfrastructure(): Promise<void> {
  const infra = current;
  current = undefined;
  if (!infra) return;
  await infra.registry.stop().catch(() => undefined);
  await infra.kafka.stop().catch(() => undefined);
  await fs.rm(infra.workDir, { recursive: true, force: true });
}
