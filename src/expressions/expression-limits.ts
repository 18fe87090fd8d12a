import type { FromSchema } from 'json-schema-to-ts';
import { HubError } from '../core/hub-error.js';

/**
 * The bounds of one evaluation of one expression on one message, as a flow file writes them
 * (`limits:`). The defaults are declared here and only here. They keep a runaway expression (a
 * recursive function without a base case, a loop) from holding the event loop — and with it
 * `/health`, every connector and every other flow — or from growing the heap until the process
 * dies: an expression that reaches a bound fails its message with EXPRESSION_LIMIT_EXCEEDED.
 */
export const expressionLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description:
    'Bounds of each evaluation of an expression on a message; a message whose expression reaches one is dead-lettered with EXPRESSION_LIMIT_EXCEEDED and the flow goes on.',
  properties: {
    expressionTimeoutMs: {
      type: 'integer',
      minimum: 1,
      maximum: 60000,
      default: 250,
      description:
        'Longest time one expression may evaluate on one message, in ms. The hub waits for nothing else meanwhile, so keep it well under a second.',
    },
    expressionDepth: {
      type: 'integer',
      minimum: 10,
      maximum: 100000,
      default: 1000,
      description:
        'Deepest nesting of evaluation steps (a recursive call adds about 3, so 1000 allows recursion some 300 calls deep): bounds recursion.',
    },
  },
} as const;

export type ExpressionLimits = Required<FromSchema<typeof expressionLimitsSchema>>;

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  expressionTimeoutMs: expressionLimitsSchema.properties.expressionTimeoutMs.default,
  expressionDepth: expressionLimitsSchema.properties.expressionDepth.default,
};

/**
 * An expression reached a bound of its flow's `limits` on a message. The same message would reach
 * it again, so it is not retried: the message is dead-lettered and the flow goes on.
 */
export class ExpressionLimitError extends HubError {
  constructor(
    message: string,
    readonly limit: keyof ExpressionLimits,
    options: { cause?: unknown } = {},
  ) {
    super('EXPRESSION_LIMIT_EXCEEDED', message, { retriable: false, cause: options.cause });
  }
}
