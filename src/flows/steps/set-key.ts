import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { whenReady } from '../../core/maybe-promise.js';
import { compileShorthandExpression } from './step-expression.js';

const keyExpression = {
  type: 'string',
  minLength: 1,
  description: 'A JSONata expression giving the key, e.g. customerId or policyNumber & "@" & holder.customerId.',
} as const;

const spec = {
  anyOf: [
    keyExpression,
    { type: 'object', additionalProperties: false, required: ['expression'], properties: { expression: keyExpression } },
  ],
} as const satisfies JSONSchema;

/**
 * Sets the message key, which decides the partition and so the order downstream systems see
 * changes of one entity in. A missing value or an object is an error: a message with a wrong key
 * would silently lose its ordering.
 */
export const setKeyStep = defineStep<FromSchema<typeof spec>>({
  type: 'set-key',
  description: 'Sets the message key (a string) from a JSONata expression.',
  spec,
  compile(config, context) {
    const expression = compileShorthandExpression(context, config);
    return {
      outputType: context.inputType,
      run: (message) => whenReady(expression.evaluate(message.value), (value) => [{ ...message, key: keyText(value, 'set-key') }]),
    };
  },
});
