import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { whenReady } from '../../core/maybe-promise.js';
import { nameBasedUuid } from '../../core/name-based-uuid.js';
import { expressionTruth } from '../../expressions/expression-results.js';
import type { FlowDestination, FlowMessage } from '../flow-message.js';
import { compileEventTime } from './event-time.js';
import { defineStep } from './define-step.js';
import { EVENT_ID_HEADER, heldMessage, releasedMessage, type HeldMessage } from './held-message.js';
import { keyText } from './key-text.js';
import { stepDestinations, stepDestinationsSchema, type StepDestinationConfig } from './step-destinations.js';
import { compileStepExpression } from './step-expression.js';
import { compileTimeoutDue } from './timeout-due.js';
import { withTimeoutCalendar } from './timeout-calendar.js';

/** Headers on a record a timeout sends: the `after` it was waited for, and the instant its timer was due. */
export const TIMEOUT_AFTER_HEADER = 'crm-hub-timeout-after';
export const TIMEOUT_DUE_HEADER = 'crm-hub-timeout-due-at';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'after', 'until', 'then'],
  properties: {
    key: { type: 'string', minLength: 1, description: 'A JSONata expression giving what is timed, e.g. claimNumber.' },
    after: {
      type: 'string',
      minLength: 1,
      description:
        "How long after a record's event time its timer is due (e.g. 3d), or a JSONata expression giving the instant (e.g. slaDueAt).",
    },
    until: {
      type: 'string',
      minLength: 1,
      description: 'A JSONata condition: a record of the key that meets it cancels the timer, e.g. status = "ASSESSING".',
    },
    then: {
      description:
        'Where the record that started a timer goes when it is due: { to } sends it there as it is; continue passes it on through the steps after this one.',
      anyOf: [
        { type: 'object', additionalProperties: false, required: ['to'], properties: { to: stepDestinationsSchema } },
        { enum: ['continue'] },
      ],
    },
    eventTime: {
      type: 'string',
      minLength: 1,
      description: 'A JSONata expression giving when the event happened; default meta.occurredAt.',
    },
    calendar: {
      type: 'string',
      minLength: 1,
      description:
        'A business calendar from calendars/ (e.g. cn-workdays): a duration `after` then counts working days only, 24 h each, skipping weekends and public holidays.',
    },
    passThrough: {
      type: 'boolean',
      default: false,
      description: 'Also pass every record on through the steps after this one (by default the step keeps them: only timeouts come out).',
    },
  },
} as const satisfies JSONSchema;

type TimeoutConfig = FromSchema<typeof spec>;

/** What a pending timer keeps: the record that started it. */
interface PendingTimeout {
  message: HeldMessage;
}

/**
 * Notices an event that did not happen: the first record of a key starts a timer due `after` its
 * event time (or at the instant `after` gives); a later record of the key meeting `until` cancels
 * it; when the watermark reaches it, the record that started it goes to `then` with the
 * `crm-hub-timeout-*` headers. A record that does not cancel while a timer is pending changes
 * nothing: the timer runs from the first record. A cancellation is remembered (for `after`, or until
 * the cancelled timer's due time) so that an older record arriving after it starts nothing.
 */
export const timeoutStep = defineStep<TimeoutConfig>({
  type: 'timeout',
  description:
    'Sends the record that started a timer (per key, due after a duration or at an instant) to `then` unless a record meeting `until` cancels it first.',
  spec,
  compile(config, context) {
    const key = compileStepExpression(context, ['key'], config.key);
    const until = compileStepExpression(context, ['until'], config.until);
    const due = withTimeoutCalendar(context, ['calendar'], config.calendar, compileTimeoutDue(context, ['after'], config.after));
    const eventTime = compileEventTime(context, ['eventTime'], config.eventTime);
    const destinations: FlowDestination[] | undefined =
      config.then === 'continue'
        ? undefined
        : stepDestinations(
            (config.then as { to: StepDestinationConfig | StepDestinationConfig[] }).to,
            ['then', 'to'],
            context,
            context.inputType,
          );
    const passThrough = config.passThrough ?? spec.properties.passThrough.default;
    const label = context.path.join('.');
    const state = context.keyedState();
    const passed = (message: FlowMessage): FlowMessage[] => (passThrough ? [message] : []);

    return {
      outputType: context.inputType,
      partitionBy: (message) => key.evaluate(message.value),
      run: (message) =>
        whenReady(key.evaluate(message.value), (value) => {
          // A record that cannot be timed fails (FLOW_KEY_MISSING, a dead letter) rather than vanish.
          const timerKey = keyText(value, 'timeout key');
          return whenReady(eventTime(message, state), (at) => {
            state.observe(at);
            return whenReady(until.evaluate(message.value), (verdict) => {
              const pending = state.timer(timerKey);
              const cancelledAt = state.get<number>(timerKey);
              if (expressionTruth(verdict)) {
                // Too late to cancel: the event came after the timer was due, which is what the timeout reports.
                if (pending && at <= pending.dueAt) state.cancel(timerKey);
                const remembered = Math.max(cancelledAt ?? at, at);
                const forgetAt = due.afterFrom(remembered) ?? remembered + Math.max(0, (pending?.dueAt ?? remembered) - remembered);
                state.put(timerKey, remembered, forgetAt);
                return passed(message);
              }
              if (pending || (cancelledAt !== undefined && at <= cancelledAt)) return passed(message);
              return whenReady(due.dueAt(message, at), (dueAt) => {
                state.schedule(timerKey, dueAt, { message: heldMessage(message) } satisfies PendingTimeout);
                return passed(message);
              });
            });
          });
        }),
      onTimer: (timer) => {
        const pending = timer.payload as PendingTimeout | null;
        if (!pending?.message) return [];
        const held = pending.message;
        const out: FlowMessage = {
          ...releasedMessage(held),
          headers: {
            ...held.headers,
            [EVENT_ID_HEADER]: nameBasedUuid([context.flowName, label, 'timeout', timer.id, String(timer.dueAt)].join('\n')),
            [TIMEOUT_AFTER_HEADER]: config.after,
            [TIMEOUT_DUE_HEADER]: new Date(timer.dueAt).toISOString(),
          },
        };
        return destinations ? [{ ...out, final: true, destinations }] : [out];
      },
    };
  },
});
