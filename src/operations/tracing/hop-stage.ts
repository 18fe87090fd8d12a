import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';
import { maskPersonalPatterns } from '../../platform/observability/pii-masking.js';
import { DEAD_LETTER_HEADER } from '../../platform/headers/dead-letter-headers.js';
import { HEADER } from '../../platform/headers/record-headers.js';

export type HopStageKind = 'source' | 'flow' | 'sink' | 'customer-view' | 'replay' | 'dead-letter';

/** Why a record was dead-lettered, as its dead-letter headers say (the message masked: it may quote a value). */
export interface DeadLetterReason {
  code: string;
  message: string;
  retriable: boolean;
  attempts?: number;
  /** The flow step that failed (`steps[1].validate`), or `decode`. */
  step?: string;
  originalTopic?: string;
  failedAt?: string;
}

/** Which part of the hub wrote a record. */
export interface HopStage {
  kind: HopStageKind;
  /** The flow, the sink instance, the source system or the replay; for a dead letter who failed it (`flow:<name>`, `connector:<instance>`). */
  name?: string;
  reason?: DeadLetterReason;
}

// `hub-stage` values a writer may give (`<kind>:<name>`); a dead letter is told by its own headers instead.
const DERIVING_KINDS: ReadonlySet<string> = new Set<HopStageKind>(['source', 'flow', 'sink', 'customer-view', 'replay']);
const CUSTOMER_VIEW_SYSTEM = 'crm-hub';
const CONNECTOR_INPUT = /^connector\.(.+)\.in$/;

/**
 * Tells from a record's headers which stage wrote it. A dead letter keeps the failed record's
 * headers beside its own, so the dead-letter headers decide first; then the stage a flow or sink
 * names in `hub-stage`; records the customer view derives say `source-system: crm-hub`; only flows
 * write to a sink's input topic; anything else came in from a source system.
 */
export function stageOf(topic: string, headers: RecordHeaders): HopStage {
  const failedBy = headers[DEAD_LETTER_HEADER.stage];
  if (failedBy !== undefined) return { kind: 'dead-letter', name: failedBy, reason: deadLetterReason(headers) };
  const stage = headers[HEADER.stage];
  const separator = stage?.indexOf(':') ?? -1;
  if (stage !== undefined && separator > 0 && DERIVING_KINDS.has(stage.slice(0, separator))) {
    return { kind: stage.slice(0, separator) as HopStageKind, name: stage.slice(separator + 1) || undefined };
  }
  if (headers[HEADER.sourceSystem] === CUSTOMER_VIEW_SYSTEM) return { kind: 'customer-view' };
  if (CONNECTOR_INPUT.test(topic)) return { kind: 'flow' };
  const system = headers[HEADER.sourceSystem];
  return system === undefined ? { kind: 'source' } : { kind: 'source', name: system };
}

/** One line for people: `source crm`, `flow vip-customers`, `dead letter (flow:vip-customers steps[1].validate) FLOW_VALIDATION_FAILED: …`. */
export function describeStage(stage: HopStage): string {
  if (stage.kind !== 'dead-letter')
    return [stage.kind === 'customer-view' ? 'customer view' : stage.kind, stage.name].filter(Boolean).join(' ');
  const reason = stage.reason;
  const where = [stage.name, reason?.step].filter(Boolean).join(' ');
  return `dead letter${where ? ` (${where})` : ''}${reason ? ` ${reason.code}: ${reason.message}` : ''}`;
}

function deadLetterReason(headers: RecordHeaders): DeadLetterReason {
  const attempts = Number(headers[DEAD_LETTER_HEADER.attempts]);
  const reason: DeadLetterReason = {
    code: headers[DEAD_LETTER_HEADER.errorCode] ?? 'UNKNOWN',
    message: maskPersonalPatterns(headers[DEAD_LETTER_HEADER.errorMessage] ?? ''),
    retriable: headers[DEAD_LETTER_HEADER.retriable] === 'true',
  };
  if (Number.isInteger(attempts) && attempts > 0) reason.attempts = attempts;
  const step = headers['dlq-flow-step'];
  if (step !== undefined) reason.step = step;
  const originalTopic = headers[DEAD_LETTER_HEADER.originalTopic];
  if (originalTopic !== undefined) reason.originalTopic = originalTopic;
  const failedAt = headers[DEAD_LETTER_HEADER.failedAt];
  if (failedAt !== undefined) reason.failedAt = failedAt;
  return reason;
}
