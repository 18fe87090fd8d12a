import type avro from 'avsc';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { describeError } from '../../core/hub-error.js';
import { whenReady, type MaybePromise } from '../../core/maybe-promise.js';
import { nameBasedUuid } from '../../core/name-based-uuid.js';
import type { FlowDestination, FlowMessage } from '../flow-message.js';
import type { FiredTimer, StepCompileContext } from '../flow-step.js';
import { FlowTopics } from '../flow-topics.js';
import { compileEventTime } from './event-time.js';
import { defineStep } from './define-step.js';
import { EVENT_ID_HEADER, heldMessage, recordIdentity, releasedMessage, type HeldMessage } from './held-message.js';
import { JoinBuffer, isWaitTimer, type JoinSide, type WaitingRecord } from './join-buffer.js';
import { joinedRecordType } from './joined-record-type.js';
import { keyText } from './key-text.js';
import { stepDestinations, stepDestinationsSchema, type StepDestinationConfig } from './step-destinations.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

/** The header on a this-side record sent to `onTimeout`: the `within` it found no match in. */
export const JOIN_WITHIN_HEADER = 'crm-hub-join-within';

const expression = { type: 'string', minLength: 1 } as const;

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['with', 'on', 'within', 'as', 'onTimeout'],
  properties: {
    with: { type: 'string', minLength: 1, description: "The other topic (declared in schemas/topics.json or the flow's topics:)." },
    on: {
      type: 'object',
      additionalProperties: false,
      required: ['this', 'other'],
      description: 'The join key: a JSONata expression on each side; records whose keys are equal are joined.',
      properties: {
        this: { ...expression, description: "On the flow's messages, e.g. ticketNumber." },
        other: { ...expression, description: 'On the records of the `with` topic, e.g. reference.' },
      },
    },
    within: {
      type: 'string',
      minLength: 1,
      description: 'How far apart (event time) two records may be to be joined, either coming first, e.g. 48h.',
    },
    as: { type: 'string', minLength: 1, description: "The field of the output that holds the other side's record." },
    maxPerKey: {
      type: 'integer',
      minimum: 1,
      maximum: 100_000,
      default: 1000,
      description: 'How many records of one side may wait under one key; one more is a dead letter JOIN_BUFFER_FULL.',
    },
    onTimeout: {
      description:
        'What becomes of a record of the flow with no match within the bound: { to } sends it there as it came; continue passes it on with `as` null (a left join); drop forgets it.',
      anyOf: [
        { type: 'object', additionalProperties: false, required: ['to'], properties: { to: stepDestinationsSchema } },
        { enum: ['continue', 'drop'] },
      ],
    },
    eventTime: {
      description: 'When each record happened: one JSONata expression for both sides, or { this, other }; default meta.occurredAt.',
      anyOf: [expression, { type: 'object', additionalProperties: false, properties: { this: expression, other: expression } }],
    },
  },
} as const satisfies JSONSchema;

type JoinConfig = FromSchema<typeof spec>;

/**
 * Joins the flow's messages with the records of another topic whose key is equal and whose event
 * time is at most `within` apart, whichever comes first: each record waits in the step's state
 * (per key and side, at most `maxPerKey`) until the watermark passes its event time + `within`;
 * each pair is joined once, when the second of the two arrives. The output is the flow's message
 * with the other record in the field `as`, keyed and identified like it. A message of the flow
 * that found no match by then goes to `onTimeout`; a record of the other side is forgotten.
 */
