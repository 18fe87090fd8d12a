import { expect } from 'chai';
import fc from 'fast-check';
import { childTraceparent, newTraceparent, parseTraceparent } from '../../../../src/platform/headers/traceparent.js';

const EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('reads the W3C example into trace id, span id and flags', () => {
    expect(parseTraceparent(EXAMPLE)).to.deep.equal({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it('refuses what the spec calls invalid', () => {
    for (const invalid of [
      undefined,
      '',
      'not a traceparent',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // version ff
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero span id
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
      `${EXAMPLE}-extra`, // version 00 has exactly four fields
    ])
      expect(parseTraceparent(invalid), String(invalid)).to.equal(undefined);
  });

  it('accepts fields a later version appends', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later')?.spanId).to.equal('00f067aa0ba902b7');
  });

  it('starts new traces that parse, sampled, each its own', () => {
    const a = parseTraceparent(newTraceparent());
    const b = parseTraceparent(newTraceparent());
    expect(a?.flags).to.equal('01');
    expect(a?.traceId)
      .to.match(/^[0-9a-f]{32}$/)
      .and.not.equal(b?.traceId);
  });

  it('continues a valid parent: same trace and flags, a new span', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{32}$/),
        fc.stringMatching(/^[0-9a-f]{16}$/),
        fc.constantFrom('00', '01'),
        (traceId, spanId, flags) => {
          fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(spanId));
          const child = parseTraceparent(childTraceparent(`00-${traceId}-${spanId}-${flags}`));
          expect(child?.traceId).to.equal(traceId);
          expect(child?.flags).to.equal(flags);
          expect(child?.spanId).to.not.equal(spanId);
        },
      ),
      { seed: 20260301, numRuns: 200 },
    );
  });

  it('never hands out the same ids twice, across many records (the randomness is drawn in pools)', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let index = 0; index < 5000; index++) {
      const context = parseTraceparent(newTraceparent())!;
      traces.add(context.traceId);
      spans.add(context.spanId);
    }
    expect(traces.size).to.equal(5000);
    expect(spans.size).to.equal(5000);
  });

  it('starts a new trace for a missing or invalid parent', () => {
    expect(parseTraceparent(childTraceparent(undefined))).to.not.equal(undefined);
    expect(parseTraceparent(childTraceparent('garbage'))?.traceId).to.match(/^[0-9a-f]{32}$/);
  });
});
