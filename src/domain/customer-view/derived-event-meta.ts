import { nameBasedUuid } from '../../core/name-based-uuid.js';

export interface CauseEvent {
  eventId: string;
  occurredAt: string;
  correlationId: string;
}

/**
 * The meta of a record the customer view derives from a source event: its id is a name-based UUID
 * of the cause and what was derived, so reprocessing the same event (at-least-once) gives the same
 * event id and consumers can drop the duplicate; time and correlation are the cause's.
 */
export function derivedEventMeta(eventType: string, subject: string, cause: CauseEvent): Record<string, unknown> {
  return {
    eventId: nameBasedUuid(`${eventType}/${subject}/${cause.eventId}`),
    eventType,
    sourceSystem: 'crm-hub',
    occurredAt: cause.occurredAt,
    correlationId: cause.correlationId,
  };
}
