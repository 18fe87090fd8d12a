import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { DecimalType } from '../../../../src/platform/avro/logical-types/decimal-type.js';
import { LogicalValueError } from '../../../../src/platform/avro/logical-types/logical-value-error.js';

const money = parseAvroSchema({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 });

function roundTrip(type: ReturnType<typeof parseAvroSchema>, value: unknown): unknown {
  return type.fromBuffer(type.toBuffer(value));
}

describe('decimal logical type', () => {
  it('is a DecimalType with its precision and scale', () => {
    expect(money).to.be.instanceOf(DecimalType);
    expect((money as DecimalType).describe()).to.equal('decimal(18,2)');
  });

  it('reads back a string with exactly `scale` fraction digits', () => {
    expect(roundTrip(money, '12345.6')).to.equal('12345.60');
    expect(roundTrip(money, '3860.50')).to.equal('3860.50');
    expect(roundTrip(money, '7')).to.equal('7.00');
    expect(roundTrip(money, '0.05')).to.equal('0.05');
  });

  it('handles zero and negatives', () => {
    expect(roundTrip(money, '0')).to.equal('0.00');
    expect(roundTrip(money, '-0.00')).to.equal('0.00');
    expect(roundTrip(money, '-1.00')).to.equal('-1.00');
    expect(roundTrip(money, '-0.01')).to.equal('-0.01');
    expect(roundTrip(money, '-12345.67')).to.equal('-12345.67');
  });

  it('takes numbers and bigints, including ones JS prints with an exponent', () => {
    expect(roundTrip(money, 3860.5)).to.equal('3860.50');
    expect(roundTrip(money, -42)).to.equal('-42.00');
    expect(roundTrip(money, 123n)).to.equal('123.00');
    expect(roundTrip(money, 1e15)).to.equal('1000000000000000.00');
    expect(roundTrip(money, 1e-2)).to.equal('0.01');
    const wide = parseAvroSchema({ type: 'bytes', logicalType: 'decimal', precision: 30, scale: 0 });
    expect(roundTrip(wide, 1e21)).to.equal('1000000000000000000000');
  });

  it("encodes the unscaled value as minimal two's-complement big-endian bytes, as the specification says", () => {
    // The bytes type prefixes a zig-zag length; the rest is the unscaled integer.
    expect(money.toBuffer('0.00').toString('hex')).to.equal('0200');
    expect(money.toBuffer('1.27').toString('hex')).to.equal('027f');
    expect(money.toBuffer('1.28').toString('hex')).to.equal('040080');
    expect(money.toBuffer('-1.28').toString('hex')).to.equal('0280');
    expect(money.toBuffer('-1.29').toString('hex')).to.equal('04ff7f');
    expect(money.toBuffer('3860.50').toString('hex')).to.equal('0605e402');
  });

  it('holds the largest and smallest values of its precision exactly', () => {
    expect(roundTrip(money, '9999999999999999.99')).to.equal('9999999999999999.99');
    expect(roundTrip(money, '-9999999999999999.99')).to.equal('-9999999999999999.99');
  });

  it('rejects more digits than the precision allows', () => {
    expect(() => money.toBuffer('10000000000000000.00'))
      .to.throw(
        LogicalValueError,
        /decimal\(18,2\) cannot hold "10000000000000000.00": it has 19 significant digits and the precision allows 18/,
      )
      .with.property('code', 'AVRO_LOGICAL_VALUE_INVALID');
  });

  it('rejects more fraction digits than the scale, but not trailing zeros that lose nothing', () => {
    expect(() => money.toBuffer('1.234')).to.throw(LogicalValueError, /3 significant digits after the point and the scale allows 2/);
    expect(() => money.toBuffer(0.1 + 0.2)).to.throw(LogicalValueError, /0.30000000000000004/);
    expect(roundTrip(money, '1.2300')).to.equal('1.23');
  });

  it('rejects values that are not decimal numbers', () => {
    for (const bad of ['', 'abc', '1,000.00', '1.2.3', '1e5', ' 1.00', '.5', 'NaN', NaN, Infinity, null, undefined, {}, true]) {
      expect(() => money.toBuffer(bad), JSON.stringify(bad) ?? String(bad)).to.throw(LogicalValueError);
      expect(money.isValid(bad)).to.equal(false);
    }
  });

  it('explains why a value is invalid and says nothing for a valid one', () => {
    const decimal = money as DecimalType;
    expect(decimal.explain('1.00')).to.equal(undefined);
    expect(decimal.explain('1.001')).to.match(/scale allows 2/);
  });

  it('sign-extends into fixed and checks the fixed size bounds the precision', () => {
    const fixed = parseAvroSchema({ type: 'fixed', name: 'Amount', size: 4, logicalType: 'decimal', precision: 9, scale: 3 });
    expect(fixed.toBuffer('-1.5').toString('hex')).to.equal('fffffa24');
    expect(fixed.toBuffer('1.5').toString('hex')).to.equal('000005dc');
    expect(roundTrip(fixed, '-999999.999')).to.equal('-999999.999');
    expect(() =>
      parseAvroSchema({ type: 'fixed', name: 'Tiny', size: 2, logicalType: 'decimal', precision: 5, scale: 0 }, undefined, {
        assertLogicalTypes: true,
      }),
    ).to.throw(/holds at most 4 digits/);
  });

  it('orders values numerically, not by their bytes', () => {
    expect(money.compare('-1.00', '0.50')).to.equal(-1);
    expect(money.compare('100.00', '99.99')).to.equal(1);
    expect(money.compare('1', '1.00')).to.equal(0);
  });

  it('with scale 0 prints no point', () => {
    const integer = parseAvroSchema({ type: 'bytes', logicalType: 'decimal', precision: 5 });
    expect(roundTrip(integer, '-12345')).to.equal('-12345');
  });

  it('falls back to plain bytes for an invalid declaration, as the specification requires, unless asserted', () => {
    const invalid = { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 };
    expect(parseAvroSchema(invalid).typeName).to.equal('bytes');
    expect(() => parseAvroSchema(invalid, undefined, { assertLogicalTypes: true }))
      .to.throw(/decimal scale must be an integer from 0 to the precision 2, not 3/)
      .with.property('code', 'SCHEMA_INVALID');
  });

  it('exports precision and scale with the schema (avsc would drop them)', () => {
    expect(money.schema({ exportAttrs: true })).to.deep.equal({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 });
  });
});
