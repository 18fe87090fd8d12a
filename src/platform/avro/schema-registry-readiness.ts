import { InfrastructureError } from '../infra/infrastructure-error.js';
import { SchemaRegistryClient } from './schema-registry-client.js';

/** Ready means the Confluent API answers a real request, not just that a port is open. */
export async function waitForSchemaRegistry(
  url: string,
  options: { timeoutMs: number; isAlive?: () => boolean; describe?: () => string },
): Promise<void> {
  const client = new SchemaRegistryClient(url, { timeoutMs: 3000 });
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) break;
    try {
      await client.subjects();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const why = lastError instanceof Error ? lastError.message : 'no answer';
  throw new InfrastructureError(
    'SCHEMA_REGISTRY_UNREACHABLE',
    `schema registry at ${client.url} did not answer GET /subjects within ${Math.round(options.timeoutMs / 1000)} s (last error: ${why})${options.describe ? `. ${options.describe()}` : ''}`,
    { retriable: true, cause: lastError },
  );
}
