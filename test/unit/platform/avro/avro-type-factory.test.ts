import { expect } from 'chai';
import type avro from 'avsc';
import { type AvroTypeRegistry, parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { explainInvalidValue } from '../../../../src/platform/avro/invalid-value-explanation.js';
import { SchemaInvalidError } from '../../../../src/platform/avro/schema-errors.js';

const order = {
  type: 'record',
  name: 'Order',
  namespace: 'test.shop',
  fields: [
    { name: 'total', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
    { name: 'deliveryDate', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Line',
          fields: [
            { name: 'shippedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
            { name: 'quantity', type: 'int' },
          ],
        },
      },
    },
    { name: 'notes', type: { type: 'map', values: 'string' } },
  ],
};

function invalidPaths(type: avro.Type, value: unknown): string[] {
  const found: string[] = [];
  type.isValid(value, {
    errorHook: (path, invalid, invalidType) => found.push(`${path.join('.')}: ${explainInvalidValue(invalidType, invalid)}`),
  });
  return found;
}

describe('parseAvroSchema', () => {
  const type = parseAvroSchema(order);
  const valid = {
    total: '99.90',
    deliveryDate: '2026-12-01',
    lines: [{ shippedAt: '2026-11-23T08:30:00.000Z', quantity: 2 }],
    notes: { gate: '南门' },
  };

  it('round-trips values in their JSON forms', () => {
    expect(type.fromBuffer(type.toBuffer(valid))).to.deep.include({ total: '99.90', deliveryDate: '2026-12-01' });
  });

  it("reports each bad logical value through isValid's errorHook with its path and the reason", () => {
    const bad = {
      ...valid,
      total: '1.234',
      deliveryDate: '2023-02-30',
      lines: [
        { shippedAt: '2026-11-23T08:30:00.000Z', quantity: 1 },
        { shippedAt: 'soon', quantity: 1 },
      ],
    };
    expect(type.isValid(bad)).to.equal(false);
    expect(invalidPaths(type, bad)).to.deep.equal([
      'total: it has 3 significant digits after the point and the scale allows 2',
      'deliveryDate: 2023-02 has no day 30',
      'lines.1.shippedAt: expected an ISO-8601 timestamp with a zone, such as 2026-11-23T08:30:00.000Z',
    ]);
  });

  it('explains values of plain types too', () => {
    expect(invalidPaths(type, { ...valid, lines: [{ shippedAt: '2026-11-23T08:30:00.000Z', quantity: 'two' }] })).to.deep.equal([
      'lines.0.quantity: expected int, got "two"',
    ]);
  });

  it('accepts schema JSON text, including a bare primitive', () => {
    expect(parseAvroSchema(JSON.stringify(order)).name).to.equal('test.shop.Order');
    expect(parseAvroSchema('"string"').typeName).to.equal('string');
  });

  it('accepts any valid Avro schema a writer may have registered', () => {
    const recursive = parseAvroSchema({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: 'long' },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    expect(recursive.fromBuffer(recursive.toBuffer({ value: 1, next: { value: 2, next: null } }))).to.deep.include({ value: 1 });
    // Two numeric branches cannot be told apart unwrapped, so avsc wraps this union.
    const ambiguous = parseAvroSchema(['int', 'long', 'string']);
    expect(ambiguous.fromBuffer(ambiguous.toBuffer({ long: 5 }))).to.deep.include({ long: 5 });
    const unknownLogical = parseAvroSchema({ type: 'long', logicalType: 'timestamp-micros' });
    expect(unknownLogical.typeName).to.equal('long');
  });

  it('lets later schemas use the named types of earlier ones through a shared registry', () => {
    const registry: AvroTypeRegistry = {};
    parseAvroSchema(
      {
        type: 'record',
        name: 'x.Money',
        fields: [{ name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 } }],
      },
      registry,
    );
    const invoice = parseAvroSchema({ type: 'record', name: 'x.Invoice', fields: [{ name: 'due', type: 'Money' }] }, registry);
    expect(invoice.fromBuffer(invoice.toBuffer({ due: { amount: '5' } })).due.amount).to.equal('5.00');
    expect(Object.keys(registry)).to.include.members(['x.Money', 'x.Invoice']);
  });

  it("keeps the caller's registry complete even when an invalid logical type falls back", () => {
    const registry: AvroTypeRegistry = {};
    parseAvroSchema(
      {
        type: 'record',
        name: 'y.Outer',
        fields: [
          { name: 'odd', type: { type: 'bytes', logicalType: 'decimal', precision: 1, scale: 5 } },
          { name: 'inner', type: { type: 'record', name: 'Inner', fields: [] } },
        ],
      },
      registry,
    );
    expect(registry).to.have.property('y.Inner');
  });

  it('throws SchemaInvalidError (SCHEMA_INVALID) for text that is not JSON or not Avro', () => {
    expect(() => parseAvroSchema('{ "type": '))
      .to.throw(SchemaInvalidError, /must be JSON/)
      .with.property('code', 'SCHEMA_INVALID');
    expect(() => parseAvroSchema({ type: 'record', name: 'Bad', fields: [{ name: 'x', type: 'Undefined' }] })).to.throw(
      SchemaInvalidError,
      /undefined type name: Undefined/,
    );
    expect(() => parseAvroSchema({ type: 'record', name: 'Bad', fields: [{ name: 'x', type: 'int', default: 'one' }] })).to.throw(
      SchemaInvalidError,
      /incompatible field default/,
    );
  });
});
