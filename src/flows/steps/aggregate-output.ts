import type avro from 'avsc';
import { nameBasedUuid } from '../../core/name-based-uuid.js';
import { HEADER } from '../../platform/headers/record-headers.js';
import type { FlowMessage } from '../flow-message.js';
import type { WindowAccumulators } from '../aggregate/window-accumulators.js';
import { windowIdentity, windowName, type TimeWindow } from '../time/time-window.js';
import { fitToRecord } from './record-fit.js';
import { StepMessageError } from './step-message-error.js';

/** The id stateful steps (aggregate, join, timeout) give what they emit, derived from what it is about, so that a repeat after a crash can be dropped. */
export const EMITTED_EVENT_ID_HEADER = 'crm-hub-event-id';
/** `true` on the record a window gives when it closes, `false` on an update (`emit: every`). */
export const WINDOW_FINAL_HEADER = 'crm-hub-window-final';
/** The window a record is about, as an ISO interval (`2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z`). */
export const WINDOW_HEADER = 'crm-hub-window';

/** What the records of an aggregate step are made of, decided at compile time. */
export interface WindowOutputPlan {
  readonly flowName: string;
  /** The step as dead letters name it, `steps[2].aggregate`: with the flow, it keeps two steps' ids apart. */
  readonly stepLabel: string;
  /** The output field holding the group value: groupBy when it is a plain field name, else `key`. */
  readonly groupField: string;
  /** The record given as `schema:`: the output is fitted to it and checked. */
  readonly record?: avro.types.RecordType;
  /** Whether the record has a canonical `meta` (crmhub.common.EventMetadata), filled in by the step. */
  readonly fillMeta: boolean;
}

/**
 * The record one window of one group gives: `windowStart`, `windowEnd` (ISO text), the group value
 * and each measure by its name, keyed by the group key. Its ids derive from the window's identity,
 * so a window emitted again after a crash carries the same `crm-hub-event-id` (and `event-id`) as before: the final record
 * `<flow>/<step>/<window identity>/final`, an update `…/update-<n>` (n from 1 in each window), and
 * the `correlation-id` shared by all records of the window. With `schema:`, a record that does not
 * fit it fails (AGGREGATE_OUTPUT_INVALID, naming fields, never values).
 */
export function windowOutput(
  plan: WindowOutputPlan,
  window: TimeWindow,
  groupKey: string,
  accumulators: WindowAccumulators,
  final: boolean,
): FlowMessage {
  const identity = `${plan.flowName}/${plan.stepLabel}/${windowIdentity(window, groupKey)}`;
  const eventId = nameBasedUuid(`${identity}/${final ? 'final' : `update-${accumulators.updates}`}`);
  const correlationId = nameBasedUuid(identity);
  const eventType = final ? 'WindowClosed' : 'WindowUpdated';
  const windowStart = new Date(window.start).toISOString();
  const windowEnd = new Date(window.end).toISOString();
  const built: Record<string, unknown> = {};
  if (plan.fillMeta)
    built.meta = { eventId, eventType, sourceSystem: 'crm-hub', occurredAt: windowEnd, correlationId } satisfies Record<string, string>;
  Object.assign(built, { windowStart, windowEnd, [plan.groupField]: accumulators.group }, accumulators.results());
  const headers = {
    [EMITTED_EVENT_ID_HEADER]: eventId,
    // The hub-wide event id too, which the runner would otherwise make up anew on each emission.
    [HEADER.eventId]: eventId,
    [HEADER.correlationId]: correlationId,
    [HEADER.eventType]: eventType,
    [WINDOW_HEADER]: windowName(window),
    [WINDOW_FINAL_HEADER]: String(final),
  };
  const message: FlowMessage = { key: groupKey, value: built, headers, topic: accumulators.topic };
  if (!plan.record) return message;
  const fitted = fitToRecord(plan.record, built);
  if (fitted.problems.length > 0)
    throw new StepMessageError(
      'AGGREGATE_OUTPUT_INVALID',
      `the record of window ${windowName(window)} does not fit ${plan.record.name}: ${fitted.problems.join('; ')}`,
    );
  return { ...message, value: fitted.value, schemaName: plan.record.name };
}
