import express from 'express';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorInstanceConfig } from '../../src/connect/runtime/connector-instance-config.js';
import { compileConfigSchema } from '../../src/platform/config/config-schema-compiler.js';
import { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../src/platform/avro/schema-registry-client.js';
import { registerCanonicalSchemas } from '../../src/platform/avro/canonical-schema-registration.js';
import { ConnectorRuntime } from '../../src/connect/runtime/connector-runtime.js';
import type { IncomingRecord, KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { ConnectorCatalog } from '../../src/connect/sdk/connector-catalog.js';
import { infrastructure, uniqueName } from '../integration/infrastructure.js';

/** A fully spelled-out instance config, with quick retries so that tests wait little. */
export function instanceConfig(
  partial: Partial<ConnectorInstanceConfig> & Pick<ConnectorInstanceConfig, 'connector' | 'config'>,
): ConnectorInstanceConfig {
  const name = partial.name ?? uniqueName('it');
  return {
    enabled: true,
    deadLetterTopic: `dlq.${name}`,
    retry: { attempts: 8, initialDelayMs: 50, maxDelayMs: 400, multiplier: 2 },
    batchSize: 20,
    concurrency: 4,
    // Unsigned webhooks are fine on a test's loopback port; a test of signatures passes its own webhook settings with a secret.
    webhook: { toleranceSeconds: 300, maxBodyBytes: 64 * 1024, insecure: true },
    ...partial,
    name,
  };
}

export interface RuntimeHarness {
  runtime: ConnectorRuntime;
  client: KafkaClient;
  serde: AvroSerde;
  schemas: SchemaCatalog;
  stop(): Promise<void>;
}

let catalog: Promise<ConnectorCatalog> | undefined;

export async function startRuntime(instances: ConnectorInstanceConfig[]): Promise<RuntimeHarness> {
  const { kafka, registry } = infrastructure();
  const client = new KafkajsClient({ brokers: kafka.brokers });
  const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
  const schemas = await SchemaCatalog.load();
  // As the hub does at start: canonical topics exist and their schemas are registered before any instance runs.
  const admin = await client.admin();
  await registerCanonicalSchemas(schemas, admin, new SchemaRegistryClient(registry.url)).finally(() => admin.disconnect());
  const runtime = await ConnectorRuntime.start(
    { file: 'test', connectors: instances },
    // Every folder under connectors/, found as the hub finds them.
    {
      client,
      serde,
      schemas,
      connectors: await (catalog ??= ConnectorCatalog.discover()),
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }),
    },
  );
  return { runtime, client, serde, schemas, stop: () => runtime.stop() };
}

/** Reads a topic from the start until `done` holds for what was read (or fails after the timeout). */
export async function readUntil(
  client: KafkaClient,
  topic: string,
  done: (records: IncomingRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<IncomingRecord[]> {
  const consumer = await client.consumer({ groupId: uniqueName('reader'), topics: [topic], fromBeginning: true });
  const seen: IncomingRecord[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic} after ${seen.length} records`)), timeoutMs);
      consumer.crashed.catch(reject);
      void consumer.run(async (batch) => {
        seen.push(...batch.records);
        if (done(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await consumer.stop();
  }
  return seen;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The config as the hub loads it: checked against the connector's spec, defaults filled in. The
 * definition comes from the catalog, as the runtime's does (a static import of index.ts would load
 * a second copy of the module graph, whose errors the runtime does not recognise).
 */
export async function connectorConfig(connector: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const validate = compileConfigSchema((await (catalog ??= ConnectorCatalog.discover())).get(connector).spec as object);
  if (!validate(config)) throw new Error(`${connector} config: ${JSON.stringify(validate.errors)}`);
  return config;
}

/** The runtime's webhook routes on a port of their own, as the hub's admin server mounts them. */
export async function serveWebhooks(harness: RuntimeHarness, instanceName: string): Promise<{ url: string; close(): void }> {
  const app = express();
  app.use(harness.runtime.webhookRouter);
  let server!: http.Server;
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${instanceName}`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** How many records carry each key that starts with `prefix` (topics are shared with other tests). */
export function countByKey(records: IncomingRecord[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const key = record.key?.toString() ?? '';
    if (key.startsWith(prefix)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
