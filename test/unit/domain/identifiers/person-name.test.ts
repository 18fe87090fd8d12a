import { expect } from 'chai';
import { namesCompatible, surnameOf, validatePersonName } from '../../../../src/domain/identifiers/person-name.js';

describe('person names', () => {
  it('normalize: NFKC, trimmed, whitespace collapsed, no spaces in Chinese names', () => {
    for (const [raw, value] of [
      ['张伟', '张伟'],
      [' 张 伟 ', '张伟'],
      ['张\u3000伟', '张伟'],
      ['欧阳 娜娜', '欧阳娜娜'],
      ['买买提 • 艾力', '买买提·艾力'],
      ['  John   Smith ', 'John Smith'],
      ['Ｊｏｈｎ　Ｓｍｉｔｈ', 'John Smith'],
    ] as const) {
      expect(validatePersonName(raw), raw).to.deep.equal({ ok: true, value });
    }
    expect(validatePersonName('   ')).to.deep.equal({ ok: false, reason: 'name is empty' });
    expect(validatePersonName(null)).to.deep.equal({ ok: false, reason: 'name must be text' });
  });

  it('know compound surnames', () => {
    expect(surnameOf('欧阳娜')).to.equal('欧阳');
    expect(surnameOf('张伟')).to.equal('张');
  });

  it('are compatible when one clerk could have typed the other: a homophone, an honorific, letter case', () => {
    for (const [a, b] of [
      ['张伟', '张伟'],
      ['张伟', '张玮'],
      ['王秀英', '王绣英'],
      ['张伟', '张先生'],
      ['王女士', '王秀英'],
      ['John Smith', 'JOHN SMITH'],
    ] as const) {
      expect(namesCompatible(a, b), `${a} ${b}`).to.equal(true);
      expect(namesCompatible(b, a), `${b} ${a}`).to.equal(true);
    }
  });

  it('are not compatible for different surnames, lengths or two changed characters: a household, not a typo', () => {
    for (const [a, b] of [
      ['黄杰', '欧阳玉兰'],
      ['高勇', '高晓燕'],
      ['张伟', '李伟'],
      ['王秀英', '王桂兰'],
      ['张先生', '李女士'],
      ['John Smith', 'Jane Smith'],
    ] as const) {
      expect(namesCompatible(a, b), `${a} ${b}`).to.equal(false);
    }
  });
});
