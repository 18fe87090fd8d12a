import { expect } from 'chai';
import fc from 'fast-check';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { epochMillisOfDay, formatIsoDateOfDays, formatIsoTimestamp } from '../../../../src/platform/avro/logical-types/calendar-date.js';
import { LogicalValueError } from '../../../../src/platform/avro/logical-types/logical-value-error.js';
import { TimestampMillisType } from '../../../../src/platform/avro/logical-types/timestamp-millis-type.js';

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

  // Canonical strings (what decoding gives) take a fast path by character codes; these pin it to Date's reading.
  it('reads every canonical string as Date does, for any instant from year 0 to 9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
        (epochMillis) => {
          const text = new Date(epochMillis).toISOString();
          expect(millis.fromBuffer(timestamp.toBuffer(text))).to.equal(epochMillis);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('refuses a canonical-looking string with any impossible field, or a non-digit anywhere, as the general parser does', () => {
    const canonical = fc.tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999 }),
    );
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        canonical,
        fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom('x', ' ', '/', ':', '-', '9')), { nil: undefined }),
        ([year, month, day, hour, minute, second, ms], damage) => {
          let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`;
          if (damage) text = text.slice(0, damage[0]) + damage[1] + text.slice(damage[0] + 1);
          const parsed = Date.parse(text);
          // Date.parse rolls impossible days over (2023-02-30 → March 2) where the type refuses them.
          const possible =
            /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text) && !Number.isNaN(parsed) && new Date(parsed).toISOString() === text;
          if (possible) expect(millis.fromBuffer(timestamp.toBuffer(text))).to.equal(parsed);
          else expect(() => timestamp.toBuffer(text), text).to.throw(LogicalValueError);
        },
      ),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('counts days arithmetically as Date does, across leap years, centuries and before the epoch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -271820, max: 275759 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (year, month, day) => {
          const date = new Date(0);
          date.setUTCFullYear(year, month - 1, day);
          expect(epochMillisOfDay(year, month, day)).to.equal(date.getTime());
        },
      ),
      { seed: 3, numRuns: 3000 },
    );
    expect(epochMillisOfDay(2024, 2, 29)).to.equal(Date.UTC(2024, 1, 29));
    expect(epochMillisOfDay(1900, 3, 1) - epochMillisOfDay(1900, 2, 28)).to.equal(86_400_000);
  });

  it('writes every instant Date can hold exactly as Date.prototype.toISOString does (six-digit years outside 0000-9999 too)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.integer({ min: -62167219200000 - 1000, max: -62167219200000 + 1000 }),
          fc.integer({ min: -86_400_001, max: 86_400_001 }),
        ),
        (epochMillis) => {
          expect(formatIsoTimestamp(epochMillis)).to.equal(new Date(epochMillis).toISOString());
          // avsc's zig-zag doubles a long, so beyond ±2^52 the bytes themselves lose precision: the type is checked within.
          if (Math.abs(epochMillis) < 2 ** 52)
            expect(timestamp.fromBuffer(millis.toBuffer(epochMillis))).to.equal(new Date(epochMillis).toISOString());
        },
      ),
      { seed: 5, numRuns: 5000 },
    );
    for (const edge of [8.64e15, -8.64e15, 0, -1, 253402300799999, 253402300800000])
      expect(formatIsoTimestamp(edge)).to.equal(new Date(edge).toISOString());
  });

  it('writes the date of a day count as Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
        expect(formatIsoDateOfDays(days)).to.equal(new Date(days * 86_400_000).toISOString().slice(0, -14));
      }),
      { seed: 6, numRuns: 5000 },
    );
  });
});
