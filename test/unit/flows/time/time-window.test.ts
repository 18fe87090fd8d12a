import { expect } from 'chai';
import fc from 'fast-check';
import { parseWindowIdentity, windowIdentity, WindowIdentityError, windowName } from '../../../../src/flows/time/time-window.js';

const day = { start: Date.parse('2026-03-01T00:00:00Z'), end: Date.parse('2026-03-02T00:00:00Z') };

describe('window identity', () => {
  it('is the ISO interval of the window and the group key', () => {
    expect(windowName(day)).to.equal('2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z');
    expect(windowIdentity(day, 'DLR-7')).to.equal('2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z DLR-7');
  });

  it('reads back the window and the key, whatever the key holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -8.64e15, max: 8.64e15 - 1 }),
        fc.integer({ min: 1, max: 1e12 }),
        fc.string(),
        (start, size, groupKey) => {
          const window = { start, end: Math.min(start + size, 8.64e15) };
          const read = parseWindowIdentity(windowIdentity(window, groupKey));
          return read.window.start === window.start && read.window.end === window.end && read.groupKey === groupKey;
        },
      ),
      { seed: 20261207 },
    );
  });

  it('tells two windows or two groups apart', () => {
    expect(windowIdentity(day, 'a b')).not.to.equal(windowIdentity(day, 'a'));
    expect(windowIdentity({ ...day, end: day.end + 1 }, 'a')).not.to.equal(windowIdentity(day, 'a'));
  });

  it('refuses text windowIdentity did not write', () => {
    for (const text of ['', 'DLR-7', '2026-03-01T00:00:00.000Z DLR-7', 'x/y DLR-7']) {
      expect(() => parseWindowIdentity(text), text)
        .to.throw(WindowIdentityError)
        .with.property('code', 'WINDOW_IDENTITY_INVALID');
    }
  });
});
