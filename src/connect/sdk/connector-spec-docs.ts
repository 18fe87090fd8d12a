import type { ConnectorDefinition } from './connector-definition.js';

type Schema = Record<string, unknown>;

/**
 * A connector's config spec as reference text for `crm-hub connectors describe`: every property
 * with its type, whether it is required or its default, constraints, secret marker and
 * description; nested objects, array items and alternative forms indented below their property.
 * Rendered from the same spec that validates, so docs and validation cannot drift apart.
 */
export function describeConnector(definition: ConnectorDefinition): string {
  const topics = definition.kind === 'source' ? definition.produces : definition.consumes;
  const lines = [
    `${definition.name} ${definition.version} (${definition.kind})`,
    `  ${definition.description}`,
    `  ${definition.kind === 'source' ? 'produces' : 'consumes'}: ${topics.length > 0 ? topics.join(', ') : definition.kind === 'sink' ? 'nothing by default (set topics on the instance)' : 'the topics its config names'}`,
    '',
    'config:',
    ...describeSpec(definition.spec as Schema),
    '',
    'example (crm-hub.yaml):',
    ...exampleInstance(definition).map((line) => `  ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The property lines of an object schema, indented two spaces per level. */
export function describeSpec(spec: Schema): string[] {
  const lines = objectLines(spec, spec, 1);
  return lines.length > 0 ? lines : ['  (no settings)'];
}

function objectLines(schema: Schema, root: Schema, depth: number): string[] {
  const resolved = resolve(schema, root);
  const properties = asSchemaMap(resolved.properties);
  const required = new Set(Array.isArray(resolved.required) ? (resolved.required as string[]) : []);
  const lines: string[] = [];
  for (const [name, property] of Object.entries(properties)) lines.push(...propertyLines(name, property, required.has(name), root, depth));
  const additional = resolved.additionalProperties;
  if (isSchema(additional) && Object.keys(properties).length > 0)
    lines.push(`${indent(depth)}<any other key>: ${summary(additional, root, false).join(', ')}`);
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const forms = Array.isArray(resolved[keyword]) ? (resolved[keyword] as unknown[]).filter(isSchema) : [];
    if (forms.length === 0) continue;
    lines.push(`${indent(depth)}${keyword === 'oneOf' ? 'exactly one of these forms:' : 'any of these forms:'}`);
    forms.forEach((form, index) => {
      lines.push(`${indent(depth)}- ${formTitle(form, root) ?? `form ${index + 1}`}:`);
      lines.push(...objectLines(form, root, depth + 1));
    });
  }
  return lines;
}

function propertyLines(name: string, schema: Schema, required: boolean, root: Schema, depth: number): string[] {
  const resolved = resolve(schema, root);
  const lines = [`${indent(depth)}${name}: ${summary(resolved, root, required).join(', ')}`];
  if (typeof resolved.description === 'string') lines.push(`${indent(depth + 2)}${resolved.description}`);
  const items = isSchema(resolved.items) ? resolve(resolved.items, root) : undefined;
  if (items && hasStructure(items)) {
    lines.push(`${indent(depth + 1)}each item:`);
    lines.push(...objectLines(items, root, depth + 2));
  } else if (hasStructure(resolved)) {
    lines.push(...objectLines(resolved, root, depth + 1));
  }
  return lines;
}

/** `string, format "uri", required`, `integer, default 100, at least 1`, `string, secret, optional`. */
function summary(schema: Schema, root: Schema, required: boolean): string[] {
  const resolved = resolve(schema, root);
  const parts = [typeText(resolved, root)];
  if (required) parts.push('required');
  else if (resolved.default !== undefined) parts.push(`default ${JSON.stringify(resolved.default)}`);
  else parts.push('optional');
  if (Array.isArray(resolved.enum)) parts.push(`one of ${resolved.enum.map((value) => JSON.stringify(value)).join(' | ')}`);
  if (resolved.const !== undefined) parts.push(`always ${JSON.stringify(resolved.const)}`);
  if (typeof resolved.format === 'string') parts.push(`format "${resolved.format}"`);
  if (typeof resolved.pattern === 'string') parts.push(`pattern ${resolved.pattern}`);
  const bounds: [string, string][] = [
    ['minimum', 'at least'],
    ['exclusiveMinimum', 'more than'],
    ['maximum', 'at most'],
    ['exclusiveMaximum', 'less than'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['minItems', 'min items'],
    ['maxItems', 'max items'],
  ];
  for (const [keyword, text] of bounds) if (typeof resolved[keyword] === 'number') parts.push(`${text} ${String(resolved[keyword])}`);
  if (resolved.writeOnly === true) parts.push('secret (never shown; use ${ENV})');
  return parts;
}

function typeText(schema: Schema, root: Schema): string {
  const type = Array.isArray(schema.type)
    ? (schema.type as string[]).join(' | ')
    : typeof schema.type === 'string'
      ? schema.type
      : undefined;
  if (type === 'array' && isSchema(schema.items)) return `array of ${typeText(resolve(schema.items, root), root)}`;
  if (type === 'object' && isSchema(schema.additionalProperties) && !schema.properties)
    return `map of ${typeText(resolve(schema.additionalProperties, root), root)}`;
  if (type) return type;
  if (schema.const !== undefined) return typeof schema.const;
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((value) => typeof value))].join(' | ');
  if (schema.oneOf || schema.anyOf) return 'one of the forms below';
  return 'any';
}

/** A form whose properties include a constant reads as `when type = "bearer"`. */
function formTitle(form: Schema, root: Schema): string | undefined {
  for (const [name, property] of Object.entries(asSchemaMap(resolve(form, root).properties))) {
    const resolved = resolve(property, root);
    if (resolved.const !== undefined) return `when ${name} = ${JSON.stringify(resolved.const)}`;
  }
  return undefined;
}

/** A minimal instance in the hub config: the required settings only, secrets as ${ENV}. */
function exampleInstance(definition: ConnectorDefinition): string[] {
  const instance = `my-${definition.name}`;
  const lines = ['connectors:', `  ${instance}:`, `    connector: ${definition.name}`];
  if (definition.kind === 'sink' && definition.consumes.length === 0) lines.push('    topics: [crm.customer.v1]');
  const spec = definition.spec as Schema;
  const config = exampleLines(spec, spec, 3, instance.toUpperCase().replaceAll('-', '_'));
  if (config.length > 0) lines.push('    config:', ...config);
  return lines;
}

function exampleLines(schema: Schema, root: Schema, depth: number, envPrefix: string): string[] {
  const resolved = resolve(schema, root);
  const properties = asSchemaMap(resolved.properties);
  const lines: string[] = [];
  for (const name of Array.isArray(resolved.required) ? (resolved.required as string[]) : []) {
    const property = resolve(properties[name] ?? {}, root);
    const envName = `${envPrefix}_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
    if (property.type === 'object' && property.properties) {
      lines.push(`${indent(depth)}${name}:`, ...exampleLines(property, root, depth + 1, envName));
    } else {
      lines.push(`${indent(depth)}${name}: ${exampleValue(property, envName)}`);
    }
  }
  return lines;
}

function exampleValue(schema: Schema, envName: string): string {
  if (schema.writeOnly === true) return `\${${envName}}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return JSON.stringify(schema.enum[0]);
  if (schema.default !== undefined) return JSON.stringify(schema.default);
  if (schema.format === 'uri' || schema.format === 'url' || (typeof schema.pattern === 'string' && schema.pattern.includes('http')))
    return 'https://example.com/api';
  if (schema.type === 'integer' || schema.type === 'number') return String(typeof schema.minimum === 'number' ? schema.minimum : 1);
  if (schema.type === 'boolean') return 'false';
  if (schema.type === 'array') return '[]';
  return '"..."';
}

function hasStructure(schema: Schema): boolean {
  return Object.keys(asSchemaMap(schema.properties)).length > 0 || Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf);
}

function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && current.$ref.startsWith('#/') && hops < 20; hops++) {
    let target: unknown = root;
    for (const part of current.$ref.slice(2).split('/'))
      target = isSchema(target) ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    if (!isSchema(target)) break;
    current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([key]) => key !== '$ref')) };
  }
  return current;
}

function asSchemaMap(value: unknown): Record<string, Schema> {
  return isSchema(value) ? (value as Record<string, Schema>) : {};
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indent(depth: number): string {
  return '  '.repeat(depth);
}
