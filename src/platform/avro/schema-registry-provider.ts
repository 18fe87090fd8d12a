import { EmbeddedSchemaRegistry } from './embedded-schema-registry.js';
import type { SchemaRegistryEndpoint } from './schema-registry-endpoint.js';
import { waitForSchemaRegistry } from './schema-registry-readiness.js';

export interface SchemaRegistryProviderOptions {
  /** SCHEMA_REGISTRY_URL; when set nothing is started. */
  urlFromEnv?: string;
  kafkaBrokers: string[];
  workDir: string;
  embeddedPort?: number;
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

/** SCHEMA_REGISTRY_URL when set, else the embedded Apicurio registry stored in our Kafka. */
export async function provideSchemaRegistry(options: SchemaRegistryProviderOptions): Promise<SchemaRegistryEndpoint> {
  const url = options.urlFromEnv?.trim();
  if (url) {
    await waitForSchemaRegistry(url, {
      timeoutMs: options.connectTimeoutMs ?? 30_000,
      describe: () => 'Tried SCHEMA_REGISTRY_URL; check the address, or unset it to start an embedded registry',
    });
    return { url: url.replace(/\/$/, ''), origin: 'env', stop: async () => undefined };
  }
  return EmbeddedSchemaRegistry.start({
    kafkaBrokers: options.kafkaBrokers,
    workDir: options.workDir,
    port: options.embeddedPort,
    log: options.log,
  });
}
