import type { HubAdmin } from '../kafka/kafka-client.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { SchemaRegistryRequestError } from './schema-registry-errors.js';
import type { SchemaRegistry } from './schema-registry.js';
import { HubError } from '../../core/hub-error.js';

/** Subject of a topic's values under the topic name strategy, as Confluent serializers name it. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export interface RegisteredTopic {
  topic: string;
  subject: string;
  record: string;
  id: number;
}

/**
 * Makes the canonical topics exist and their value schemas registered, so that any
 * Confluent-compatible consumer can read them from the start. A schema the registry refuses as
 * incompatible stops start-up with the file to look at.
 */
export async function registerCanonicalSchemas(
  catalog: SchemaCatalog,
  admin: HubAdmin | undefined,
  registry: SchemaRegistry,
  log: (message: string) => void = () => undefined,
): Promise<RegisteredTopic[]> {
  const topics = catalog.topics();
  await admin?.ensureTopics(
    topics.map((info) => (info.compacted ? { topic: info.topic, config: { 'cleanup.policy': 'compact' } } : { topic: info.topic })),
  );
  const registered: RegisteredTopic[] = [];
  for (const info of topics) {
    const subject = valueSubject(info.topic);
    try {
      const id = await registry.register(subject, catalog.registrySchema(info.record));
      registered.push({ topic: info.topic, subject, record: info.record, id });
    } catch (error) {
      if (error instanceof SchemaRegistryRequestError && error.code === 'SCHEMA_INCOMPATIBLE') {
        throw new HubError(
          'SCHEMA_INCOMPATIBLE',
          `${catalog.sourceFile(info.record)} (${info.record}) is not compatible with what ${subject} already holds; run 'crm-hub schemas check' to see which fields and rules. ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
  log(`canonical topics ready, schemas registered: ${registered.map((r) => `${r.subject}=${r.id}`).join(', ')}`);
  return registered;
}
