import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { whenReady } from '../../src/core/maybe-promise.js';
import type { FlowMessage } from '../../src/flows/flow-message.js';
import type { StepDefinition } from '../../src/flows/flow-step.js';
import { defineStep } from '../../src/flows/steps/define-step.js';
import { keyText } from '../../src/flows/steps/key-text.js';
import { compileStepExpression } from '../../src/flows/steps/step-expression.js';
import { compileEventTime } from '../../src/flows/steps/event-time.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1 },
    eventTime: { type: 'string', minLength: 1 },
  },
} as const satisfies JSONSchema;

export interface BenchTimerOptions {
  /** When the timer of a message is due (event time, ms). */
  dueAt(message: FlowMessage, eventTime: number): number;
  /** Told for each timer fired: its due time and the partition's watermark when the step's `onTimer` ran. */
  fired(dueAt: number, watermark: number): void;
}

/**
 * The timers benchmark's step (type `bench-timer`, only in the benchmark's step registry): each
 * message schedules one timer, id = its key, through the step contract every stateful step uses
 * (`keyedState().schedule`), and `onTimer` emits one message. What is measured is the state layer's
 * timer machinery — FlowState's journal, due-time queue, watermark and `takeDue`, the stage's
 * `fireTimers` — not any one step's own logic.
 */
export function benchTimerStep(options: BenchTimerOptions): StepDefinition<FromSchema<typeof spec>> {
  return defineStep<FromSchema<typeof spec>>({
    type: 'bench-timer',
    description: 'Benchmark only: schedules one timer per message, id = its key; emits one message when it fires.',
    spec,
    compile(config, context) {
      const key = compileStepExpression(context, ['key'], config.key);
      const eventTime = compileEventTime(context, ['eventTime'], config.eventTime);
      const state = context.keyedState();
      return {
        partitionBy: (message) => key.evaluate(message.value),
        run: (message) =>
          whenReady(key.evaluate(message.value), (value) =>
            whenReady(eventTime(message, state), (at) => {
              state.observe(at);
              const id = keyText(value, 'bench-timer key');
              state.schedule(id, options.dueAt(message, at), { id });
              return [];
            }),
          ),
        onTimer: (timer) => {
          options.fired(timer.dueAt, state.watermark() ?? timer.watermark);
          return [{ key: timer.id, value: { id: timer.id, dueAt: timer.dueAt }, headers: {}, topic: 'bench-timer' }];
        },
      };
    },
  });
}
