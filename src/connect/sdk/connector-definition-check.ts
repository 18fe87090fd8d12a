import { compileConfigSchema } from '../../platform/config/config-schema-compiler.js';

export const CONNECTOR_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * What is wrong with a value offered as a connector definition (usually a module's default
 * export), one reason per problem; empty when it is a usable definition. `folder` is the name it
 * must carry. The spec is compiled here, so a spec ajv cannot use is reported with its connector
 * instead of when some instance config is first validated.
 */
export function connectorDefinitionProblems(value: unknown, folder?: string): string[] {
  if (value === undefined) return ['has no default export (export default defineConnector({...}))'];
  if (typeof value !== 'object' || value === null)
    return ['its default export is not a connector definition (export default defineConnector({...}))'];
  const definition = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof definition.name !== 'string' || !CONNECTOR_NAME_PATTERN.test(definition.name)) {
    problems.push('name must be a lower-case name with letters, digits and "-"');
  } else if (folder !== undefined && definition.name !== folder) {
    problems.push(`name is "${definition.name}" but the folder is "${folder}": they must be the same`);
  }
  if (typeof definition.version !== 'string' || definition.version === '') problems.push('version must be a non-empty string');
  if (typeof definition.description !== 'string') problems.push('description must be a string');
  if (definition.kind === 'source') {
    if (!isStringArray(definition.produces)) problems.push('produces must be an array of topic names');
  } else if (definition.kind === 'sink') {
    if (!isStringArray(definition.consumes)) problems.push('consumes must be an array of topic names');
  } else {
    problems.push('kind must be "source" or "sink"');
  }
  if (typeof definition.spec !== 'object' || definition.spec === null || Array.isArray(definition.spec)) {
    problems.push('spec must be a JSON Schema object');
  } else if ((definition.spec as { type?: unknown }).type !== 'object') {
    problems.push('spec must describe an object (type: "object")');
  } else {
    try {
      compileConfigSchema(definition.spec);
    } catch (error) {
      problems.push(`spec is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (typeof definition.create !== 'function') problems.push('create must be a function');
  return problems;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
