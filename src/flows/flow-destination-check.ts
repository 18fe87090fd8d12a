import type avro from 'avsc';
import { closestNames } from '../core/closest-names.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import type { ConfigIssue, ConfigPath } from '../platform/config/config-issue.js';
import type { ConfigYaml } from '../platform/config/config-yaml-reader.js';
import type { FlowTopics } from './flow-topics.js';

/**
 * The problems of one destination of a flow's `to`: exactly one of `topic` and `connector`; a
 * topic must be declared (schemas/topics.json or the flow's `topics:`), which gives the record
 * to write with unless the destination names its own `schema`; and when the record type of the
 * messages is known, that type must carry every field the destination's record requires.
 */
export function flowDestinationIssues(
  value: unknown,
  path: ConfigPath,
  yaml: ConfigYaml,
  schemas: SchemaCatalog,
  topics: FlowTopics,
  messageType: avro.Type | undefined,
): ConfigIssue[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const destination = value as { topic?: unknown; schema?: unknown; connector?: unknown };
  if (destination.topic !== undefined && destination.connector !== undefined)
    return [yaml.issueAt(path, 'VALUE_INVALID', 'takes either "topic" or "connector", not both')];
  if (destination.connector !== undefined) {
    return destination.schema === undefined
      ? []
      : [
          yaml.issueAt(
            [...path, 'schema'],
            'VALUE_INVALID',
            '"schema" applies to topic destinations only; a connector gets the messages as they are',
            'key',
          ),
        ];
  }
  if (typeof destination.topic !== 'string') {
    // A misspelt key is reported as unknown, with the key it was probably meant to be; "required" would repeat it.
    const misspelt = Object.keys(destination).some((key) => !['topic', 'schema', 'connector'].includes(key));
    return destination.topic === undefined && !misspelt
      ? [yaml.issueAt([...path, 'topic'], 'REQUIRED_MISSING', 'is required (or "connector" for a sink connector instance)')]
      : [];
  }
  const declared = topics.get(destination.topic);
  if (!declared) return [yaml.issueAt([...path, 'topic'], 'TOPIC_UNKNOWN', topics.undeclaredMessage(destination.topic))];
  let record: string;
  if (typeof destination.schema === 'string') {
    if (!schemas.has(destination.schema))
      return [yaml.issueAt([...path, 'schema'], 'SCHEMA_UNKNOWN', unknownSchemaMessage(destination.schema, schemas))];
    const type = schemas.type(destination.schema);
    if (type.typeName !== 'record')
      return [
        yaml.issueAt(
          [...path, 'schema'],
          'VALUE_INVALID',
          `${destination.schema} is an Avro ${type.typeName}; a destination takes a record`,
        ),
      ];
    record = type.name!;
  } else {
    record = declared.record;
  }
  const missing = missingFields(messageType, schemas.type(record));
  if (missing.length === 0) return [];
  const fields = missing.length === 1 ? `field ${missing[0]}` : `fields ${missing.join(', ')}`;
  return [
    yaml.issueAt(
      [...path, 'topic'],
      'FIELD_UNKNOWN',
      `${destination.topic} takes ${record}, which requires ${fields}; the messages here are ${messageType!.name} without them (map them to ${record} first)`,
    ),
  ];
}

export function unknownSchemaMessage(name: string, schemas: SchemaCatalog): string {
  const records = schemas.names().filter((candidate) => schemas.type(candidate).typeName === 'record');
  const suggestions = closestNames(name, records, 1);
  return `unknown schema ${name}${suggestions.length > 0 ? `; did you mean ${suggestions[0]}?` : ''}`;
}

/** Fields without a default that the destination record requires and the messages' record lacks. */
export function missingFields(messageType: avro.Type | undefined, destination: avro.Type): string[] {
  if (!messageType || messageType.typeName !== 'record' || messageType.name === destination.name) return [];
  const have = new Set((messageType as avro.types.RecordType).fields.map((field) => field.name));
  return (destination as avro.types.RecordType).fields
    .filter((field) => field.defaultValue() === undefined && !have.has(field.name))
    .map((field) => field.name);
}
