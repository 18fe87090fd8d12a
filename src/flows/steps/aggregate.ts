import type { JSONSchema } from 'json-schema-to-ts';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { ConfigError, describeError } from '../../core/hub-error.js';
import { allReady, whenReady } from '../../core/maybe-promise.js';
import { WindowAccumulators } from '../aggregate/window-accumulators.js';
import type { FlowMessage } from '../flow-message.js';
import type { KeyedStepState } from '../flow-step.js';
import { compileEventTime } from './event-time.js';
import { applySessionAssignment, assignSession } from '../time/session-windows.js';
import { parseWindowIdentity, windowIdentity, windowName, type TimeWindow } from '../time/time-window.js';
import { fixedWindowsOf } from '../time/window-assignment.js';
import { parseWindowDefinition, type WindowConfig, type WindowDefinition } from '../time/window-definition.js';
import { judgeRecord, windowClosesAt } from '../time/window-lateness.js';
import { compileMeasures, type MeasureConfig } from './aggregate-measures.js';
import { windowOutput, type WindowOutputPlan } from './aggregate-output.js';
import { resolveOutputRecord } from './aggregate-output-schema.js';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

const expression = { type: 'string', minLength: 1 } as const;
const duration = { type: 'string', minLength: 1, description: 'A duration: 30s, 30m, 2h, 1d.' } as const;
const zone = {
  type: 'string',
  minLength: 1,
  description: 'Align the windows to midnight (or the hour) at this fixed UTC offset, e.g. +08:00 for Beijing days; default UTC.',
} as const;
const fieldOf = (what: string) => ({ ...expression, description: `A JSONata expression on the record giving the value ${what}.` });

const measureSpec = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  description: 'One measure: exactly one of its kinds.',
  properties: {
    count: { const: true, description: 'The number of records in the window.' },
    sum: fieldOf('to add up (exact decimals)'),
    min: fieldOf('of which the smallest is kept'),
    max: fieldOf('of which the largest is kept'),
    avg: fieldOf('to average'),
    percentile: {
      type: 'object',
      additionalProperties: false,
      required: ['of', 'p'],
      properties: {
        of: fieldOf('to rank'),
        p: { type: 'number', description: 'The rank as a fraction strictly between 0 and 1: 0.9 for the 90th percentile.' },
      },
      description: 'The value at rank p, within 1 % of the exact one (DDSketch).',
    },
    countDistinct: fieldOf('of which the different ones are counted (exact to 1,000, then HyperLogLog ≈ 1.6 %)'),
    last: fieldOf('of the record with the latest event time'),
  },
} as const satisfies JSONSchema;

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['groupBy', 'window', 'measures'],
  properties: {
    groupBy: {
      ...expression,
      description: 'A JSONata expression giving the group key, e.g. dealerCode; a record without one is a dead letter.',
    },
    window: {
      description:
        'The windows of event time, aligned to UTC unless a zone says: { tumbling: 1d, zone: "+08:00" }, { hopping: 1h, advance: 5m } or { session: 30m }.',
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['tumbling'], properties: { tumbling: duration, zone } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['hopping', 'advance'],
          properties: { hopping: duration, advance: duration, zone },
        },
        { type: 'object', additionalProperties: false, required: ['session'], properties: { session: duration } },
      ],
    },
    eventTime: { ...expression, description: 'A JSONata expression giving when the event happened; default meta.occurredAt.' },
    grace: {
      ...duration,
      description:
        'How long after its end a window still takes late records (default 0); a record later than that is a dead letter LATE_RECORD.',
    },
    measures: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: measureSpec,
      description: 'Output field → measure: count, sum, min, max, avg, percentile, countDistinct or last.',
    },
    emit: {
      enum: ['final', 'every'],
      default: 'final',
      description: 'final: one record per window and group when the window closes; every: also an update record on each record.',
    },
    schema: {
      type: 'string',
      minLength: 1,
      description: 'The Avro record of the output (checked when the flow is checked, and per window).',
    },
  },
} as const satisfies JSONSchema;

interface AggregateConfig {
  groupBy: string;
  window: WindowConfig;
  eventTime?: string;
  grace?: string;
  measures: Record<string, MeasureConfig>;
  emit?: 'final' | 'every';
  schema?: string;
}

/** A group value: what keyText accepts, kept with its type for the output record. */
type GroupValue = string | number | boolean;

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Measures over windows of event time per group (complaints per dealer per day, the p90 wait for
 * parts per hour). The flow hands the step its records partitioned by the group key; each open
 * window of each group is one state key holding its accumulators, and one timer at window end +
 * grace. When the partition's watermark reaches it, the window's record is emitted once and its
 * state deleted. A record for a window that has closed is a dead letter LATE_RECORD naming the
 * window, never dropped silently. See flows/README.md, "aggregate".
 */
