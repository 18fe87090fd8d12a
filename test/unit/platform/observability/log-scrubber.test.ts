import { expect } from 'chai';
import fc from 'fast-check';
import { LogScrubber } from '../../../../src/platform/observability/log-scrubber.js';
import { SecretRegistry } from '../../../../src/platform/observability/secret-registry.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';

const mobile = fc
  .tuple(fc.constantFrom('+86', '86 ', ''), fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([prefix, second, rest]) => ({
    shown: `${prefix}1${second}${String(rest).padStart(9, '0')}`,
    digits: `1${second}${String(rest).padStart(9, '0')}`,
  }));
const idNumber = fc
  .tuple(
    fc.integer({ min: 110000, max: 659999 }),
    fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([division, birth, sequence]) => residentIdNumber(String(division), birth.toISOString().slice(0, 10), sequence))
  .map((id) => ({ shown: id, digits: id }));
/** A value put somewhere in a nested meta object under keys that say nothing about it. */
const placement = fc.tuple(
  fc.array(fc.constantFrom('caller', 'notes', 'payload', 'x'), { minLength: 0, maxLength: 4 }),
  fc.constantFrom('', 'tel ', '证件号:', '客户 ', '('),
  fc.constantFrom('', ' called', ')', '，'),
);

function place(path: string[], text: string): unknown {
  return path.reduceRight<unknown>((inner, key, index) => (index % 2 === 0 ? { [key]: inner } : [inner]), text);
}

describe('log scrubber', () => {
  it('lets no mobile or resident ID number through, wherever in the meta it sits (property)', () => {
    const scrubber = new LogScrubber({ secrets: new SecretRegistry() });
    fc.assert(
      fc.property(fc.oneof(mobile, idNumber), placement, (personal, [path, before, after]) => {
        const text = `${before}${personal.shown}${after}`;
        const scrubbed = JSON.stringify([scrubber.text(text), scrubber.value(place(path, text))]);
        // Digits 4 to 11 span the masked middle of both: what must never be shown.
        return !scrubbed.includes(personal.digits.slice(3, 11));
      }),
      { seed: 20260301, numRuns: 300 },
    );
  });

  it('uses the field names it is given, and the process-wide list by default', () => {
    const custom = new LogScrubber({ piiFieldNames: new Set(['nickname']), secrets: new SecretRegistry() });
    expect(custom.value({ nickname: 'Wei Wei', fullName: 'Zhang Wei' })).to.deep.equal({ nickname: 'W****ei', fullName: 'Zhang Wei' });
    expect(new LogScrubber({ secrets: new SecretRegistry() }).value({ nickname: 'Wei Wei', fullName: 'Zhang Wei' })).to.deep.equal({
      nickname: 'Wei Wei',
      fullName: 'Z******ei',
    });
  });

  it('never changes what it is given', () => {
    const value = { fullName: '张伟', nested: { password: 'pw-1234', list: ['13812345678'] } };
    const copy = structuredClone(value);
    new LogScrubber({ secrets: new SecretRegistry() }).value(value);
    expect(value).to.deep.equal(copy);
  });
});
