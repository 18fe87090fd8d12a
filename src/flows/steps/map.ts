import avro from 'avsc';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { lookupField, unknownFieldMessage } from '../../expressions/avro-field-lookup.js';
import type { CompiledExpression } from '../../expressions/compiled-expression.js';
import type { FlowMessage } from '../flow-message.js';
import type { StepCompileContext } from '../flow-step.js';
import { defineStep } from './define-step.js';
import { allReady, whenReady } from '../../core/maybe-promise.js';
import { fitToRecord } from './record-fit.js';
import { outputRecordNamed } from './output-record.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

const expressionText = { type: 'string', minLength: 1 } as const;
const fieldMap = {
  type: 'object',
  minProperties: 1,
  additionalProperties: { ...expressionText, description: 'A JSONata expression on the input value.' },
} as const;

const spec = {
  anyOf: [
    { ...expressionText, description: 'A JSONata expression giving the whole new value (an object).' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        fields: { ...fieldMap, description: 'Output field → JSONata expression; a field whose expression gives nothing is left out.' },
        expression: { ...expressionText, description: 'A JSONata expression giving the whole new value (instead of fields).' },
        schema: {
          type: 'string',
          minLength: 1,
          description: 'The Avro record the output must fit (checked per message); fields not in it are reported when the flow is checked.',
        },
        keep: {
          type: 'boolean',
          description: 'Start from the input value and set the mapped fields over it (default false: only the mapped fields).',
        },
      },
    },
    { ...fieldMap, description: 'Shorthand: output field → JSONata expression.' },
  ],
} as const satisfies JSONSchema;

type MapConfig = FromSchema<typeof spec>;

// Keys of the full form; in the shorthand they would be taken for output fields.
const SETTINGS = ['fields', 'expression', 'schema', 'keep'];

interface MapPlan {
  fields?: [name: string, expression: CompiledExpression][];
  expression?: CompiledExpression;
  record?: avro.types.RecordType;
  keep: boolean;
}

/**
 * Builds a new value: field by field (`{ erpCustomerId: customerId, name: fullName }`) or from one
 * expression. With `schema`, the output is that record's fields (defaults filled in) and is checked
 * against the record for every message, so a mapping mistake is dead-lettered with the fields it
 * concerns instead of failing in the encoder; later steps then know the record type.
 */
export const mapStep = defineStep<MapConfig>({
  type: 'map',
  description:
    'Builds a new message value from JSONata field mappings or one JSONata expression, optionally checked against an Avro record.',
  spec,
  compile(config, context) {
    const plan = planMap(config, context);
    const record = plan.record;
    const finish = (message: FlowMessage, built: Record<string, unknown>): FlowMessage[] => {
      if (!record) return [{ ...message, value: built, schemaName: undefined }];
      const fitted = fitToRecord(record, built);
      if (fitted.problems.length > 0)
        throw new StepMessageError('FLOW_MAP_OUTPUT_INVALID', `map output does not fit ${record.name}: ${fitted.problems.join('; ')}`);
      return [{ ...message, value: fitted.value, schemaName: record.name }];
    };
    const fields = plan.fields;
    const whole = plan.expression;
    const run = fields
      ? (message: FlowMessage) =>
          whenReady(allReady(fields.map(([, expression]) => expression.evaluate(message.value))), (values) => {
            const built: Record<string, unknown> = plan.keep ? { ...message.value } : {};
            fields.forEach(([name], index) => {
              if (values[index] !== undefined) built[name] = values[index];
            });
            return finish(message, built);
          })
      : (message: FlowMessage) =>
          whenReady((whole as CompiledExpression).evaluate(message.value), (result) => {
            if (typeof result !== 'object' || result === null || Array.isArray(result)) {
              throw new StepMessageError(
                'FLOW_MAP_OUTPUT_INVALID',
                `map: the expression must give an object, got ${result === undefined ? 'nothing' : result === null ? 'null' : Array.isArray(result) ? 'an array' : `a ${typeof result}`}`,
              );
            }
            // A plain object (jsonata builds objects without a prototype), over the input with keep.
            return finish(message, plan.keep ? { ...message.value, ...result } : { ...result });
          });
    return { outputType: record, run };
  },
});

function planMap(config: MapConfig, context: StepCompileContext): MapPlan {
  if (typeof config === 'string') return { expression: compileStepExpression(context, [], config), keep: false };
  const full =
    (typeof config.fields === 'object' && config.fields !== null) ||
    typeof config.expression === 'string' ||
    typeof config.keep === 'boolean';
  if (!full) {
    const misplaced = Object.keys(config).filter((key) => SETTINGS.includes(key));
    for (const key of misplaced)
      context.report([key], 'VALUE_INVALID', `"${key}" together with field mappings: put the mappings under "fields"`);
    return { fields: compileFields(config as Record<string, string>, [], context, undefined), keep: false };
  }
  const settings = config as { fields?: Record<string, string>; expression?: string; schema?: string; keep?: boolean };
  const record = settings.schema === undefined ? undefined : outputRecordNamed(context, settings.schema, 'map');
  const keep = settings.keep ?? false;
  if (settings.fields !== undefined && settings.expression !== undefined)
    context.report([], 'VALUE_INVALID', 'takes "fields" or "expression", not both');
  if (settings.expression !== undefined)
    return { expression: compileStepExpression(context, ['expression'], settings.expression), record, keep };
  if (settings.fields === undefined) {
    context.report([], 'REQUIRED_MISSING', 'needs "fields" (output field → expression) or "expression"');
    return { keep };
  }
  const fields = compileFields(settings.fields, ['fields'], context, record);
  if (record && !keep) reportUnsetFields(record, Object.keys(settings.fields), context);
  return { fields, record, keep };
}

function compileFields(
  fields: Record<string, string>,
  base: string[],
  context: StepCompileContext,
  record: avro.types.RecordType | undefined,
): [string, CompiledExpression][] {
  return Object.entries(fields).map(([name, text]) => {
    if (record) {
      const lookup = lookupField(record, name);
      if (lookup.kind === 'missing') context.report([...base, name], 'FIELD_UNKNOWN', unknownFieldMessage(name, lookup));
    }
    return [name, compileStepExpression(context, [...base, name], text)];
  });
}

/** Fields of the record without a default that the mapping never sets: every message would fail. */
function reportUnsetFields(record: avro.types.RecordType, mapped: string[], context: StepCompileContext): void {
  const unset = record.fields
    .filter((field) => field.defaultValue() === undefined && !mapped.includes(field.name))
    .map((field) => field.name);
  if (unset.length > 0)
    context.report(
      ['fields'],
      'REQUIRED_MISSING',
      `${record.name} requires ${unset.length === 1 ? 'field' : 'fields'} ${unset.join(', ')}, which the mapping does not set`,
    );
}
