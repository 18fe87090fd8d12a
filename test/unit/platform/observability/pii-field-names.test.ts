import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { FALLBACK_PII_FIELD_NAMES, piiFieldNames } from '../../../../src/platform/observability/pii-field-names.js';

describe('pii field names', () => {
  it('are the last names of every pii path in the catalog, and the fallback list is exactly those of schemas/', async () => {
    const names = piiFieldNames(await SchemaCatalog.load());
    expect(names)
      .to.include('fullName')
      .and.include('idNumber')
      .and.include('callerPhone')
      .and.include('number')
      .and.include('vehiclePlates');
    expect(names).not.to.include('phones').and.not.to.include('customerId');
    // When this fails a schema gained or lost a pii field: update FALLBACK_PII_FIELD_NAMES to match.
    expect([...FALLBACK_PII_FIELD_NAMES].sort()).to.deep.equal([...names].sort());
  });

  it('are the fallback list when there is no catalog', () => {
    expect(piiFieldNames()).to.equal(FALLBACK_PII_FIELD_NAMES);
  });
});
