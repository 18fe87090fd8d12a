import { parseDuration } from '../../core/duration.js';
import { describeError } from '../../core/hub-error.js';
import { whenReady, type MaybePromise } from '../../core/maybe-promise.js';
import type { FlowMessage } from '../flow-message.js';
import type { StepCompileContext } from '../flow-step.js';
import { instantOf } from './event-time.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

/** When a timeout's timer is due for a record: a fixed time after its event time, or an instant the record gives. */
export interface TimeoutDue {
  /** The duration of `after` when it is one; undefined when it is an expression. */
  afterMs: number | undefined;
  dueAt(message: FlowMessage, eventTime: number): MaybePromise<number>;
}

// Text that is meant as a duration but is not one (`3 days`, `72H`, `1.5d`) is reported as such, not as an odd expression.
const DURATION_LIKE = /^\s*\d[\d.]*\s*[a-zA-Z]*\s*$/;

/**
 * A timeout's `after`: a duration (`3d`, the grammar of parseDuration) when it reads as one, else a
 * JSONata expression giving an instant (ISO-8601 with a zone, or epoch ms), e.g. `slaDueAt`. A
 * record whose expression gives no instant fails (TIMEOUT_DUE_INVALID, a dead letter): it could
 * not be timed, and dropping it would hide exactly the case a timeout is for.
 */
export function compileTimeoutDue(context: StepCompileContext, relativePath: (string | number)[], text: string): TimeoutDue {
  if (DURATION_LIKE.test(text)) {
    let afterMs = 0;
    try {
      afterMs = parseDuration(text.trim(), 'after');
    } catch (error) {
      context.report(relativePath, 'VALUE_INVALID', `${describeError(error).message}, or a JSONata expression giving an instant`);
    }
    return { afterMs, dueAt: (_message, eventTime) => eventTime + afterMs };
  }
  const expression = compileStepExpression(context, relativePath, text);
  return {
    afterMs: undefined,
    dueAt: (message) =>
      whenReady(expression.evaluate(message.value), (value) => {
        const instant = instantOf(value);
        // Beyond what a Date holds (±8.64e15 ms) it could never be said when it was due.
        if (instant === undefined || Number.isNaN(new Date(instant).getTime()))
          throw new StepMessageError(
            'TIMEOUT_DUE_INVALID',
            `timeout after ${text}: ${value === undefined || value === null ? 'no value' : 'not an instant (ISO-8601 with a zone, or epoch milliseconds)'}`,
          );
        return instant;
      }),
  };
}
