import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { formatConfigPath } from '../../platform/config/config-issue.js';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { whenReady } from '../../core/maybe-promise.js';
import { compileStepExpression } from './step-expression.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1, description: 'A JSONata expression identifying a message, e.g. meta.eventId.' },
    windowSeconds: {
      type: 'integer',
      minimum: 1,
      default: 3600,
      description: 'How long after a key was first seen a message with the same key is dropped.',
    },
  },
} as const satisfies JSONSchema;

/** What the state keeps per key: when the key was first let through. */
interface SeenEntry {
  at: number;
}

/**
 * Drops a message whose key was already let through within the window (a source that resends, a
 * webhook retried by its sender). The keys live in the flow's durable state (`state('dedupe')`),
 * so a restart does not let duplicates through; a message without a key value is never a
 * duplicate. The window runs from the first message of a key: a key repeated forever passes once
 * per window.
 *
 * The key is recorded before the message goes on. The runtime must therefore apply a message's
 * state changes only once the message is done (produced or dead-lettered) and discard them when it
 * is retried, or a retried message would be dropped as a duplicate of itself.
 */
export const dedupeStep = defineStep<FromSchema<typeof spec>>({
  type: 'dedupe',
  description: 'Drops messages whose key (a JSONata expression) was seen within a time window; the seen keys survive restarts.',
  spec,
  compile(config, context) {
    const key = compileStepExpression(context, ['key'], config.key);
    const windowMs = (config.windowSeconds ?? spec.properties.windowSeconds.default) * 1000;
    const store = context.state('dedupe');
    // Two dedupe steps of one flow share the state: each keeps its keys under its own position.
    const prefix = `${formatConfigPath(context.path)}:`;
    return {
      outputType: context.inputType,
      run: (message) =>
        whenReady(key.evaluate(message.value), async (value) => {
          if (value === undefined || value === null) return [message];
          const stateKey = prefix + keyText(value, 'dedupe key');
          const now = Date.now();
          const seen = store.get(stateKey) as SeenEntry | undefined;
          if (seen && typeof seen.at === 'number' && now - seen.at < windowMs) return [];
          const entry: SeenEntry = { at: now };
          await store.put(stateKey, entry);
          return [message];
        }),
    };
  },
});
