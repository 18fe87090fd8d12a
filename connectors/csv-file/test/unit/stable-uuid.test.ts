import { expect } from 'chai';
import { stableUuid } from '../../stable-uuid.js';

// These ids are already in topics and consumers' stores: a CSV row imported again must get the id it
// got the first time, so whatever stableUuid becomes, it must keep giving exactly these.
describe('stableUuid (event ids of CSV rows)', () => {
  it('gives the ids it has always given', () => {
    expect(stableUuid('crm-csv/customers.csv#1')).to.equal('b23039d1-821d-5373-ae6d-63b53b334c10');
    expect(stableUuid('crm-csv/customers.csv#2')).to.equal('6bb5abcb-fe1a-5a5b-ac6a-895f3073ceb6');
    expect(stableUuid('crm-csv/customers.csv')).to.equal('48fe40ba-1404-57c2-a439-d7c235e738ed');
    expect(stableUuid('LEGACY/export-2024.csv#1')).to.equal('7d11293a-7777-572b-a917-60e47fabbbe3');
  });

  it('is the SHA-256 of the text with the 13th hex digit set to 5 and the 17th to a, whatever the hash had there', () => {
    // sha256('crm-csv/customers.csv#1') = b23039d1 821d 7373 de6d 63b53b334c10…: the 7 becomes 5, the d becomes a
    // (core's nameBasedUuid would keep two bits of the d and write 9).
    expect(stableUuid('crm-csv/customers.csv#1').replace(/-/g, '')).to.equal('b23039d1821d5373ae6d63b53b334c10');
    for (const text of ['a', '', 'crm-csv/x.csv#100']) {
      expect(stableUuid(text)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
