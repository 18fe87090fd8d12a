import type { IdentifierKind, IdentityObservation, PersonAttributes } from '../../../../src/domain/identity/identity-observation.js';

/** Identifiers of a test observation by kind; a systemRef may be given as several CRM references. */
export type TestIdentifiers = Partial<Record<IdentifierKind, string | string[]>>;

export interface TestObservationOptions {
  at?: string;
  eventId?: string;
  mergedInto?: string;
}

/**
 * Observations as the extractor would make them, written compactly: `observe('crm', 'C1', { mobile:
 * '13812345678' }, { fullName: '张伟' }, { at: '2026-01-02T00:00:00.000Z' })`. Event ids default
 * to one derived from member and time, so that the same observation built twice is the same event.
 */
export function observe(
  system: string,
  systemId: string,
  identifiers: TestIdentifiers = {},
  attributes: PersonAttributes = {},
  options: TestObservationOptions = {},
): IdentityObservation {
  const at = options.at ?? '2026-01-01T00:00:00.000Z';
  const list = Object.entries(identifiers).flatMap(([kind, values]) =>
    (Array.isArray(values) ? values : [values]).map((value) => ({ kind: kind as IdentifierKind, value })),
  );
  return {
    system,
    systemId,
    observedAt: at,
    identifiers: [{ kind: 'systemRef', value: `${system}:${systemId}` }, ...list],
    attributes,
    event: {
      eventId: options.eventId ?? `${system}:${systemId}@${at}`,
      eventType: 'Changed',
      topic: `${system}.topic`,
      reference: systemId,
      occurredAt: at,
      correlationId: `corr-${systemId}`,
    },
    ...(options.mergedInto === undefined ? {} : { mergedInto: options.mergedInto }),
  };
}

/** An ISO instant `day` days into 2026, for readable orderings. */
export function day(n: number): string {
  return new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
}
