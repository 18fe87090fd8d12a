import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { parseDuration } from '../../core/duration.js';
import { describeError } from '../../core/hub-error.js';
import { whenReady } from '../../core/maybe-promise.js';
import { compileEventTime } from './event-time.js';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { compileStepExpression } from './step-expression.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1, description: 'A JSONata expression identifying a message, e.g. meta.eventId.' },
    window: {
      type: 'string',
      pattern: '^\\d{1,6}(ms|s|m|h|d)$',
      description: 'How long (event time) after a key was first seen a message with the same key is dropped, e.g. 1h, 7d. Default 1h.',
    },
    windowSeconds: {
      type: 'integer',
      minimum: 1,
      description: 'The window in seconds (the older spelling of `window`).',
    },
    eventTime: {
      type: 'string',
      minLength: 1,
      description: 'A JSONata expression giving when the event happened; default meta.occurredAt.',
    },
  },
} as const satisfies JSONSchema;

/**
 * Drops a message whose key was already let through within the window (a source that resends, a
 * webhook retried by its sender). The window runs on event time from the first message of a key:
 * the key is kept with an expiry at first-seen + window and tombstoned once the partition's
 * watermark passes it, so keys do not pile up forever. A message without a key value is never a
 * duplicate. The flow hands the step its messages partitioned by their message key (by the dedupe
 * key when they have none), so two hub processes never hold the same key, a rebalance moves a key
 * with its partition, and two copies of an event are caught when they carry the same message key.
 */
export const dedupeStep = defineStep<FromSchema<typeof spec>>({
  type: 'dedupe',
  description:
    'Drops messages whose key (a JSONata expression) was seen within a time window (event time); the seen keys survive restarts.',
  spec,
  compile(config, context) {
    const key = compileStepExpression(context, ['key'], config.key);
    const eventTime = compileEventTime(context, ['eventTime'], config.eventTime);
    let windowMs = 3_600_000;
    if (config.window !== undefined) {
      try {
        windowMs = parseDuration(config.window, 'window');
      } catch (error) {
        context.report(['window'], 'VALUE_INVALID', describeError(error).message);
      }
    } else if (config.windowSeconds !== undefined) windowMs = config.windowSeconds * 1000;
    if (config.window !== undefined && config.windowSeconds !== undefined)
      context.report(['windowSeconds'], 'VALUE_INVALID', 'give the window once: window (e.g. 1h) or windowSeconds, not both');
    const state = context.keyedState();
    return {
      outputType: context.inputType,
      // By the message's own key when it has one: a resent event carries its key again, and the
      // messages of one key keep their order through the repartition topic (a warehouse applying
      // customer changes must not get an older one last). Keyless messages go by the dedupe key.
      partitionBy: (message) => message.key ?? key.evaluate(message.value),
      partitionedByMessageKey: true,
      run: (message) =>
        whenReady(key.evaluate(message.value), (value) => {
          if (value === undefined || value === null) return [message];
          const stateKey = keyText(value, 'dedupe key');
          return whenReady(eventTime(message, state), (at) => {
            state.observe(at);
            const firstSeen = state.get<number>(stateKey);
            if (typeof firstSeen === 'number' && at >= firstSeen && at < firstSeen + windowMs) return [];
            if (typeof firstSeen === 'number' && at < firstSeen) {
              // A copy older than the one kept: within a window of it, a duplicate of an event already
              // passed on; further back, passed on without moving the kept key back (it would expire early).
              return at + windowMs > firstSeen ? [] : [message];
            }
            state.put(stateKey, at, at + windowMs);
            return [message];
          });
        }),
    };
  },
});
