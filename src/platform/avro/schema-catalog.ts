import path from 'node:path';
import { JsonRecordCodec } from './json-record-codec.js';
import type avro from 'avsc';
import { projectRoot } from '../infra/project-root.js';
import { shortNameOf } from './avro-names.js';
import { closestNames } from '../../core/closest-names.js';
import type { NamedTypeDefinition } from './named-type-scanner.js';
import { piiFieldPaths } from './pii-field-paths.js';
import { UnknownSchemaError, UnknownTopicError } from './schema-errors.js';
import { readSchemaFolder } from './schema-folder-reader.js';
import { selfContainedSchema } from './self-contained-schema.js';
import type { TopicInfo } from './topic-info.js';
import { readTopicsFile } from './topics-file-reader.js';

export type { TopicInfo } from './topic-info.js';

/**
 * The Avro schemas of schemas/ (every .avsc below it) and the canonical topics of topics.json,
 * parsed once at start. Files may refer to named types of other files in any order: they are parsed
 * in dependency order, so shared types in schemas/common/ need no special place.
 */
export class SchemaCatalog {
  private readonly registrySchemas = new Map<string, string>();
  private readonly jsonCodecs = new Map<string, JsonRecordCodec>();

  private constructor(
    /** The folder the schemas were loaded from. */
    readonly dir: string,
    private readonly typesByName: ReadonlyMap<string, avro.Type>,
    private readonly definitions: ReadonlyMap<string, NamedTypeDefinition>,
    private readonly files: ReadonlyMap<string, string>,
    private readonly topicsByName: ReadonlyMap<string, TopicInfo>,
  ) {}

  /** Loads and checks every schema file; throws SchemaFileError naming the first bad file. */
  static async load(dir: string = path.join(projectRoot(), 'schemas')): Promise<SchemaCatalog> {
    const { types, definitions, files } = await readSchemaFolder(dir);
    const topics = await readTopicsFile(path.join(dir, 'topics.json'), types);
    return new SchemaCatalog(path.resolve(dir), types, definitions, files, topics);
  }

  /** Full names of every named type (records, enums, fixed), sorted. */
  names(): string[] {
    return [...this.typesByName.keys()].sort();
  }

  /** Whether `name` (a full name, or a short name only one type has) is known. */
  has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  /** The parsed type; throws UnknownSchemaError (SCHEMA_UNKNOWN) with the closest names. */
  type(name: string): avro.Type {
    return this.typesByName.get(this.fullName(name)) as avro.Type;
  }

  /** The .avsc file that defines the type. */
  sourceFile(name: string): string {
    return this.files.get(this.fullName(name)) as string;
  }

  /**
   * The schema as one self-contained JSON text for a Confluent-compatible registry: named types from
   * other files inlined at first use, with every attribute as written (`doc`, `default`,
   * `logicalType`, `precision`, `scale`, `pii`, enum defaults).
   */
  registrySchema(name: string): string {
    const fullName = this.fullName(name);
    let schema = this.registrySchemas.get(fullName);
    if (schema === undefined) {
      schema = JSON.stringify(selfContainedSchema(fullName, this.definitions));
      this.registrySchemas.set(fullName, schema);
    }
    return schema;
  }

  /** Dotted paths of the fields marked `"pii": true`, e.g. `phones[].number`. */
  piiPaths(name: string): string[] {
    return piiFieldPaths(this.fullName(name), this.definitions);
  }

  /** Reads and writes the record as JSON text, for topics declared `"format": "json"`; one per record. */
  jsonCodec(name: string): JsonRecordCodec {
    const fullName = this.fullName(name);
    let codec = this.jsonCodecs.get(fullName);
    if (!codec) {
      codec = new JsonRecordCodec(this.type(fullName), fullName);
      this.jsonCodecs.set(fullName, codec);
    }
    return codec;
  }

  /** The canonical topics in the order of topics.json. */
  topics(): TopicInfo[] {
    return [...this.topicsByName.values()];
  }

  /** The record and key of a canonical topic; throws UnknownTopicError (TOPIC_UNKNOWN) otherwise. */
  topicInfo(topic: string): TopicInfo {
    const info = this.topicsByName.get(topic);
    if (!info) throw new UnknownTopicError(topic, closestNames(topic, this.topicsByName.keys()));
    return info;
  }

  private fullName(name: string): string {
    const fullName = this.resolve(name);
    if (fullName === undefined) throw new UnknownSchemaError(name, closestNames(name, this.typesByName.keys()));
    return fullName;
  }

  // Short names are accepted where unambiguous because flow files and the CLI name records that way.
  private resolve(name: string): string | undefined {
    if (this.typesByName.has(name)) return name;
    const matches = [...this.typesByName.keys()].filter((fullName) => shortNameOf(fullName) === name);
    return matches.length === 1 ? matches[0] : undefined;
  }
}