export const aggregateStep = defineStep<AggregateConfig>({
  type: 'aggregate',
  description:
    'Computes measures (count, sum, min, max, avg, percentile, countDistinct, last) per group over tumbling, hopping or session windows of event time; late records beyond grace are dead letters.',
  spec,
  compile(config, context) {
    const groupBy = compileStepExpression(context, ['groupBy'], config.groupBy);
    const eventTime = compileEventTime(context, ['eventTime'], config.eventTime);
    const measures = compileMeasures(context, config.measures);
    const window = readWindow(config.window, (code, message) => context.report(['window'], code, message));
    let graceMs = 0;
    if (config.grace !== undefined) {
      try {
        graceMs = parseDuration(config.grace, 'grace');
      } catch (error) {
        context.report(['grace'], 'VALUE_INVALID', describeError(error).message);
      }
    }
    const groupField = PLAIN_FIELD.test(config.groupBy) ? config.groupBy : 'key';
    const output = config.schema === undefined ? undefined : resolveOutputRecord(context, config.schema, groupField, measures);
    const reserved = ['windowStart', 'windowEnd', groupField, ...(output?.fillMeta ? ['meta'] : [])];
    for (const measure of measures)
      if (reserved.includes(measure.name))
        context.report(
          ['measures', measure.name],
          'NAME_DUPLICATE',
          `measure ${measure.name} would overwrite the output field ${measure.name} (${measure.name === groupField ? 'the group value' : 'the window'}); name it otherwise`,
        );
    const plan: WindowOutputPlan = {
      flowName: context.flowName,
      stepLabel: `${context.path[0]}[${context.path[1]}].${context.path[2]}`,
      groupField,
      ...(output ? { record: output.record, fillMeta: output.fillMeta } : { fillMeta: false }),
    };
    const state = context.keyedState();
    const every = config.emit === 'every';
    const bySession = window?.kind === 'session';

    const openWindow = (identity: string, group: GroupValue, topic: string): WindowAccumulators => {
      const stored = state.get(identity);
      return stored === undefined ? WindowAccumulators.create(measures, group, topic) : WindowAccumulators.read(measures, stored, identity);
    };

    /** Adds a record at `at` to its windows (their state read, added to, written back, timers set); the updates with `emit: every`. */
    const aggregate = (message: FlowMessage, group: GroupValue, groupKey: string, at: number, values: unknown[]): FlowMessage[] => {
      // A window option with problems was reported: the flow does not start, so this only guards a direct call.
      if (!window) throw new ConfigError('WINDOW_INVALID', 'the window option has problems and the step cannot run');
      const definition = window;
      const watermark = state.watermark();
      const placed =
        definition.kind === 'session'
          ? placeInSession(state, groupKey, at, definition.gapMs)
          : { windows: fixedWindowsOf(definition, at), merged: [], sessions: undefined };
      const verdict = judgeRecord(placed.windows, watermark, graceMs);
      if (verdict.late.length > 0) throw lateRecord(at, verdict.late, verdict.open.length, watermark!, graceMs);
      // Everything is read and added before anything is written: a value a measure refuses leaves no window changed.
      const windows = placed.windows.map((window) => {
        const identity = windowIdentity(window, groupKey);
        const accumulators = openWindow(identity, group, message.topic);
        for (const gone of placed.merged) accumulators.merge(openWindow(windowIdentity(gone, groupKey), group, message.topic));
        accumulators.add(values, at);
        return { window, identity, accumulators };
      });
      const updates = every
        ? windows.map(({ window, accumulators }) => {
            accumulators.updates += 1;
            return windowOutput(plan, window, groupKey, accumulators, false);
          })
        : [];
      for (const gone of placed.merged) {
        const identity = windowIdentity(gone, groupKey);
        state.delete(identity);
        state.cancel(identity);
      }
      for (const { window, identity, accumulators } of windows) {
        state.put(identity, accumulators.toStored());
        const closesAt = windowClosesAt(window, graceMs);
        if (state.timer(identity)?.dueAt !== closesAt) state.schedule(identity, closesAt);
      }
      if (placed.sessions)
        state.put(
          sessionsKey(groupKey),
          placed.sessions.map(({ start, end }) => [start, end]),
        );
      state.observe(at);
      return updates;
    };

    return {
      outputType: output?.record,
      partitionBy: (message) => groupBy.evaluate(message.value),
      run: (message) =>
        whenReady(groupBy.evaluate(message.value), (groupValue) => {
          if (groupValue === undefined || groupValue === null)
            throw new StepMessageError('GROUP_KEY_MISSING', `groupBy ${config.groupBy} gave no value: the record belongs to no group`);
          const groupKey = keyText(groupValue, 'groupBy');
          return whenReady(eventTime(message, state), (at) =>
            whenReady(allReady(measures.map((measure) => (measure.of ? measure.of.evaluate(message.value) : undefined))), (values) =>
              aggregate(message, groupValue as GroupValue, groupKey, at, values),
            ),
          );
        }),
      onTimer: (timer) => {
        const { window, groupKey } = parseWindowIdentity(timer.id);
        const stored = state.get(timer.id);
        if (stored === undefined) return [];
        // Deleted first: a window whose record cannot be made (it does not fit the schema) must not stay behind without a timer.
        state.delete(timer.id);
        if (bySession) closeSession(state, groupKey, window);
        return [windowOutput(plan, window, groupKey, WindowAccumulators.read(measures, stored, timer.id), true)];
      },
    };
  },
});

