import { expect } from 'chai';
import fc from 'fast-check';
import { isWindowClosed, judgeRecord, judgeWindow, windowClosesAt, type WindowTiming } from '../../../../src/flows/time/window-lateness.js';

const window = { start: 0, end: 100 };

describe('window close and late records', () => {
  it('closes a window when the watermark reaches its end plus grace', () => {
    expect(windowClosesAt(window, 20)).to.equal(120);
    expect(isWindowClosed(window, 119, 20)).to.equal(false);
    expect(isWindowClosed(window, 120, 20)).to.equal(true);
    expect(isWindowClosed(window, 100, 0)).to.equal(true);
    expect(isWindowClosed(window, undefined, 0)).to.equal(false);
  });

  it('judges a record on time before the end, within grace until end + grace, late from then', () => {
    expect(judgeWindow(window, undefined, 20)).to.equal('on-time');
    expect(judgeWindow(window, 99, 20)).to.equal('on-time');
    expect(judgeWindow(window, 100, 20)).to.equal('within-grace');
    expect(judgeWindow(window, 119, 20)).to.equal('within-grace');
    expect(judgeWindow(window, 120, 20)).to.equal('late');
    // No grace: nothing is within it.
    expect(judgeWindow(window, 99, 0)).to.equal('on-time');
    expect(judgeWindow(window, 100, 0)).to.equal('late');
  });

  it('names the windows of a record that closed and keeps it in those still open', () => {
    const hopping = [
      { start: 0, end: 60 },
      { start: 30, end: 90 },
      { start: 60, end: 120 },
    ];
    expect(judgeRecord(hopping, 95, 10)).to.deep.equal({ timing: 'late', open: hopping.slice(1), late: hopping.slice(0, 1) });
    expect(judgeRecord(hopping, 65, 10)).to.deep.equal({ timing: 'within-grace', open: hopping, late: [] });
    expect(judgeRecord(hopping, 59, 10)).to.deep.equal({ timing: 'on-time', open: hopping, late: [] });
  });

  it('never closes a window before the watermark reaches end + grace, and never reopens it', () => {
    const rank: Record<WindowTiming, number> = { 'on-time': 0, 'within-grace': 1, late: 2 };
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.array(fc.integer({ min: -2e9, max: 4e9 }), { minLength: 1, maxLength: 20 }),
        (start, size, grace, offsets) => {
          const w = { start, end: start + size };
          const watermarks = offsets.map((offset) => w.end + offset).sort((a, b) => a - b);
          const timings = watermarks.map((watermark) => judgeWindow(w, watermark, grace));
          return (
            watermarks.every((watermark, i) => (timings[i] === 'late') === isWindowClosed(w, watermark, grace)) &&
            watermarks.every((watermark, i) => timings[i] !== 'late' || watermark >= w.end + grace) &&
            timings.every((timing, i) => i === 0 || rank[timing] >= rank[timings[i - 1]!])
          );
        },
      ),
      { seed: 20261207 },
    );
  });
});
