import { promises as fs } from 'node:fs';
import path from 'node:path';
import type avro from 'avsc';
import { shortNameOf } from './avro-names.js';
import { type AvroTypeRegistry, parseAvroSchema } from './avro-type-factory.js';
import { closestNames } from '../../core/closest-names.js';
import { quotedStringPosition } from './json-text-position.js';
import { parseSchemaFileJson } from './schema-file-json.js';
import { type NamedTypeDefinition, isNamedDefinition, scanSchemaNames } from './named-type-scanner.js';
import { SchemaFileError, SchemaInvalidError } from './schema-errors.js';

/** Every named type of a folder of .avsc files: parsed, as written, and where. */
export interface SchemaFolder {
  types: Map<string, avro.Type>;
  definitions: Map<string, NamedTypeDefinition>;
  files: Map<string, string>;
}

interface SchemaFile {
  file: string;
  text: string;
  json: unknown;
  definitions: NamedTypeDefinition[];
  references: string[];
}

/**
 * Reads every .avsc below `dir` and parses them in the order their names require, so that files
 * may use each other's types whatever their names and folders. Throws SchemaFileError naming the
 * first bad file, with line and column where it can tell.
 */
export async function readSchemaFolder(dir: string): Promise<SchemaFolder> {
  const files = await Promise.all((await listSchemaFiles(dir)).map(readSchemaFile));
  const definedIn = indexDefinitions(files);
  const registry: AvroTypeRegistry = {};
  for (const file of dependencyOrder(files, definedIn)) {
    try {
      // Our own schemas must not silently lose an invalid logical type, as readers of foreign ones do.
      parseAvroSchema(file.json as object, registry, { assertLogicalTypes: true });
    } catch (error) {
      if (error instanceof SchemaInvalidError)
        throw new SchemaFileError(file.file, `is not valid Avro: ${error.message.replace(/^invalid Avro schema: /, '')}`, { cause: error });
      throw error;
    }
  }
  const folder: SchemaFolder = { types: new Map(), definitions: new Map(), files: new Map() };
  for (const [name, { file, definition }] of definedIn) {
    const type = registry[name];
    if (type) folder.types.set(name, type);
    folder.definitions.set(name, definition);
    folder.files.set(name, file.file);
  }
  return folder;
}

async function listSchemaFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir, { recursive: true });
  } catch (error) {
    throw new SchemaFileError(dir, 'cannot be read as a schema folder', { cause: error });
  }
  return entries
    .filter((entry) => entry.endsWith('.avsc'))
    .sort()
    .map((entry) => path.join(dir, entry));
}

async function readSchemaFile(file: string): Promise<SchemaFile> {
  const text = await fs.readFile(file, 'utf8');
  const json = parseSchemaFileJson(file, text);
  if (!isNamedDefinition(json))
    throw new SchemaFileError(file, 'must define one named type (a record, enum or fixed with a name) at the top level');
  const { definitions, references } = scanSchemaNames(json);
  return { file, text, json, definitions, references };
}

function indexDefinitions(files: readonly SchemaFile[]): Map<string, { file: SchemaFile; definition: NamedTypeDefinition }> {
  const definedIn = new Map<string, { file: SchemaFile; definition: NamedTypeDefinition }>();
  for (const file of files) {
    for (const definition of file.definitions) {
      const earlier = definedIn.get(definition.fullName);
      if (earlier) {
        throw new SchemaFileError(file.file, `defines ${definition.fullName}, which ${path.basename(earlier.file.file)} already defines`, {
          position: quotedStringPosition(file.text, shortNameOf(definition.fullName)),
        });
      }
      definedIn.set(definition.fullName, { file, definition });
    }
  }
  return definedIn;
}

/** Files ordered so that each comes after the files defining the names it uses. */
function dependencyOrder(files: readonly SchemaFile[], definedIn: ReadonlyMap<string, { file: SchemaFile }>): SchemaFile[] {
  const ordered: SchemaFile[] = [];
  const state = new Map<SchemaFile, 'visiting' | 'done'>();
  const visit = (file: SchemaFile, chain: SchemaFile[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(file)), file].map((entry) => path.basename(entry.file));
      throw new SchemaFileError(file.file, `is part of a cycle of files that use each other's types: ${cycle.join(' → ')}`);
    }
    state.set(file, 'visiting');
    for (const reference of file.references) {
      const owner = definedIn.get(reference)?.file;
      if (!owner) {
        const suggestions = closestNames(reference, definedIn.keys());
        throw new SchemaFileError(
          file.file,
          `refers to unknown type ${reference}${suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : ''}`,
          {
            position: quotedStringPosition(file.text, reference) ?? quotedStringPosition(file.text, shortNameOf(reference)),
          },
        );
      }
      if (owner !== file) visit(owner, [...chain, file]);
    }
    state.set(file, 'done');
    ordered.push(file);
  };
  for (const file of files) visit(file, []);
  return ordered;
}
