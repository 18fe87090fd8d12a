import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { expressionTruth } from '../../expressions/expression-results.js';
import { defineStep } from './define-step.js';
import { whenReady } from '../../core/maybe-promise.js';
import { compileShorthandExpression } from './step-expression.js';

const condition = {
  type: 'string',
  minLength: 1,
  description: 'A JSONata condition on the message value, e.g. status = "ACTIVE".',
} as const;

const spec = {
  anyOf: [condition, { type: 'object', additionalProperties: false, required: ['expression'], properties: { expression: condition } }],
} as const satisfies JSONSchema;

/** Keeps the messages for which a condition is true (JSONata's $boolean: a missing value is false). */
export const filterStep = defineStep<FromSchema<typeof spec>>({
  type: 'filter',
  description: 'Keeps the messages for which a JSONata condition is true and drops the others.',
  spec,
  compile(config, context) {
    const expression = compileShorthandExpression(context, config);
    return {
      outputType: context.inputType,
      run: (message) => whenReady(expression.evaluate(message.value), (value) => (expressionTruth(value) ? [message] : [])),
    };
  },
});