export const joinStep = defineStep<JoinConfig>({
  type: 'join',
  description:
    'Joins each message with the records of another topic with an equal key whose event time is within a bound (either first); unmatched messages go to onTimeout.',
  spec,
  compile(config, context) {
    const topics = context.topics ?? new FlowTopics(context.schemas);
    const declared = topics.get(config.with);
    if (!declared) context.report(['with'], 'TOPIC_UNKNOWN', topics.undeclaredMessage(config.with));
    const otherType = declared ? context.schemas.type(declared.record) : undefined;
    const otherContext: StepCompileContext = { ...context, inputType: otherType };
    const thisKey = compileStepExpression(context, ['on', 'this'], config.on.this);
    const otherKey = compileStepExpression(context, ['on', 'other'], config.on.other, { inputType: otherType });
    const keyOf: Record<JoinSide, (message: FlowMessage) => MaybePromise<unknown>> = {
      this: (message) => thisKey.evaluate(message.value),
      other: (message) => otherKey.evaluate(message.value),
    };
    const eventTimeText = (side: JoinSide) => (typeof config.eventTime === 'object' ? config.eventTime[side] : config.eventTime);
    const eventTimePath = (side: JoinSide) => (typeof config.eventTime === 'object' ? ['eventTime', side] : ['eventTime']);
    const eventTimeOf = {
      this: compileEventTime(context, eventTimePath('this'), eventTimeText('this')),
      other: compileEventTime(otherContext, eventTimePath('other'), eventTimeText('other')),
    };
    let withinMs = 0;
    try {
      withinMs = parseDuration(config.within, 'within');
    } catch (error) {
      context.report(['within'], 'VALUE_INVALID', describeError(error).message);
    }
    const maxPerKey = config.maxPerKey ?? spec.properties.maxPerKey.default;
    const onTimeout = unmatchedHandling(config.onTimeout, context, context.inputType);
    const label = context.path.join('.');
    const state = context.keyedState();
    const buffer = new JoinBuffer(state);
    const idOf = (...parts: string[]) => nameBasedUuid([context.flowName, label, ...parts].join('\n'));

    const joined = (key: string, own: HeldMessage, ownId: string, other: Record<string, unknown>, otherId: string): FlowMessage => ({
      ...releasedMessage(own),
      value: { ...own.value, [config.as]: other },
      headers: { ...own.headers, [EVENT_ID_HEADER]: idOf('joined', key, ownId, otherId) },
      schemaName: undefined,
    });
    const unmatched = (key: string | null, own: HeldMessage, ownId: string): FlowMessage[] => {
      if (onTimeout.mode === 'drop') return [];
      const message = releasedMessage(own);
      const headers = {
        ...own.headers,
        [EVENT_ID_HEADER]: idOf('unmatched', key ?? '', ownId),
        [JOIN_WITHIN_HEADER]: formatDuration(withinMs),
      };
      if (onTimeout.mode === 'continue')
        return [{ ...message, value: { ...own.value, [config.as]: null }, headers, schemaName: undefined }];
      return [{ ...message, headers, final: true, destinations: onTimeout.destinations }];
    };

    const arrive = (side: JoinSide, message: FlowMessage) =>
      whenReady(keyOf[side](message), (keyValue) => {
        const id = recordIdentity(message);
        // Without a key nothing can match it: a message of the flow is unmatched at once, a record of the other side forgotten.
        if (keyValue === undefined || keyValue === null) return side === 'this' ? unmatched(null, heldMessage(message), id) : [];
        const key = keyText(keyValue, `join on.${side}`);
        return whenReady(eventTimeOf[side](message, state), (at) => {
          state.observe(at);
          const waiting = buffer.waiting(side, key);
          // The same record again (its source sent it twice): its pairs were made the first time.
          if (waiting.some((entry) => entry.id === id)) return [];
          if (waiting.length >= maxPerKey)
            throw new StepMessageError(
              'JOIN_BUFFER_FULL',
              `join: ${maxPerKey} records of ${side === 'this' ? 'the flow' : config.with} already wait under this key (maxPerKey); this one is not joined`,
            );
          const opposite: JoinSide = side === 'this' ? 'other' : 'this';
          const outputs: FlowMessage[] = [];
          const matchedThis = new Set<string>();
          for (const candidate of buffer.waiting(opposite, key)) {
            if (Math.abs(candidate.at - at) > withinMs) continue;
            const held = buffer.record(opposite, key, candidate.id);
            if (!held) continue;
            if (side === 'this') outputs.push(joined(key, heldMessage(message), id, held.value, candidate.id));
            else {
              outputs.push(joined(key, held, candidate.id, message.value, id));
              matchedThis.add(candidate.id);
            }
          }
          buffer.markMatched(key, matchedThis);
          const entry: WaitingRecord = { id, at, ...(side === 'this' && outputs.length > 0 ? { matched: true as const } : {}) };
          buffer.add(side, key, entry, heldMessage(message), at + withinMs);
          return outputs;
        });
      });

    return {
      outputType: joinedRecordType(context.inputType, otherType, config.as, onTimeout.mode === 'continue'),
      sideInputs: [config.with],
      partitionBy: keyOf.this,
      sidePartitionBy: keyOf.other,
      run: (message) => arrive('this', message),
      runSide: (message) => arrive('other', message),
      onTimer: (timer: FiredTimer) => {
        if (!isWaitTimer(timer.payload)) return [];
        const removed = buffer.remove(timer.payload);
        if (!removed || timer.payload.side === 'other' || removed.entry.matched) return [];
        return unmatched(timer.payload.key, removed.message, removed.entry.id);
      },
    };
  },
});

type UnmatchedHandling = { mode: 'drop' } | { mode: 'continue' } | { mode: 'send'; destinations: FlowDestination[] };

function unmatchedHandling(
  value: JoinConfig['onTimeout'],
  context: StepCompileContext,
  messageType: avro.Type | undefined,
): UnmatchedHandling {
  if (value === 'drop') return { mode: 'drop' };
  if (value === 'continue') return { mode: 'continue' };
  const to = (value as { to: StepDestinationConfig | StepDestinationConfig[] }).to;
  return { mode: 'send', destinations: stepDestinations(to, ['onTimeout', 'to'], context, messageType) };
}
