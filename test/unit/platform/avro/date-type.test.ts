import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { DateType } from '../../../../src/platform/avro/logical-types/date-type.js';
import { LogicalValueError } from '../../../../src/platform/avro/logical-types/logical-value-error.js';

const date = parseAvroSchema({ type: 'int', logicalType: 'date' });
const days = parseAvroSchema('"int"');

describe('date logical type', () => {
  it('stores days since 1970-01-01 and reads back YYYY-MM-DD', () => {
    expect(date).to.be.instanceOf(DateType);
    expect(days.fromBuffer(date.toBuffer('1970-01-01'))).to.equal(0);
    expect(days.fromBuffer(date.toBuffer('2026-11-23'))).to.equal(20780);
    expect(days.fromBuffer(date.toBuffer('1969-12-31'))).to.equal(-1);
    expect(date.fromBuffer(days.toBuffer(20780))).to.equal('2026-11-23');
    expect(date.fromBuffer(date.toBuffer('1949-10-01'))).to.equal('1949-10-01');
  });

  it('knows leap years', () => {
    expect(date.fromBuffer(date.toBuffer('2024-02-29'))).to.equal('2024-02-29');
    expect(date.fromBuffer(date.toBuffer('2000-02-29'))).to.equal('2000-02-29');
    expect(() => date.toBuffer('1900-02-29')).to.throw(LogicalValueError, /1900-02 has no day 29/);
  });

  it('rejects impossible dates', () => {
    expect(() => date.toBuffer('2023-02-30')).to.throw(LogicalValueError, /date cannot hold "2023-02-30": 2023-02 has no day 30/);
    expect(() => date.toBuffer('2023-13-01')).to.throw(LogicalValueError, /there is no month 13/);
    expect(() => date.toBuffer('2023-04-31')).to.throw(LogicalValueError);
    expect(() => date.toBuffer('2023-00-10')).to.throw(LogicalValueError);
  });

  it('accepts only the YYYY-MM-DD form', () => {
    for (const bad of ['2023-2-3', '20230203', '2023/02/03', '2023-02-03T00:00:00Z', new Date(0), 19000, null]) {
      expect(date.isValid(bad), String(bad)).to.equal(false);
    }
  });

  it("handles years outside 1900-2099 without Date.UTC's two-digit-year trap", () => {
    expect(date.fromBuffer(date.toBuffer('0099-12-31'))).to.equal('0099-12-31');
    expect(date.fromBuffer(date.toBuffer('9999-12-31'))).to.equal('9999-12-31');
  });

  it('rejects an annotation on anything but int when asserted', () => {
    expect(() => parseAvroSchema({ type: 'long', logicalType: 'date' }, undefined, { assertLogicalTypes: true })).to.throw(
      /must annotate an int, not long/,
    );
    expect(parseAvroSchema({ type: 'long', logicalType: 'date' }).typeName).to.equal('long');
  });
});
