import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { CompiledExpression } from '../../expressions/compiled-expression.js';
import { expressionTruth } from '../../expressions/expression-results.js';
import { flowDestinationSchema } from '../flow-file-schema.js';
import type { FlowDestination, FlowMessage } from '../flow-message.js';
import type { StepCompileContext } from '../flow-step.js';
import { stepDestinations, stepDestinationsSchema, type StepDestinationConfig } from './step-destinations.js';
import { defineStep } from './define-step.js';
import { type MaybePromise, whenReady } from '../../core/maybe-promise.js';
import { compileStepExpression } from './step-expression.js';

const destinations = stepDestinationsSchema;
const condition = { type: 'string', minLength: 1, description: 'A JSONata condition on the message value.' } as const;
const routeCase = {
  type: 'object',
  additionalProperties: false,
  required: ['when', 'to'],
  properties: { when: condition, to: destinations },
} as const;

const spec = {
  anyOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['cases'],
      properties: {
        cases: { type: 'array', minItems: 1, items: routeCase, description: 'Conditions and where the messages meeting them go.' },
        otherwise: { ...destinations, description: 'Where messages no case takes go; without it they keep the flow\'s "to".' },
        wiretap: { ...flowDestinationSchema, description: 'Also receives a copy of every message routed here.' },
        mode: {
          enum: ['first', 'all'],
          description: 'first (default): the first case that matches decides; all: every case that matches adds its destinations.',
        },
      },
    },
    {
      type: 'array',
      minItems: 1,
      description: 'Shorthand: cases in order, then at most one { otherwise } (first match decides).',
      items: {
        anyOf: [
          routeCase,
          { type: 'object', additionalProperties: false, required: ['otherwise'], properties: { otherwise: destinations } },
        ],
      },
    },
  ],
} as const satisfies JSONSchema;

type RouteConfig = FromSchema<typeof spec>;
type DestinationConfig = StepDestinationConfig;

interface RoutePlan {
  cases: { when: CompiledExpression; to: FlowDestination[] }[];
  otherwise?: FlowDestination[];
  wiretap?: FlowDestination;
  mode: 'first' | 'all';
}

/**
 * Chooses where each message goes (content-based routing): sets `destinations`, which replace the
 * flow's `to` for that message. A message no case takes and without `otherwise` is left as it is.
 */
export const routeStep = defineStep<RouteConfig>({
  type: 'route',
  description:
    'Sends each message to the destinations of the first (or every) case whose JSONata condition it meets, else to otherwise; a wiretap gets a copy of all.',
  spec,
  compile(config, context) {
    const plan = planRoute(config, context);
    const routed = (message: FlowMessage, chosen: FlowDestination[] | undefined): FlowMessage[] => {
      if (!chosen) return [message];
      const all = plan.wiretap ? [...chosen, plan.wiretap] : chosen;
      return [{ ...message, destinations: distinct(all) }];
    };
    const firstMatch = (message: FlowMessage, from: number): MaybePromise<FlowDestination[] | undefined> => {
      for (let index = from; index < plan.cases.length; index++) {
        const routeCase = plan.cases[index]!;
        const verdict = routeCase.when.evaluate(message.value);
        // Conditions after an asynchronous one wait for it: only the first match counts.
        if (verdict instanceof Promise)
          return verdict.then((value) => (expressionTruth(value) ? routeCase.to : firstMatch(message, index + 1)));
        if (expressionTruth(verdict)) return routeCase.to;
      }
      return plan.otherwise;
    };
    const allMatches = (message: FlowMessage): MaybePromise<FlowDestination[] | undefined> => {
      const verdicts = plan.cases.map((routeCase) => routeCase.when.evaluate(message.value));
      const choose = (values: unknown[]): FlowDestination[] | undefined => {
        const matched = plan.cases.filter((_, index) => expressionTruth(values[index])).flatMap((routeCase) => routeCase.to);
        return matched.length > 0 ? matched : plan.otherwise;
      };
      return verdicts.some((verdict) => verdict instanceof Promise) ? Promise.all(verdicts).then(choose) : choose(verdicts);
    };
    return {
      outputType: context.inputType,
      run: (message) => whenReady(plan.mode === 'all' ? allMatches(message) : firstMatch(message, 0), (chosen) => routed(message, chosen)),
    };
  },
});

function planRoute(config: RouteConfig, context: StepCompileContext): RoutePlan {
  if (Array.isArray(config)) {
    const plan: RoutePlan = { cases: [], mode: 'first' };
    config.forEach((item, index) => {
      if ('otherwise' in item) {
        if (index !== config.length - 1)
          context.report([index], 'VALUE_INVALID', '"otherwise" must be the last item: the cases after it would never be reached');
        plan.otherwise = stepDestinations(item.otherwise as DestinationConfig | DestinationConfig[], [index, 'otherwise'], context);
      } else {
        plan.cases.push({
          when: compileStepExpression(context, [index, 'when'], item.when),
          to: stepDestinations(item.to as DestinationConfig | DestinationConfig[], [index, 'to'], context),
        });
      }
    });
    if (plan.cases.length === 0) context.report([], 'REQUIRED_MISSING', 'needs at least one case ({ when, to })');
    return plan;
  }
  const plan: RoutePlan = {
    cases: config.cases.map((item, index) => ({
      when: compileStepExpression(context, ['cases', index, 'when'], item.when),
      to: stepDestinations(item.to as DestinationConfig | DestinationConfig[], ['cases', index, 'to'], context),
    })),
    mode: config.mode ?? 'first',
  };
  if (config.otherwise !== undefined)
    plan.otherwise = stepDestinations(config.otherwise as DestinationConfig | DestinationConfig[], ['otherwise'], context);
  if (config.wiretap !== undefined) {
    plan.wiretap = stepDestinations(config.wiretap as DestinationConfig, ['wiretap'], context)[0];
    // A message no case takes keeps the flow's "to", which this step cannot see to add the wiretap to.
    if (plan.otherwise === undefined)
      context.report(
        ['wiretap'],
        'VALUE_INVALID',
        'a wiretap needs "otherwise", so that every message routed here has destinations to add it to',
      );
  }
  return plan;
}

function distinct(destinations: FlowDestination[]): FlowDestination[] {
  const seen = new Set<string>();
  return destinations.filter((destination) => {
    const identity =
      'connector' in destination ? `connector:${destination.connector}` : `topic:${destination.topic}:${destination.schema ?? ''}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}
