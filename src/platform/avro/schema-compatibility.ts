import type avro from 'avsc';
import { ConfigError } from '../../core/hub-error.js';
import { parseAvroSchema } from './avro-type-factory.js';
import { COMPATIBILITY_LEVELS, type CompatibilityIssue, type CompatibilityLevel } from './compatibility-issue.js';
import { SchemaInvalidError } from './schema-errors.js';
import { findResolutionIssues } from './schema-resolution-checker.js';

export type { CompatibilityDirection, CompatibilityIssue, CompatibilityLevel, CompatibilityRule } from './compatibility-issue.js';

/** An existing schema with its registry version number, for messages that name the right version. */
export interface VersionedSchema {
  schema: object | string;
  version: number;
}

/**
 * Why `candidate` may not follow `existing` (oldest first) at `level`; empty when it may.
 * BACKWARD: the candidate reads data written with the latest version. FORWARD: the latest version
 * reads data written with the candidate. FULL: both. *_TRANSITIVE: against every version, newest
 * first. Plain schemas in `existing` are numbered 1, 2, 3... in order; pass VersionedSchema to use
 * the registry's numbers.
 */
export function checkCompatibility(
  candidate: object | string,
  existing: readonly (object | string | VersionedSchema)[],
  level: CompatibilityLevel,
): CompatibilityIssue[] {
  if (!COMPATIBILITY_LEVELS.includes(level)) {
    throw new ConfigError(
      'COMPATIBILITY_LEVEL_UNKNOWN',
      `unknown compatibility level ${String(level)}; use one of ${COMPATIBILITY_LEVELS.join(', ')}`,
    );
  }
  if (level === 'NONE' || existing.length === 0) return [];
  const newType = parseForCheck(candidate, 'the new schema');
  const versions = existing.map((entry, index) => {
    const { schema, version } = isVersioned(entry) ? entry : { schema: entry, version: index + 1 };
    return { version, type: parseForCheck(schema, `version ${version}`) };
  });
  const against = level.endsWith('_TRANSITIVE') ? [...versions].reverse() : versions.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const issues: CompatibilityIssue[] = [];
  for (const { version, type } of against) {
    if (backward) issues.push(...findResolutionIssues(newType, type, { direction: 'BACKWARD', version }));
    if (forward) issues.push(...findResolutionIssues(type, newType, { direction: 'FORWARD', version }));
  }
  return issues;
}

function isVersioned(entry: object | string): entry is VersionedSchema {
  return typeof entry === 'object' && !Array.isArray(entry) && 'schema' in entry && 'version' in entry && !('type' in entry);
}

function parseForCheck(schema: object | string, label: string): avro.Type {
  try {
    return parseAvroSchema(schema);
  } catch (error) {
    if (error instanceof SchemaInvalidError) throw new SchemaInvalidError(`${label} is not a valid Avro schema: ${error.message}`, error);
    throw error;
  }
}
