import { expect } from 'chai';
import { isPointInTime, parsePointInTime } from '../../../../src/operations/dead-letters/point-in-time.js';

describe('points in time (since, until)', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('takes a date-time with zone (seconds optional), a day of the calendar or an age', () => {
    expect(parsePointInTime('2026-03-01T08:00Z', 'since', now).toISOString()).to.equal('2026-03-01T08:00:00.000Z');
    expect(parsePointInTime('2026-03-01T16:00:00.5+08:00', 'since', now).toISOString()).to.equal('2026-03-01T08:00:00.500Z');
    expect(parsePointInTime('2024-02-29', 'since', now).toISOString()).to.equal('2024-02-29T00:00:00.000Z');
    expect(parsePointInTime('2h', 'since', now).toISOString()).to.equal('2026-03-01T10:00:00.000Z');
  });

  it('refuses days and times that are not in the calendar or on the clock, which Date.parse would roll over', () => {
    for (const text of [
      '2026-02-30',
      '0000-00-00',
      '2026-13-01',
      '2025-02-29',
      '2026-02-30T08:00:00Z',
      '2026-03-01T24:30Z',
      '2026-03-01T08:00',
      'yesterday',
    ]) {
      expect(isPointInTime(text), text).to.equal(false);
      expect(() => parsePointInTime(text, 'until', now), text).to.throw(/until .* is not a time/);
    }
  });
});

describe('points in time given as an age', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('counts back whole seconds, minutes, hours or days of up to six digits, as the API pattern ^\\d{1,6}[smhd]$ allows', () => {
    expect(parsePointInTime('30s', 'since', now).toISOString()).to.equal('2026-03-01T11:59:30.000Z');
    expect(parsePointInTime(' 7d ', 'since', now).toISOString()).to.equal('2026-02-22T12:00:00.000Z');
    expect(parsePointInTime('999999s', 'since', now).getTime()).to.equal(now.getTime() - 999_999_000);
    for (const text of ['250ms', '1000000s', '1h30m', '1.5h']) {
      expect(isPointInTime(text), text).to.equal(false);
      expect(() => parsePointInTime(text, 'since', now), text).to.throw(/since .* is not a time/);
    }
  });
});
