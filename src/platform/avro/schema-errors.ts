import path from 'node:path';
import { ConfigError } from '../../core/hub-error.js';

/** Where in a text file a problem is, 1-based, for `file:line:column` messages editors can jump to. */
export interface TextPosition {
  line: number;
  column: number;
}

/** A schema document (an .avsc file or topics.json) that is not JSON or not valid Avro. */
export class SchemaFileError extends ConfigError {
  readonly file: string;
  readonly reason: string;
  readonly position: TextPosition | undefined;

  constructor(file: string, reason: string, options: { position?: TextPosition; cause?: unknown } = {}) {
    const where = options.position ? `${displayPath(file)}:${options.position.line}:${options.position.column}` : displayPath(file);
    super('SCHEMA_FILE_INVALID', `${where} ${reason}`, { cause: options.cause });
    this.file = file;
    this.reason = reason;
    this.position = options.position;
  }
}

/** A schema given as text or JSON (a registry answer, an API request) that is not valid Avro. */
export class SchemaInvalidError extends ConfigError {
  constructor(message: string, cause?: unknown) {
    super('SCHEMA_INVALID', message, { cause });
  }
}

/** A record name nobody defined; the closest known names are listed because the cause is usually a typo. */
export class UnknownSchemaError extends ConfigError {
  readonly suggestions: readonly string[];

  constructor(name: string, suggestions: readonly string[]) {
    super('SCHEMA_UNKNOWN', `unknown schema ${name}${suggestionText(suggestions)}`);
    this.suggestions = suggestions;
  }
}

/** A topic with no entry in schemas/topics.json. */
export class UnknownTopicError extends ConfigError {
  readonly suggestions: readonly string[];

  constructor(topic: string, suggestions: readonly string[]) {
    super('TOPIC_UNKNOWN', `no schema is declared for topic ${topic} in schemas/topics.json${suggestionText(suggestions)}`);
    this.suggestions = suggestions;
  }
}

function suggestionText(suggestions: readonly string[]): string {
  return suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : '';
}

// Relative paths keep messages short when run from the repository, absolute ones stay unambiguous elsewhere.
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
