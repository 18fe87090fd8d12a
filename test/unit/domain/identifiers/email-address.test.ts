import { expect } from 'chai';
import { validateEmailAddress } from '../../../../src/domain/identifiers/email-address.js';

describe('e-mail address validation', () => {
  it('trims and lower-cases', () => {
    expect(validateEmailAddress('  Zhang.Wei@Example.COM.cn ')).to.deep.equal({ ok: true, value: 'zhang.wei@example.com.cn' });
    expect(validateEmailAddress('ｚｈａｎｇ@163.com')).to.deep.equal({ ok: true, value: 'zhang@163.com' });
  });

  it('refuses what is not shaped like an address, without repeating it', () => {
    for (const raw of ['zhang.wei', 'zhang@localhost', 'zhang wei@163.com', '@163.com', 'a@b@c.com', '   ']) {
      const result = validateEmailAddress(raw);
      expect(result.ok, raw).to.equal(false);
      if (!result.ok && raw.trim() !== '') expect(result.reason).not.to.contain(raw);
    }
  });
});
