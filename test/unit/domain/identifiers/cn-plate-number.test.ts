import { expect } from 'chai';
import { isCnPlateNumber, validatePlateNumber } from '../../../../src/domain/identifiers/cn-plate-number.js';

describe('vehicle plate validation', () => {
  it('normalizes ordinary and new-energy plates: half-width, upper case, no separators', () => {
    for (const [raw, value] of [
      ['粤B12345', '粤B12345'],
      ['粤B·12345', '粤B12345'],
      ['粤B・12345', '粤B12345'],
      ['粤B.12345', '粤B12345'],
      [' 粤b 12345 ', '粤B12345'],
      ['粤B-1234学', '粤B1234学'],
      ['沪AD12345', '沪AD12345'],
      ['沪A·D12345', '沪AD12345'],
      ['粤B12345F', '粤B12345F'],
      ['京ａｂ１２３４', '京AB1234'],
    ] as const) {
      expect(validatePlateNumber(raw), raw).to.deep.equal({ ok: true, value });
    }
  });

  it('refuses malformed plates without repeating them', () => {
    for (const raw of ['粤B1234', 'XB12345', '粤I12345', '粤BO1234', '粤BD123', '粤B123456789', '']) {
      const result = validatePlateNumber(raw);
      expect(result.ok, raw).to.equal(false);
      if (!result.ok && raw !== '') expect(result.reason).not.to.contain(raw);
    }
    expect(validatePlateNumber(null).ok).to.equal(false);
  });

  it('leaves isCnPlateNumber, which flows use, strict about the stored form', () => {
    expect(isCnPlateNumber('粤B12345')).to.equal(true);
    expect(isCnPlateNumber('粤B·12345')).to.equal(false);
  });
});
