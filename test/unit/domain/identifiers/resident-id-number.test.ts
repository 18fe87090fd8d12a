import { expect } from 'chai';
import fc from 'fast-check';
import {
  validateResidentIdNumber,
  residentIdCheckCharacter,
  residentIdNumber18,
} from '../../../../src/domain/identifiers/resident-id-number.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';

const TODAY = '2026-11-23';

describe('resident ID number validation', () => {
  it('accepts valid numbers in their 18-character form, an x check character upper-cased', () => {
    const zhangWei = residentIdNumber('440305', '1985-03-12', 13);
    for (const [raw, value] of [
      [zhangWei, zhangWei],
      // The worked example of GB 11643 itself: the check character is X.
      ['11010519491231002X', '11010519491231002X'],
      ['11010519491231002x', '11010519491231002X'],
      // As people type them: spaces, dashes, full-width digits.
      [' 110105 19491231 002X ', '11010519491231002X'],
      ['110105-19491231-002x', '11010519491231002X'],
      ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ] as const) {
      expect(validateResidentIdNumber(raw, TODAY), raw).to.deep.equal({ ok: true, value });
    }
  });

  it('converts the old 15-digit form to 18 characters: "19" before the year and the check character', () => {
    // 110105491231002 is the 15-digit form of the standard's example 11010519491231002X.
    expect(validateResidentIdNumber('110105491231002', TODAY)).to.deep.equal({ ok: true, value: '11010519491231002X' });
    const zhangWei = residentIdNumber('440305', '1985-03-12', 13);
    expect(validateResidentIdNumber(zhangWei.slice(0, 6) + zhangWei.slice(8, 17), TODAY)).to.deep.equal({ ok: true, value: zhangWei });
  });

  it('refuses a wrong check character, impossible or implausible birth dates and malformed numbers', () => {
    const withCheck = (first17: string): string => first17 + residentIdCheckCharacter(first17);
    const cases: [string, RegExp][] = [
      ['110105194912310021', /check character/],
      [withCheck('44030519850231013'), /does not exist/],
      [withCheck('44030519851301013'), /does not exist/],
      [withCheck('44030519000229013'), /does not exist/], // 1900 was not a leap year
      [withCheck('44030518991231013'), /before 1900/],
      [withCheck('44030520300101013'), /in the future/],
      [withCheck('04030519850312013'), /must not start with 0/],
      ['4403051985031201', /18 characters/],
      ['44030519850312013A', /18 characters/],
      ['', /18 characters/],
    ];
    for (const [raw, reason] of cases) {
      const result = validateResidentIdNumber(raw, TODAY);
      expect(result.ok, raw).to.equal(false);
      if (!result.ok) expect(result.reason, raw).to.match(reason);
    }
    expect(validateResidentIdNumber(withCheck('44030520000229013'), TODAY).ok).to.equal(true); // 2000 was
    expect(validateResidentIdNumber(12345, TODAY)).to.deep.equal({ ok: false, reason: 'resident ID number must be text' });
  });

  it('judges "future" against the day given, so replaying old events gives the same answer', () => {
    const first17 = '44030520261124013';
    const id = first17 + residentIdCheckCharacter(first17);
    expect(validateResidentIdNumber(id, '2026-11-23').ok).to.equal(false);
    expect(validateResidentIdNumber(id, '2026-11-24').ok).to.equal(true);
  });

  it('never repeats the number in its reason', () => {
    for (const raw of ['110105194912310021', '4403051985023101', '44030518991231013X', 'abc']) {
      const result = validateResidentIdNumber(raw, TODAY);
      if (result.ok) expect.fail(`${raw} should be invalid`);
      else expect(result.reason).not.to.contain(raw.slice(0, 6));
    }
  });

  it('gives residentIdNumber18, which flows use, the same validity for numbers typed plainly', () => {
    const bornIn1850 = '44030518501231013';
    expect(residentIdNumber18(bornIn1850 + residentIdCheckCharacter(bornIn1850))).to.equal(undefined);
    const valid = '44030519850312013';
    const id = valid + residentIdCheckCharacter(valid);
    expect(residentIdNumber18(id)).to.equal(id);
    expect(residentIdNumber18(id, '1985-03-11'), 'born after the day given').to.equal(undefined);
    expect(residentIdNumber18(`${id.slice(0, 6)}-${id.slice(6)}`), 'separators are for the identity rules only').to.equal(undefined);
    fc.assert(
      fc.property(fc.string({ minLength: 15, maxLength: 18, unit: fc.constantFrom(...'0123456789Xx') }), (text) => {
        const validation = validateResidentIdNumber(text);
        expect(residentIdNumber18(text)).to.equal(validation.ok ? validation.value : undefined);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });
});
