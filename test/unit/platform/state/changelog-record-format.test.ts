import { expect } from 'chai';
import fc from 'fast-check';
import { HubError } from '../../../../src/core/hub-error.js';
import { entryRecords, valueRecords } from '../../../../src/platform/state/changelog-record-format.js';

const jsonValue = fc.jsonValue().filter((value) => value !== null);

describe('changelog record formats', () => {
  it('entryRecords keeps value and expiry through a write and a read', () => {
    const format = entryRecords<unknown>();
    fc.assert(
      fc.property(jsonValue, fc.option(fc.integer({ min: 0 }), { nil: undefined }), (value, expiresAt) => {
        const entry = expiresAt === undefined ? { value } : { value, expiresAt };
        expect(format.decode(format.encode(entry, 'k'))).to.deep.equal(JSON.parse(JSON.stringify(entry)));
      }),
    );
  });

  it('valueRecords writes the value alone, as the state topics made before expiry hold it', () => {
    const format = valueRecords<unknown>();
    fc.assert(
      fc.property(jsonValue, (value) => {
        const bytes = format.encode({ value }, 'k');
        expect(bytes.toString()).to.equal(JSON.stringify(value));
        expect(format.decode(bytes)).to.deep.equal({ value: JSON.parse(JSON.stringify(value)) });
      }),
    );
  });

  it('valueRecords refuses an expiry time rather than dropping it', () => {
    expect(() => valueRecords<number>().encode({ value: 1, expiresAt: 5 }, 'mark-1'))
      .to.throw(HubError, 'state key mark-1 has an expiry time')
      .with.property('code', 'STATE_EXPIRY_UNSUPPORTED');
  });
});
