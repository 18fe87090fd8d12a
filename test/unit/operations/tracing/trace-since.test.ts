import { expect } from 'chai';
import { TraceQueryError } from '../../../../src/operations/tracing/trace-query-error.js';
import { parseSince } from '../../../../src/operations/tracing/trace-since.js';

const now = Date.parse('2026-03-01T12:00:00.000Z');

describe('parseSince', () => {
  it('takes an ISO time or a day', () => {
    expect(parseSince('2026-03-01T08:00:00Z', now).toISOString()).to.equal('2026-03-01T08:00:00.000Z');
    expect(parseSince('2026-03-01T16:00:00+08:00', now).toISOString()).to.equal('2026-03-01T08:00:00.000Z');
    expect(parseSince('2026-02-28', now).toISOString()).to.equal('2026-02-28T00:00:00.000Z');
  });

  it('takes a span back from now', () => {
    expect(parseSince('90s', now).toISOString()).to.equal('2026-03-01T11:58:30.000Z');
    expect(parseSince('30m', now).toISOString()).to.equal('2026-03-01T11:30:00.000Z');
    expect(parseSince('2h', now).toISOString()).to.equal('2026-03-01T10:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).to.equal('2026-02-22T12:00:00.000Z');
  });

  it('refuses what is no time, and the future', () => {
    for (const bad of ['yesterday', '2h ago', '12', '2026-13-45', ''])
      expect(() => parseSince(bad, now), bad).to.throw(TraceQueryError, /neither an ISO time/);
    expect(() => parseSince('2026-03-02', now)).to.throw(TraceQueryError, /future/);
  });
});
