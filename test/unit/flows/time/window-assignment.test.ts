import { expect } from 'chai';
import fc from 'fast-check';
import { fixedWindowsOf, hoppingWindowsOf, tumblingWindowOf } from '../../../../src/flows/time/window-assignment.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);
// Instants from 1900 to 2100, before the epoch included, and sizes from a millisecond to a week.
const instants = fc.integer({ min: at('1900-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') });
const sizes = fc.integer({ min: 1, max: 7 * DAY });

describe('tumbling and hopping windows', () => {
  it('aligns windows to the UTC epoch: a day runs midnight to midnight UTC', () => {
    expect(tumblingWindowOf(at('2026-03-01T23:59:59.999Z'), DAY)).to.deep.equal({
      start: at('2026-03-01T00:00:00Z'),
      end: at('2026-03-02T00:00:00Z'),
    });
    expect(tumblingWindowOf(at('2026-03-02T00:00:00Z'), DAY)).to.deep.equal({
      start: at('2026-03-02T00:00:00Z'),
      end: at('2026-03-03T00:00:00Z'),
    });
    expect(tumblingWindowOf(at('1969-12-31T12:00:00Z'), DAY)).to.deep.equal({
      start: at('1969-12-31T00:00:00Z'),
      end: at('1970-01-01T00:00:00Z'),
    });
  });

  it('puts each instant in exactly one tumbling window, which holds it and has the size', () => {
    fc.assert(
      fc.property(instants, sizes, (instant, size) => {
        const window = tumblingWindowOf(instant, size);
        const before = tumblingWindowOf(window.start - 1, size);
        const after = tumblingWindowOf(window.end, size);
        // The neighbours touch it without overlapping: windows of one size tile time.
        return (
          window.start <= instant &&
          instant < window.end &&
          window.end - window.start === size &&
          before.end === window.start &&
          after.start === window.end &&
          window.start % size === 0
        );
      }),
      { seed: 20261207 },
    );
  });

  it('gives two instants the same tumbling window or two that do not overlap', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: -2 * DAY, max: 2 * DAY }), sizes, (instant, offset, size) => {
        const a = tumblingWindowOf(instant, size);
        const b = tumblingWindowOf(instant + offset, size);
        const same = a.start === b.start && a.end === b.end;
        return same === (b.start <= instant && instant < b.end) && (same || a.end <= b.start || b.end <= a.start);
      }),
      { seed: 20261207 },
    );
  });

  it('gives every hopping window holding the instant: 1h every 15m is four', () => {
    expect(hoppingWindowsOf(at('2026-03-01T10:20:00Z'), HOUR, 15 * 60_000)).to.deep.equal(
      ['09:30', '09:45', '10:00', '10:15'].map((time) => ({
        start: at(`2026-03-01T${time}:00Z`),
        end: at(`2026-03-01T${time}:00Z`) + HOUR,
      })),
    );
    expect(fixedWindowsOf({ kind: 'hopping', sizeMs: HOUR, advanceMs: HOUR }, 5)).to.deep.equal([tumblingWindowOf(5, HOUR)]);
    expect(fixedWindowsOf({ kind: 'tumbling', sizeMs: HOUR }, 5)).to.deep.equal([{ start: 0, end: HOUR }]);
  });

  it('gives exactly the hopping windows (start a multiple of the advance, length the size) that hold the instant', () => {
    fc.assert(
      fc.property(
        instants,
        sizes.chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: Math.max(1, Math.ceil(size / 50)), max: size }))),
        (instant, [size, advance]) => {
          const windows = hoppingWindowsOf(instant, size, advance);
          const holdsAll = windows.every(
            (w) => w.start <= instant && instant < w.end && w.end - w.start === size && w.start % advance === 0,
          );
          const consecutive = windows.every((w, i) => i === 0 || w.start - windows[i - 1]!.start === advance);
          // None missing at either end: the window one advance earlier has ended, the one after has not begun.
          const complete = windows[0]!.start - advance + size <= instant && windows.at(-1)!.start + advance > instant;
          return (
            holdsAll &&
            consecutive &&
            complete &&
            (windows.length === Math.floor(size / advance) || windows.length === Math.ceil(size / advance))
          );
        },
      ),
      { seed: 20261207 },
    );
  });

  it('makes hopping windows whose advance is their size the tumbling windows', () => {
    fc.assert(
      fc.property(instants, sizes, (instant, size) => {
        const windows = hoppingWindowsOf(instant, size, size);
        return windows.length === 1 && windows[0]!.start === tumblingWindowOf(instant, size).start;
      }),
      { seed: 20261207 },
    );
  });

  it('aligns windows to midnight in a zone: a Beijing day runs 16:00 to 16:00 UTC, and every instant is in the window of its local day', () => {
    const beijing = 8 * HOUR;
    expect(fixedWindowsOf({ kind: 'tumbling', sizeMs: DAY, offsetMs: beijing }, at('2026-03-01T15:59:59.999Z'))).to.deep.equal([
      { start: at('2026-02-28T16:00:00Z'), end: at('2026-03-01T16:00:00Z') },
    ]);
    expect(fixedWindowsOf({ kind: 'tumbling', sizeMs: DAY, offsetMs: beijing }, at('2026-03-01T16:00:00Z'))).to.deep.equal([
      { start: at('2026-03-01T16:00:00Z'), end: at('2026-03-02T16:00:00Z') },
    ]);
    fc.assert(
      fc.property(instants, fc.integer({ min: -14 * 60, max: 14 * 60 }), (instant, offsetMinutes) => {
        const offsetMs = offsetMinutes * 60_000;
        const [window] = fixedWindowsOf({ kind: 'tumbling', sizeMs: DAY, offsetMs }, instant);
        const local = new Date(instant + offsetMs).toISOString().slice(0, 10);
        return (
          window!.start <= instant &&
          instant < window!.end &&
          new Date(window!.start + offsetMs).toISOString() === `${local}T00:00:00.000Z` &&
          fixedWindowsOf({ kind: 'hopping', sizeMs: DAY, advanceMs: 6 * HOUR, offsetMs }, instant).every(
            (hop) => hop.start <= instant && instant < hop.end && (hop.start + offsetMs) % (6 * HOUR) === 0,
          )
        );
      }),
    );
  });
});
