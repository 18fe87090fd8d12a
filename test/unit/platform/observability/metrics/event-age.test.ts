import { expect } from 'chai';
import fc from 'fast-check';
import { eventAgeSeconds, eventOccurredAt, MAX_EVENT_AGE_MS } from '../../../../../src/platform/observability/metrics/event-age.js';

describe('event age', () => {
  it('reads meta.occurredAt in the JSON form of timestamp-millis, or as epoch millis', () => {
    expect(eventOccurredAt({ meta: { occurredAt: '2026-03-01T08:00:00.000Z' } })).to.equal(Date.UTC(2026, 2, 1, 8));
    expect(eventOccurredAt({ meta: { occurredAt: 1772352000000 } })).to.equal(1772352000000);
    for (const value of [
      null,
      'text',
      {},
      { meta: null },
      { meta: {} },
      { meta: { occurredAt: null } },
      { meta: { occurredAt: 'yesterday' } },
      { meta: { occurredAt: Number.NaN } },
    ]) {
      expect(eventOccurredAt(value), JSON.stringify(value)).to.equal(undefined);
    }
  });

  it('reads back any instant written as an ISO string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4102444800000 }),
        (ms) => eventOccurredAt({ meta: { occurredAt: new Date(ms).toISOString() } }) === ms,
      ),
      { seed: 20260301 },
    );
  });

  it('is the time between the event and the acknowledgement, within a minute of skew and a day of age', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4102444800000 }),
        fc.integer({ min: -3 * 60_000, max: MAX_EVENT_AGE_MS + 60_000 }),
        (at, age) => {
          const seconds = eventAgeSeconds(at - age, at);
          if (age < -60_000 || age > MAX_EVENT_AGE_MS) return seconds === undefined;
          return seconds === Math.max(0, age) / 1000;
        },
      ),
      { seed: 20260301 },
    );
  });
});
