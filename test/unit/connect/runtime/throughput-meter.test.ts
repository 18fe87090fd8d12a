import { expect } from 'chai';
import fc from 'fast-check';
import { ThroughputMeter } from '../../../../src/connect/runtime/throughput-meter.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');

describe('ThroughputMeter', () => {
  it('has no rate until two looks at least a second apart', () => {
    const meter = new ThroughputMeter();
    meter.observe('a', { recordsIn: 0, recordsOut: 0 }, T0);
    expect(meter.rate('a')).to.equal(undefined);
    meter.observe('a', { recordsIn: 5, recordsOut: 5 }, T0 + 400);
    expect(meter.rate('a')).to.equal(undefined);
    meter.observe('a', { recordsIn: 20, recordsOut: 10 }, T0 + 2000);
    expect(meter.rate('a')).to.deep.equal({ inPerSecond: 10, outPerSecond: 5, overSeconds: 2 });
    expect(meter.rate('unknown')).to.equal(undefined);
  });

  it('measures over the last minute only: a burst two minutes ago no longer counts', () => {
    const meter = new ThroughputMeter();
    meter.observe('a', { recordsIn: 0, recordsOut: 0 }, T0);
    meter.observe('a', { recordsIn: 6000, recordsOut: 6000 }, T0 + 2000); // the burst
    for (let second = 4; second <= 180; second += 2) meter.observe('a', { recordsIn: 6000 + second, recordsOut: 6000 }, T0 + second * 1000);
    const rate = meter.rate('a')!;
    expect(rate.inPerSecond).to.equal(1);
    expect(rate.outPerSecond).to.equal(0);
    expect(rate.overSeconds).to.be.within(60, 62);
  });

  it('starts measuring again when the counters went down (a restarted flow counts from zero)', () => {
    const meter = new ThroughputMeter();
    meter.observe('f', { recordsIn: 1000, recordsOut: 1000 }, T0);
    meter.observe('f', { recordsIn: 1100, recordsOut: 1100 }, T0 + 10_000);
    meter.observe('f', { recordsIn: 3, recordsOut: 3 }, T0 + 12_000);
    expect(meter.rate('f'), 'one sample since the restart').to.equal(undefined);
    meter.observe('f', { recordsIn: 13, recordsOut: 8 }, T0 + 17_000);
    expect(meter.rate('f')).to.deep.equal({ inPerSecond: 2, outPerSecond: 1, overSeconds: 5 });
  });

  it('does not call an average over hours nobody looked "the last minute"', () => {
    const meter = new ThroughputMeter();
    meter.observe('a', { recordsIn: 0, recordsOut: 0 }, T0);
    meter.observe('a', { recordsIn: 3600, recordsOut: 0 }, T0 + 3600_000);
    expect(meter.rate('a')).to.equal(undefined);
  });

  it('forgets keys that are gone', () => {
    const meter = new ThroughputMeter();
    for (const key of ['a', 'b']) {
      meter.observe(key, { recordsIn: 0, recordsOut: 0 }, T0);
      meter.observe(key, { recordsIn: 10, recordsOut: 10 }, T0 + 5000);
    }
    meter.retain(['b']);
    expect(meter.rate('a')).to.equal(undefined);
    expect(meter.rate('b')?.inPerSecond).to.equal(2);
  });

  it('measures a steady rate exactly however irregularly it is looked at', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 2, maxLength: 80 }),
        (perSecond, gaps) => {
          const meter = new ThroughputMeter();
          let at = T0;
          meter.observe('a', { recordsIn: 0, recordsOut: 0 }, at);
          for (const gap of gaps) {
            at += gap;
            const elapsed = (at - T0) / 1000;
            meter.observe('a', { recordsIn: perSecond * elapsed, recordsOut: 2 * perSecond * elapsed }, at);
          }
          const rate = meter.rate('a');
          if (at - T0 < 2000) return; // too short a look to measure anything, rightly
          if (rate === undefined) throw new Error(`no rate after ${at - T0} ms`);
          expect(rate.inPerSecond).to.be.closeTo(perSecond, 0.01);
          expect(rate.outPerSecond).to.be.closeTo(2 * perSecond, 0.01);
          expect(rate.overSeconds).to.be.at.most(120);
        },
      ),
      { seed: 20260301, numRuns: 200 },
    );
  });
});
