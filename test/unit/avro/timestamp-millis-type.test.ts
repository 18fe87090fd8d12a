import { expect } from 'chai';
import { parseAvroSchema } from '../../../src/avro/avro-type-factory.js';
import { LogicalValueError } from '../../../src/avro/logical-types/logical-value-error.js';
import { TimestampMillisType } from '../../../src/avro/logical-types/timestamp-millis-type.js';

const timestamp = parseAvroSchema({ type: 'long', logicalType: 'timestamp-millis' });
const millis = parseAvroSchema('"long"');

describe('timestamp-millis logical type', () => {
  it('stores epoch milliseconds and reads back an ISO-8601 UTC string', () => {
    expect(timestamp).to.be.instanceOf(TimestampMillisType);
    const bytes = timestamp.toBuffer('2026-11-23T08:30:00.000Z');
    expect(millis.fromBuffer(bytes)).to.equal(Date.parse('2026-11-23T08:30:00.000Z'));
    expect(timestamp.fromBuffer(bytes)).to.equal('2026-11-23T08:30:00.000Z');
    expect(timestamp.fromBuffer(millis.toBuffer(0))).to.equal('1970-01-01T00:00:00.000Z');
    expect(timestamp.fromBuffer(millis.toBuffer(-1))).to.equal('1969-12-31T23:59:59.999Z');
  });

  it('takes a Date, an offset or fewer fraction digits, and always reads back UTC with milliseconds', () => {
    const read = (value: unknown) => timestamp.fromBuffer(timestamp.toBuffer(value));
    expect(read(new Date('2026-11-23T08:30:00Z'))).to.equal('2026-11-23T08:30:00.000Z');
    expect(read('2026-11-23T16:30:00+08:00')).to.equal('2026-11-23T08:30:00.000Z');
    expect(read('2026-11-23T00:30:00-08:00')).to.equal('2026-11-23T08:30:00.000Z');
    expect(read('2026-11-23T08:30:00Z')).to.equal('2026-11-23T08:30:00.000Z');
    expect(read('2026-11-23T08:30:00.5Z')).to.equal('2026-11-23T08:30:00.500Z');
    expect(read('2026-11-23T08:30:00.123000Z')).to.equal('2026-11-23T08:30:00.123Z');
  });

  it('rejects sub-millisecond precision instead of truncating it', () => {
    expect(() => timestamp.toBuffer('2026-11-23T08:30:00.123456Z')).to.throw(LogicalValueError, /fractions of a millisecond/);
  });

  it('rejects impossible dates and times', () => {
    expect(() => timestamp.toBuffer('2023-02-30T00:00:00.000Z')).to.throw(LogicalValueError, /2023-02 has no day 30/);
    expect(() => timestamp.toBuffer('2026-11-23T24:00:00.000Z')).to.throw(LogicalValueError, /time of day/);
    expect(() => timestamp.toBuffer('2026-11-23T08:60:00.000Z')).to.throw(LogicalValueError);
    expect(() => timestamp.toBuffer(new Date('nonsense'))).to.throw(LogicalValueError, /Date is invalid/);
  });

  it('rejects strings without a zone and numbers, whose meaning would be a guess', () => {
    for (const bad of ['2026-11-23T08:30:00', '2026-11-23 08:30:00Z', '2026-11-23', 1795422600000, null, 'yesterday']) {
      expect(timestamp.isValid(bad), String(bad)).to.equal(false);
    }
  });

  it('reads plain long data written before the annotation was added', () => {
    const resolver = timestamp.createResolver(millis);
    expect(timestamp.fromBuffer(millis.toBuffer(1795422600000), resolver)).to.equal('2026-11-23T08:30:00.000Z');
  });

  it('reads int data through the int → long promotion', () => {
    const resolver = timestamp.createResolver(parseAvroSchema('"int"'));
    expect(timestamp.fromBuffer(parseAvroSchema('"int"').toBuffer(1000), resolver)).to.equal('1970-01-01T00:00:01.000Z');
  });

  it('refuses to read date data as a timestamp: days are not milliseconds', () => {
    expect(() => timestamp.createResolver(parseAvroSchema({ type: 'int', logicalType: 'date' }))).to.throw(/cannot read/);
  });
});
