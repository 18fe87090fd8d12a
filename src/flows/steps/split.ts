import avro from 'avsc';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { itemType } from '../../expressions/avro-field-lookup.js';
import { pathResultType } from '../../expressions/path-result-type.js';
import type { FlowMessage } from '../flow-message.js';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { allReady, whenReady } from '../../core/maybe-promise.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

const listExpression = {
  type: 'string',
  minLength: 1,
  description: 'A JSONata expression giving the list to split, e.g. partsRequested.',
} as const;

const spec = {
  anyOf: [
    listExpression,
    {
      type: 'object',
      additionalProperties: false,
      required: ['expression'],
      properties: {
        expression: listExpression,
        as: {
          type: 'string',
          minLength: 1,
          description: 'Keep the whole value and put the element in this field; without it, the element becomes the value.',
        },
        key: {
          type: 'string',
          minLength: 1,
          description: 'A JSONata expression on the new value giving each message its key; default the key of the message split.',
        },
      },
    },
  ],
} as const satisfies JSONSchema;

/**
 * One message per element of a list (a service request per requested part, a policy per insured
 * person). Nothing to split (a missing or null list) gives no message; a single value that is not
 * a list gives one.
 */
export const splitStep = defineStep<FromSchema<typeof spec>>({
  type: 'split',
  description: 'Splits a message into one message per element of a list given by a JSONata expression.',
  spec,
  compile(config, context) {
    const shorthand = typeof config === 'string';
    const text = shorthand ? config : config.expression;
    const as = shorthand ? undefined : config.as;
    const list = compileStepExpression(context, shorthand ? [] : ['expression'], text);
    // The elements' record type, when the list is a field of records (partsRequested → PartRequest).
    const listType = context.inputType && as === undefined ? pathResultType(text, context.inputType) : undefined;
    const elementType = listType ? itemType(listType) : undefined;
    const outputType = elementType instanceof avro.types.RecordType ? elementType : undefined;
    const key =
      shorthand || config.key === undefined ? undefined : compileStepExpression(context, ['key'], config.key, { inputType: outputType });

    const messageFor = (message: FlowMessage, element: unknown, index: number): FlowMessage => {
      if (as !== undefined) return { ...message, value: { ...message.value, [as]: element }, schemaName: undefined };
      if (typeof element !== 'object' || element === null || Array.isArray(element)) {
        throw new StepMessageError(
          'FLOW_SPLIT_ELEMENT_INVALID',
          `split: element ${index} is ${element === null ? 'null' : Array.isArray(element) ? 'an array' : `a ${typeof element}`}; without "as" each element becomes a message value and must be an object`,
        );
      }
      return { ...message, value: { ...(element as Record<string, unknown>) }, schemaName: outputType?.name };
    };

    return {
      outputType,
      run: (message) =>
        whenReady(list.evaluate(message.value), (found) => {
          if (found === undefined || found === null) return [];
          const elements = Array.isArray(found) ? found : [found];
          const messages = elements.map((element, index) => messageFor(message, element, index));
          if (!key) return messages;
          return allReady(
            messages.map((split) => whenReady(key.evaluate(split.value), (value) => ({ ...split, key: keyText(value, 'split key') }))),
          );
        }),
    };
  },
});