/**
 * The most hopping windows one record may count in (size / advance). Each is a state read and
 * write per record and an open window per group, so `{ hopping: 1d, advance: 1s }` would have every
 * record touch 86,400 windows and hold the partition; 1,000 allows a day advancing every 2 minutes.
 */
export const MAX_WINDOWS_PER_RECORD = 1000;

function readWindow(config: WindowConfig, report: (code: string, message: string) => void): WindowDefinition | undefined {
  let window: WindowDefinition;
  try {
    window = parseWindowDefinition(config, 'window');
  } catch (error) {
    report('VALUE_INVALID', describeError(error).message);
    return undefined;
  }
  if (window.kind === 'hopping' && Math.ceil(window.sizeMs / window.advanceMs) > MAX_WINDOWS_PER_RECORD) {
    report(
      'VALUE_INVALID',
      `a ${formatDuration(window.sizeMs)} window advancing every ${formatDuration(window.advanceMs)} counts each record in ${Math.ceil(window.sizeMs / window.advanceMs)} windows; at most ${MAX_WINDOWS_PER_RECORD}: advance further`,
    );
    return undefined;
  }
  return window;
}

/** The state key listing a group's open sessions (`[start, end]` pairs), next to each session's own key. */
function sessionsKey(groupKey: string): string {
  return `sessions ${groupKey}`;
}

function openSessions(state: KeyedStepState, groupKey: string): TimeWindow[] {
  const stored = state.get<unknown>(sessionsKey(groupKey));
  if (!Array.isArray(stored)) return [];
  return stored
    .filter((pair): pair is [number, number] => Array.isArray(pair) && Number.isSafeInteger(pair[0]) && Number.isSafeInteger(pair[1]))
    .map(([start, end]) => ({ start, end }));
}

/** The session a record at `at` goes to, the sessions it merges, and the group's open sessions afterwards. */
function placeInSession(
  state: KeyedStepState,
  groupKey: string,
  at: number,
  gapMs: number,
): { windows: TimeWindow[]; merged: readonly TimeWindow[]; sessions: TimeWindow[] | undefined } {
  const sessions = openSessions(state, groupKey);
  const assignment = assignSession(sessions, at, gapMs);
  const grew = !sessions.some((session) => session.start === assignment.window.start && session.end === assignment.window.end);
  return {
    windows: [assignment.window],
    merged: assignment.merged,
    sessions: grew ? applySessionAssignment(sessions, assignment) : undefined,
  };
}

/** Takes an emitted session out of its group's list; the list goes when it is empty. */
function closeSession(state: KeyedStepState, groupKey: string, window: TimeWindow): void {
  const left = openSessions(state, groupKey).filter((session) => session.start !== window.start || session.end !== window.end);
  if (left.length === 0) state.delete(sessionsKey(groupKey));
  else
    state.put(
      sessionsKey(groupKey),
      left.map(({ start, end }) => [start, end]),
    );
}

/** LATE_RECORD naming the window that closed last of those the record missed, and how far past its close the watermark was. */
function lateRecord(at: number, late: readonly TimeWindow[], openCount: number, watermark: number, graceMs: number): StepMessageError {
  const latest = late.reduce((a, b) => (b.end > a.end ? b : a));
  const closedAt = windowClosesAt(latest, graceMs);
  const others = late.length > 1 ? ` (and ${late.length - 1} earlier window${late.length > 2 ? 's' : ''})` : '';
  const notCounted = openCount > 0 ? `; not counted in its ${openCount} open window${openCount > 1 ? 's' : ''} either` : '';
  return new StepMessageError(
    'LATE_RECORD',
    `record at ${new Date(at).toISOString()} is late for window ${windowName(latest)}${others}: it closed at ${new Date(closedAt).toISOString()} ` +
      `(end + grace ${formatDuration(graceMs)}) and the watermark is ${formatDuration(watermark - closedAt)} past that${notCounted}`,
  );
}
