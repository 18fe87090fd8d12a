import { SeededRandom } from './seeded-random.js';
import { SyntheticPopulation } from './synthetic-population.js';
import { SyntheticRecordFactory, type Timed } from './synthetic-record-factory.js';
import type { SyntheticEvent, SyntheticNoiseRates } from './synthetic-event.js';

/** Noise kinds that make a record invalid: the extractor must quarantine such a record. */
export const INVALIDATING_NOISE = ['invalidResidentId', 'invalidMobile', 'invalidPlate'] as const;

export interface SyntheticEventOptions {
  seed: number;
  persons: number;
  /** ISO instants bounding the events; default 2019-01-01 to 2026-12-31. */
  start?: string;
  end?: string;
  noise?: Partial<SyntheticNoiseRates>;
}

export const DEFAULT_NOISE: Readonly<SyntheticNoiseRates> = {
  household: 0.15,
  sharedPhone: 0.4,
  sharedPlate: 0.3,
  phoneChange: 0.15,
  email: 0.5,
  car: 0.45,
  newEnergy: 0.25,
  nameVariant: 0.1,
  oldIdForm: 0.25,
  missingField: 0.1,
  invalidIdentifier: 0.01,
  crmDuplicate: 0.03,
};

/**
 * Canonical-record events of `persons` synthetic people from the five systems: each person is in
 * one to five systems with several events per record, with realistic overlap and noise (see
 * SyntheticNoiseRates). Lazy: households are made one at a time and each one's events yielded in
 * time order, so a benchmark can stream a million events in little memory (time starts again with
 * every household: the resolver does not depend on arrival order). The same seed gives the same
 * events.
 */
export function* generateSyntheticEvents(options: SyntheticEventOptions): Generator<SyntheticEvent> {
  const random = new SeededRandom(options.seed);
  const rates: SyntheticNoiseRates = { ...DEFAULT_NOISE, ...options.noise };
  const start = Date.parse(options.start ?? '2019-01-01T00:00:00.000Z');
  const end = Date.parse(options.end ?? '2026-12-31T00:00:00.000Z');
  const population = new SyntheticPopulation(random, rates, start, end);
  const records = new SyntheticRecordFactory(random, rates, end);
  let made = 0;
  while (made < options.persons) {
    const household = population.household().slice(0, options.persons - made);
    made += household.length;
    const events = household.flatMap((person) => records.eventsOf(person));
    events.sort((a, b) => a.at - b.at || compare(eventIdOf(a), eventIdOf(b)));
    for (const { event } of events) yield event;
  }
}

function eventIdOf(timed: Timed): string {
  return (timed.event.value.meta as { eventId: string }).eventId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
