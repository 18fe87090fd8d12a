import { promises as fs } from 'node:fs';
import type avro from 'avsc';
import { closestNames } from '../../core/closest-names.js';
import { quotedStringPosition } from './json-text-position.js';
import { parseSchemaFileJson } from './schema-file-json.js';
import { isObject } from './named-type-scanner.js';
import { SchemaFileError } from './schema-errors.js';
import { KEY_SEPARATOR, type TopicInfo } from './topic-info.js';

/**
 * Reads topics.json (canonical topic → record and key fields) and checks it against the parsed
 * types: the record must exist and each key field must be a non-null string. A missing file means
 * no topics.
 */
export async function readTopicsFile(file: string, types: ReadonlyMap<string, avro.Type>): Promise<Map<string, TopicInfo>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    // A schema folder without topics (a test fixture, a library of shared types) is legitimate.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new SchemaFileError(file, 'cannot be read', { cause: error });
  }
  const json = parseSchemaFileJson(file, text);
  const shape =
    'must map each topic to { "record": <full name>, "key": <field> or [<field>, ...], "compacted"?: true|false, "format"?: "avro"|"json" }';
  if (!isObject(json)) throw new SchemaFileError(file, shape);
  const topics = new Map<string, TopicInfo>();
  for (const [topic, entry] of Object.entries(json)) {
    const fail = (reason: string) =>
      new SchemaFileError(file, `topic ${topic}: ${reason}`, { position: quotedStringPosition(text, topic) });
    const keyFields = isObject(entry) ? (typeof entry.key === 'string' ? [entry.key] : entry.key) : undefined;
    if (
      !isObject(entry) ||
      typeof entry.record !== 'string' ||
      !Array.isArray(keyFields) ||
      keyFields.length === 0 ||
      !keyFields.every((field) => typeof field === 'string') ||
      (entry.compacted !== undefined && typeof entry.compacted !== 'boolean') ||
      (entry.format !== undefined && entry.format !== 'avro' && entry.format !== 'json')
    ) {
      throw fail(shape);
    }
    const type = types.get(entry.record);
    if (!type) {
      const suggestions = closestNames(entry.record, types.keys());
      throw fail(
        `record ${entry.record} is not defined by any .avsc file${suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : ''}`,
      );
    }
    for (const field of keyFields as string[]) {
      const keyField = type.typeName === 'record' ? (type as avro.types.RecordType).field(field) : undefined;
      if (!keyField) throw fail(`${entry.record} has no field ${field} to use as the key`);
      // The key must exist in every record: a nullable or numeric field would make keys ambiguous.
      if (keyField.type.typeName !== 'string') throw fail(`key field ${field} must be a non-null string, not ${keyField.type.typeName}`);
    }
    topics.set(topic, {
      topic,
      record: entry.record,
      key: (keyFields as string[]).join(KEY_SEPARATOR),
      keyFields: keyFields as string[],
      compacted: entry.compacted === true,
      format: entry.format === 'json' ? 'json' : 'avro',
    });
  }
  return topics;
}
