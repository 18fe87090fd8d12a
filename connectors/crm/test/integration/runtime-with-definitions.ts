import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { registerCanonicalSchemas } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import type { ConnectorInstanceConfig } from '../../../../src/connect/runtime/connector-instance-config.js';
import { ConnectorCatalog } from '../../../../src/connect/sdk/connector-catalog.js';
import type { ConnectorDefinition } from '../../../../src/connect/sdk/connector-definition.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { ConnectorRuntime } from '../../../../src/connect/runtime/connector-runtime.js';
import { infrastructure } from '../../../../test/integration/infrastructure.js';
import type { RuntimeHarness } from '../../../../test/support/runtime-harness.js';

/**
 * startRuntime of test/support with extra definitions: the sink halves of crm and service-desk
 * live in their source's folder, which discovery (one definition per folder) does not see.
 */
export async function startRuntimeWith(definitions: ConnectorDefinition[], instances: ConnectorInstanceConfig[]): Promise<RuntimeHarness> {
  const { kafka, registry } = infrastructure();
  const client = new KafkajsClient({ brokers: kafka.brokers });
  const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
  const schemas = await SchemaCatalog.load();
  const admin = await client.admin();
  await registerCanonicalSchemas(schemas, admin, new SchemaRegistryClient(registry.url)).finally(() => admin.disconnect());
  const discovered = await ConnectorCatalog.discover();
  const connectors = ConnectorCatalog.of([...discovered.list(), ...definitions.filter((definition) => !discovered.find(definition.name))]);
  const runtime = await ConnectorRuntime.start(
    { file: 'test', connectors: instances },
    { client, serde, schemas, connectors, logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }) },
  );
  return { runtime, client, serde, schemas, stop: () => runtime.stop() };
}
