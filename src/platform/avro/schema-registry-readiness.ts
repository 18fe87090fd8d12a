import { waitUntilReady, type ReadinessOptions } from '../infra/readiness-wait.js';
import { SchemaRegistryClient } from './schema-registry-client.js';

/** Ready means the Confluent API answers a real request (GET /subjects), not just that a port is open. */
export async function waitForSchemaRegistry(url: string, options: ReadinessOptions): Promise<void> {
  const client = new SchemaRegistryClient(url, { timeoutMs: 3000 });
  await waitUntilReady(
    async () => void (await client.subjects()),
    { code: 'SCHEMA_REGISTRY_UNREACHABLE', what: `schema registry at ${client.url} did not answer GET /subjects` },
    options,
  );
}
