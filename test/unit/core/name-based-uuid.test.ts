import { expect } from 'chai';
import { nameBasedUuid } from '../../../src/core/name-based-uuid.js';

describe('nameBasedUuid', () => {
  it('gives the same name the same UUID and different names different ones', () => {
    expect(nameBasedUuid('claims/MSG-1')).to.equal(nameBasedUuid('claims/MSG-1'));
    expect(nameBasedUuid('claims/MSG-1')).not.to.equal(nameBasedUuid('claims/MSG-2'));
  });

  it('has the RFC 4122 version 5 layout: version nibble 5, variant bits 10', () => {
    for (const name of ['a', 'crm:C1', 'policy-admin/20260101-0001', '']) {
      expect(nameBasedUuid(name)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('is the SHA-1 of the name with the version and variant bits set', () => {
    // sha1('crm:C1') = 7c3ab253ad34 8 5d8 b 23a5737d10da6bd…: the 13th hex digit becomes 5, the 17th (b) keeps variant 10.
    expect(nameBasedUuid('crm:C1')).to.equal('7c3ab253-ad34-55d8-b23a-5737d10da6bd');
  });
});
