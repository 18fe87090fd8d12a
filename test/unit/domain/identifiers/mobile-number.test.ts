import { expect } from 'chai';
import fc from 'fast-check';
import { isLandlineNumber, isMainlandMobileNumber, validateMobileNumber } from '../../../../src/domain/identifiers/mobile-number.js';

describe('mobile number validation', () => {
  it('normalizes mainland mobiles to 11 digits whatever the prefix and separators', () => {
    for (const raw of [
      '13812345678',
      '+8613812345678',
      '+86 138 1234 5678',
      '008613812345678',
      '0086 138-1234-5678',
      '8613812345678',
      '86-138-1234-5678',
      '138.1234.5678',
      '(+86) 13812345678',
      '１３８１２３４５６７８',
    ]) {
      expect(validateMobileNumber(raw), raw).to.deep.equal({ ok: true, value: '13812345678' });
    }
  });

  it('keeps other countries in E.164 form, + and digits', () => {
    expect(validateMobileNumber('+852 9123 4567')).to.deep.equal({ ok: true, value: '+85291234567' });
    expect(validateMobileNumber('00852-91234567')).to.deep.equal({ ok: true, value: '+85291234567' });
    expect(validateMobileNumber('+1 (415) 555-0100')).to.deep.equal({ ok: true, value: '+14155550100' });
  });

  it('tells landlines apart: valid phones, but no identifiers', () => {
    for (const raw of [
      '0755-86001234',
      '010 8888 8888',
      '021-12345678-801',
      '86001234',
      '400 800 8888',
      '+86 755 8600 1234',
      '+86 10 8888 8888',
    ]) {
      expect(isLandlineNumber(raw), raw).to.equal(true);
      const result = validateMobileNumber(raw);
      expect(result.ok, raw).to.equal(false);
      if (!result.ok) expect(result.reason).to.equal('phone number is a landline, not a mobile');
    }
    expect(isLandlineNumber('13812345678')).to.equal(false);
  });

  it('refuses what is neither, without repeating the number', () => {
    for (const raw of ['1381234567', '12812345678', '138123456789', '+86 128 1234 5678', '+0123', 'call me', '', '+86abc']) {
      const result = validateMobileNumber(raw);
      expect(result.ok, raw).to.equal(false);
      expect(isLandlineNumber(raw), raw).to.equal(false);
      if (!result.ok && raw.length > 4) expect(result.reason).not.to.contain(raw);
    }
    expect(validateMobileNumber(13812345678).ok).to.equal(false);
  });

  it('calls a number a mainland mobile exactly when it normalizes to 11 digits, +86 and spaces included', () => {
    expect(isMainlandMobileNumber('+86 138 1234 5678')).to.equal(true);
    expect(isMainlandMobileNumber('13812345678')).to.equal(true);
    expect(isMainlandMobileNumber('+852 9123 4567')).to.equal(false);
    expect(isMainlandMobileNumber('+86 755 8600 1234')).to.equal(false);
    expect(isMainlandMobileNumber('12812345678')).to.equal(false);
    expect(isMainlandMobileNumber(13812345678)).to.equal(false);
    const mobile = fc
      .tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), fc.stringMatching(/^\d{9}$/))
      .map(([second, rest]) => `1${second}${rest}`);
    const prefix = fc.constantFrom('', '+86', '+86 ', '0086', '0086-', '86', '86 ', '(+86) ');
    const separator = fc.constantFrom('', ' ', '-', '.');
    fc.assert(
      fc.property(mobile, prefix, separator, (digits, before, between) => {
        const typed = `${before}${digits.slice(0, 3)}${between}${digits.slice(3, 7)}${between}${digits.slice(7)}`;
        expect(isMainlandMobileNumber(typed), typed).to.equal(true);
        expect(validateMobileNumber(typed), typed).to.deep.equal({ ok: true, value: digits });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const result = validateMobileNumber(raw);
        expect(isMainlandMobileNumber(raw), raw).to.equal(result.ok && /^1[3-9]\d{9}$/.test(result.value));
      }),
    );
  });
});
