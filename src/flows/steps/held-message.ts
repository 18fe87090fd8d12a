import { nameBasedUuid } from '../../core/name-based-uuid.js';
import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';
import type { FlowMessage } from '../flow-message.js';

/** The header carrying the id of a record a stateful step made, derived from what made it, so that a consumer can drop a repeat after a crash. */
export const EVENT_ID_HEADER = 'crm-hub-event-id';

/** A message a stateful step keeps in its state (a join's waiting record, a timeout's pending one), as JSON. */
export interface HeldMessage {
  key: string | null;
  value: Record<string, unknown>;
  headers: RecordHeaders;
  topic: string;
  schemaName?: string;
}

export function heldMessage(message: FlowMessage): HeldMessage {
  return {
    key: message.key,
    value: message.value,
    headers: message.headers,
    topic: message.topic,
    ...(message.schemaName ? { schemaName: message.schemaName } : {}),
  };
}

export function releasedMessage(held: HeldMessage): FlowMessage {
  return {
    key: held.key,
    value: held.value,
    headers: held.headers,
    topic: held.topic,
    ...(held.schemaName ? { schemaName: held.schemaName } : {}),
  };
}

/**
 * A short id of one record, the same each time it is read: from its `meta.eventId` when it has one
 * (a record sent again by its source is the same event), else from its content. Ids of outputs are
 * built from these, never from an offset, which the repartition topic changes.
 */
export function recordIdentity(message: FlowMessage): string {
  const meta = message.value.meta;
  const eventId = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).eventId : undefined;
  const what = typeof eventId === 'string' ? `event:${eventId}` : `content:${JSON.stringify(message.value)}`;
  return nameBasedUuid(`${message.topic}\n${message.key ?? ''}\n${what}`);
}
