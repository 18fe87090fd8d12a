import { whenReady, type MaybePromise } from '../../core/maybe-promise.js';
import type { FlowMessage } from '../flow-message.js';
import type { KeyedStepState, StepCompileContext } from '../flow-step.js';
import { StepMessageError } from './step-message-error.js';
import { compileStepExpression } from './step-expression.js';

/** The event time expression when a step names none: when the event happened, as every canonical record says. */
export const DEFAULT_EVENT_TIME = 'meta.occurredAt';

/**
 * How far ahead of the wall clock an event time may be. One record stamped in the year 9999 would
 * otherwise move the watermark there, close every window and make every later record late.
 */
export const MAX_FUTURE_MS = 24 * 3_600_000;

/**
 * A stateful step's event time of a message (ms since the epoch), from an expression giving an ISO
 * instant with a zone or epoch milliseconds. Missing, unreadable or more than a day ahead of the
 * wall clock: the message fails (EVENT_TIME_INVALID, a dead letter), as a record without a time
 * cannot be put in a window or judged late.
 */
export function compileEventTime(
  context: StepCompileContext,
  relativePath: (string | number)[],
  text: string | undefined,
): (message: FlowMessage, state: KeyedStepState) => MaybePromise<number> {
  const source = text ?? DEFAULT_EVENT_TIME;
  const expression = compileStepExpression(context, relativePath, source);
  return (message, state) =>
    whenReady(expression.evaluate(message.value), (value) => {
      const instant = instantOf(value);
      if (instant === undefined)
        throw new StepMessageError(
          'EVENT_TIME_INVALID',
          `event time ${source}: ${value === undefined || value === null ? 'no value' : 'not an instant (ISO-8601 with a zone, or epoch milliseconds)'}`,
        );
      if (instant > state.now() + MAX_FUTURE_MS)
        throw new StepMessageError(
          'EVENT_TIME_INVALID',
          `event time ${source}: ${new Date(instant).toISOString()} is more than a day ahead of the clock (${new Date(state.now()).toISOString()})`,
        );
      return instant;
    });
}

/** An instant as records give one: epoch milliseconds (a safe integer), or ISO-8601 text with a zone; else undefined. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  // A zone is required: an instant without one means a different moment in each place.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}
