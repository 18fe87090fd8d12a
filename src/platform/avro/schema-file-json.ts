import { jsonSyntaxErrorPosition } from './json-text-position.js';
import { SchemaFileError } from './schema-errors.js';

/** The JSON in a schema or topics file; a syntax error is a SchemaFileError at its line and column. */
export function parseSchemaFileJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SchemaFileError(file, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      position: jsonSyntaxErrorPosition(text, error),
      cause: error,
    });
  }
}
