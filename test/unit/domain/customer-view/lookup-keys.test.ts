import { expect } from 'chai';
import { lookupKey, lookupKeysFor } from '../../../../src/domain/customer-view/lookup-keys.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';

describe('lookup keys of what an agent types', () => {
  const id18 = residentIdNumber('440305', '1985-03-12', 13);

  it('reads an ID number in either form, a phone in any usual spelling, a plate with a dot and an e-mail as the index writes them', () => {
    expect(lookupKeysFor(id18)[0]).to.equal(lookupKey.residentId(id18));
    expect(lookupKeysFor(`${id18.slice(0, 6)}${id18.slice(8, 17)}`)[0], 'the old 15-digit form').to.equal(lookupKey.residentId(id18));
    for (const phone of ['13812345678', '+86 138 1234 5678', '0086-138-1234-5678', '138-1234-5678'])
      expect(lookupKeysFor(phone), phone).to.include(lookupKey.mobile('13812345678'));
    expect(lookupKeysFor('粤B·12345')).to.include(lookupKey.plate('粤B12345'));
    expect(lookupKeysFor(' Zhang.Wei@Example.COM.cn ')).to.include(lookupKey.email('zhang.wei@example.com.cn'));
  });

  it('also tries system references, golden ids, policy numbers and any system id, most specific first', () => {
    expect(lookupKeysFor('crm:C440300000123')).to.deep.equal([
      lookupKey.member('crm', 'C440300000123'),
      lookupKey.golden('crm:C440300000123'),
      lookupKey.policyNumber('CRM:C440300000123'),
      lookupKey.anySystemId('crm:C440300000123'),
    ]);
    expect(lookupKeysFor('pdaa202644030000012345')).to.include(lookupKey.policyNumber('PDAA202644030000012345'));
    expect(lookupKeysFor('   ')).to.deep.equal([]);
    // A bad checksum is not read as an ID number.
    expect(lookupKeysFor(`${id18.slice(0, 17)}${id18[17] === '0' ? '1' : '0'}`).some((key) => key.startsWith('residentId:'))).to.equal(
      false,
    );
  });
});
