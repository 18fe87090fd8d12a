import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { lookupField, unknownFieldMessage } from '../../expressions/avro-field-lookup.js';
import { linearRegExpEngine } from '../../expressions/linear-regex.js';
import type avro from 'avsc';
import { createJsonSchemaAjv } from '../../platform/validation/json-schema-ajv.js';
import { formatDataPath, schemaIssues } from '../../platform/validation/schema-issues.js';
import { defineStep } from './define-step.js';
import { fieldPathSegments, valuesAtPath } from './field-path-values.js';
import { FIELD_RULE_NAMES, passesRule } from './field-rules.js';
import { FlowValidationError, type ValidationFailure } from './flow-validation-error.js';
import type { StepCompileContext } from '../flow-step.js';

/**
 * The ajv for schemas written in flow files: not strict, because such schemas are often copied from
 * elsewhere with annotations ajv does not know. Their `pattern`s run on RE2, so that no pattern can
 * backtrack catastrophically on a message; one RE2 cannot run is refused when the flow is validated.
 */
const ajv = createJsonSchemaAjv({ strictSchemas: false, regExp: linearRegExpEngine });

const spec = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    schema: { type: 'object', description: 'A JSON Schema the message value must satisfy.' },
    rules: {
      type: 'array',
      minItems: 1,
      description: 'Checks of single fields by name.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'field'],
        properties: {
          rule: { enum: FIELD_RULE_NAMES, description: 'residentId (GB 11643), mobile (CN mobile), plate (CN plate), email, notBlank.' },
          field: {
            type: 'string',
            minLength: 1,
            description: 'Dotted path of the field; through arrays every item is checked (phones.number or phones[].number).',
          },
        },
      },
    },
  },
} as const satisfies JSONSchema;

/**
 * Checks each message against a JSON Schema and field rules, and fails it — not retriable — naming
 * every failing field and rule, never the values.
 */
export const validateStep = defineStep<FromSchema<typeof spec>>({
  type: 'validate',
  description:
    'Checks each message against a JSON Schema and named field rules (residentId, mobile, plate, email, notBlank); a message that fails is dead-lettered with every failing field and rule.',
  spec,
  compile(config, context) {
    const schema = config.schema === undefined ? undefined : compileJsonSchema(config.schema, context);
    const rules = (config.rules ?? []).map((item, index) => {
      const segments = fieldPathSegments(item.field);
      if (context.inputType) checkFieldPath(segments, context.inputType, ['rules', index, 'field'], context);
      return { rule: item.rule, segments };
    });
    return {
      outputType: context.inputType,
      run: (message) => {
        const failures: ValidationFailure[] = [];
        if (schema && !schema(message.value)) failures.push(...schemaFailures(schema.errors, message.value));
        for (const { rule, segments } of rules) {
          for (const { path, value } of valuesAtPath(message.value, segments))
            if (!passesRule(rule, value)) failures.push({ field: path, rule });
        }
        if (failures.length > 0) throw new FlowValidationError(failures);
        return [message];
      },
    };
  },
});

function compileJsonSchema(schema: object, context: StepCompileContext): ValidateFunction | undefined {
  try {
    return ajv.compile(schema);
  } catch (error) {
    context.report(['schema'], 'VALUE_INVALID', `not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Each failing field with what the schema wants of it, worded as every schema issue of the hub; never the data. */
function schemaFailures(errors: ErrorObject[] | null | undefined, value: unknown): ValidationFailure[] {
  return schemaIssues(errors, value).map((issue) => ({ field: formatDataPath(issue.path), rule: issue.message }));
}

function checkFieldPath(segments: string[], type: avro.Type, path: (string | number)[], context: StepCompileContext): void {
  let current: avro.Type | undefined = type;
  for (const name of segments) {
    if (!current) return;
    const lookup = lookupField(current, name);
    if (lookup.kind === 'missing') {
      context.report(path, 'FIELD_UNKNOWN', unknownFieldMessage(name, lookup));
      return;
    }
    current = lookup.kind === 'found' ? lookup.type : undefined;
  }
}
