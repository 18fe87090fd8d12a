import { describeError, HubError } from '../../core/hub-error.js';
import type { ConnectorContext, SourceRecord } from './connector-definition.js';

export interface UnmappableEvent {
  /** The topic the rejected record is counted against (its dead letter names it). */
  topic: string;
  /** The event's key, for the dead letter. */
  keyOf(event: unknown): string;
  /** How the warning names the event, e.g. its event number; never personal data. */
  describe(event: unknown): string;
}

/**
 * A pulled event's mapping, made safe for a page of a feed: an event the mapping refuses for good (a
 * non-retriable HubError, e.g. an unknown product code) becomes a rejected record, which the runtime
 * dead-letters with the mapping's reason while the rest of the page flows on. A pushed event needs no
 * such wrapper: its sender gets a 422 with the reason. Anything else still throws (the poll is retried).
 */
export function rejectingUnmappable(
  toRecord: (event: unknown) => SourceRecord,
  unmappable: UnmappableEvent,
  context: Pick<ConnectorContext, 'instance' | 'logger'>,
): (event: unknown) => SourceRecord {
  return (event) => {
    try {
      return toRecord(event);
    } catch (error) {
      if (!(error instanceof HubError) || error.retriable) throw error;
      context.logger.warn(`${context.instance}: ${unmappable.describe(event)} is dead-lettered: ${describeError(error).message}`);
      return { topic: unmappable.topic, key: unmappable.keyOf(event), value: event as Record<string, unknown>, rejected: error };
    }
  };
}
