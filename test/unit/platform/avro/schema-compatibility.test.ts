import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { type CompatibilityLevel, type CompatibilityRule, checkCompatibility } from '../../../../src/platform/avro/schema-compatibility.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';

type Field = Record<string, unknown>;

const id: Field = { name: 'customerId', type: 'string' };
const decimal = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });
const phoneType = (symbols: string[]) => ({ type: 'enum', name: 'PhoneType', symbols });
const phones = (symbols: string[]): Field => ({
  name: 'phones',
  type: {
    type: 'array',
    items: {
      type: 'record',
      name: 'Phone',
      fields: [
        { name: 'type', type: phoneType(symbols) },
        { name: 'number', type: 'string' },
      ],
    },
  },
});

function customer(fields: Field[], extra: Record<string, unknown> = {}): object {
  return { type: 'record', name: 'Customer', namespace: 'crmhub.customer', fields: [id, ...fields], ...extra };
}

interface Case {
  name: string;
  old: object;
  new: object;
  /** Rules expected in each direction; [] means compatible that way. */
  backward: CompatibilityRule[];
  forward: CompatibilityRule[];
  path?: string;
}

const CASES: Case[] = [
  { name: 'an identical schema', old: customer([phones(['MOBILE'])]), new: customer([phones(['MOBILE'])]), backward: [], forward: [] },
  {
    name: 'adding an optional field with a default',
    old: customer([]),
    new: customer([{ name: 'email', type: ['null', 'string'], default: null }]),
    backward: [],
    forward: [],
  },
  {
    name: 'adding a field without a default',
    old: customer([]),
    new: customer([{ name: 'email', type: 'string' }]),
    backward: ['FIELD_ADDED_WITHOUT_DEFAULT'],
    forward: [],
    path: 'Customer.email',
  },
  {
    name: 'removing a field without a default',
    old: customer([{ name: 'email', type: 'string' }]),
    new: customer([]),
    backward: [],
    forward: ['FIELD_REMOVED_WITHOUT_DEFAULT'],
    path: 'Customer.email',
  },
  {
    name: 'removing a field that had a default',
    old: customer([{ name: 'email', type: 'string', default: '' }]),
    new: customer([]),
    backward: [],
    forward: [],
  },
  {
    name: 'widening int to long',
    old: customer([{ name: 'score', type: 'int' }]),
    new: customer([{ name: 'score', type: 'long' }]),
    backward: [],
    forward: ['TYPE_CHANGED'],
  },
  {
    name: 'narrowing long to int',
    old: customer([{ name: 'score', type: 'long' }]),
    new: customer([{ name: 'score', type: 'int' }]),
    backward: ['TYPE_CHANGED'],
    forward: [],
  },
  {
    name: 'int to double',
    old: customer([{ name: 'score', type: 'int' }]),
    new: customer([{ name: 'score', type: 'double' }]),
    backward: [],
    forward: ['TYPE_CHANGED'],
  },
  {
    name: 'float to double',
    old: customer([{ name: 'score', type: 'float' }]),
    new: customer([{ name: 'score', type: 'double' }]),
    backward: [],
    forward: ['TYPE_CHANGED'],
  },
  {
    name: 'string to bytes',
    old: customer([{ name: 'note', type: 'string' }]),
    new: customer([{ name: 'note', type: 'bytes' }]),
    backward: [],
    forward: [],
  },
  {
    name: 'string to int',
    old: customer([{ name: 'note', type: 'string' }]),
    new: customer([{ name: 'note', type: 'int' }]),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
    path: 'Customer.note',
  },
  {
    name: 'a record becoming an array',
    old: customer([phones(['MOBILE'])]),
    new: customer([{ name: 'phones', type: { type: 'array', items: 'string' } }]),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
    path: 'Customer.phones[]',
  },
  {
    name: 'adding an enum symbol where the enum has a default',
    old: customer([{ name: 'segment', type: { type: 'enum', name: 'Segment', symbols: ['GOLD', 'OTHER'], default: 'OTHER' } }]),
    new: customer([{ name: 'segment', type: { type: 'enum', name: 'Segment', symbols: ['GOLD', 'DIAMOND', 'OTHER'], default: 'OTHER' } }]),
    backward: [],
    forward: [],
  },
  {
    name: 'adding an enum symbol without an enum default',
    old: customer([phones(['MOBILE', 'HOME'])]),
    new: customer([phones(['MOBILE', 'HOME', 'FAX'])]),
    backward: [],
    forward: ['ENUM_SYMBOL_ADDED'],
    path: 'Customer.phones[].type',
  },
  {
    name: 'removing an enum symbol without an enum default',
    old: customer([phones(['MOBILE', 'HOME'])]),
    new: customer([phones(['MOBILE'])]),
    backward: ['ENUM_SYMBOL_REMOVED'],
    forward: [],
    path: 'Customer.phones[].type',
  },
  {
    name: 'making a nullable field required',
    old: customer([{ name: 'email', type: ['null', 'string'], default: null }]),
    new: customer([{ name: 'email', type: 'string' }]),
    backward: ['UNION_BRANCH_REMOVED'],
    forward: [],
    path: 'Customer.email',
  },
  {
    name: 'making a required field nullable',
    old: customer([{ name: 'email', type: 'string' }]),
    new: customer([{ name: 'email', type: ['null', 'string'], default: null }]),
    backward: [],
    forward: ['UNION_BRANCH_ADDED'],
    path: 'Customer.email',
  },
  {
    name: 'adding a union branch',
    old: customer([{ name: 'ref', type: ['null', 'string'], default: null }]),
    new: customer([{ name: 'ref', type: ['null', 'string', 'long'], default: null }]),
    backward: [],
    forward: ['UNION_BRANCH_ADDED'],
  },
  {
    name: 'a nullable string becoming an int',
    old: customer([{ name: 'ref', type: ['null', 'string'], default: null }]),
    new: customer([{ name: 'ref', type: 'int' }]),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
  },
  {
    name: 'renaming the record without an alias',
    old: customer([]),
    new: { ...customer([]), name: 'Client' },
    backward: ['NAME_CHANGED'],
    forward: ['NAME_CHANGED'],
  },
  {
    name: 'renaming the record with an alias',
    old: customer([]),
    new: { ...customer([]), name: 'Client', aliases: ['Customer'] },
    backward: [],
    forward: ['NAME_CHANGED'],
  },
  {
    name: 'moving the record to another namespace',
    old: customer([]),
    new: { ...customer([]), namespace: 'crmhub.party' },
    backward: ['NAME_CHANGED'],
    forward: ['NAME_CHANGED'],
  },
  {
    name: 'renaming a field with an alias',
    old: customer([{ name: 'lastName', type: 'string' }]),
    new: customer([{ name: 'surname', type: 'string', aliases: ['lastName'] }]),
    backward: [],
    forward: ['FIELD_REMOVED_WITHOUT_DEFAULT'],
  },
  {
    name: 'aliases matching two writer fields',
    old: customer([
      { name: 'lastName', type: 'string' },
      { name: 'surname', type: 'string' },
    ]),
    new: customer([{ name: 'surname', type: 'string', aliases: ['lastName'] }]),
    backward: ['FIELD_ALIAS_AMBIGUOUS'],
    forward: ['FIELD_REMOVED_WITHOUT_DEFAULT'],
  },
  {
    name: 'changing a fixed size',
    old: customer([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 16 } }]),
    new: customer([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 32 } }]),
    backward: ['FIXED_SIZE_CHANGED'],
    forward: ['FIXED_SIZE_CHANGED'],
  },
  {
    name: 'changing a decimal scale',
    old: customer([{ name: 'premium', type: decimal(18, 2) }]),
    new: customer([{ name: 'premium', type: decimal(18, 4) }]),
    backward: ['DECIMAL_CHANGED'],
    forward: ['DECIMAL_CHANGED'],
  },
  {
    name: 'widening a decimal precision',
    old: customer([{ name: 'premium', type: decimal(18, 2) }]),
    new: customer([{ name: 'premium', type: decimal(20, 2) }]),
    backward: [],
    forward: ['DECIMAL_CHANGED'],
  },
  {
    name: 'moving a decimal from bytes to fixed',
    old: customer([{ name: 'premium', type: decimal(18, 2) }]),
    new: customer([{ name: 'premium', type: { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal', precision: 18, scale: 2 } }]),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
  },
  {
    name: 'a date becoming a timestamp',
    old: customer([{ name: 'since', type: { type: 'int', logicalType: 'date' } }]),
    new: customer([{ name: 'since', type: { type: 'long', logicalType: 'timestamp-millis' } }]),
    backward: ['LOGICAL_TYPE_CHANGED'],
    forward: ['LOGICAL_TYPE_CHANGED'],
  },
  {
    name: 'annotating a long as timestamp-millis',
    old: customer([{ name: 'since', type: 'long' }]),
    new: customer([{ name: 'since', type: { type: 'long', logicalType: 'timestamp-millis' } }]),
    backward: [],
    forward: [],
  },
  {
    name: 'array items int to long',
    old: customer([{ name: 'scores', type: { type: 'array', items: 'int' } }]),
    new: customer([{ name: 'scores', type: { type: 'array', items: 'long' } }]),
    backward: [],
    forward: ['TYPE_CHANGED'],
    path: 'Customer.scores[]',
  },
  {
    name: 'map values string to int',
    old: customer([{ name: 'tags', type: { type: 'map', values: 'string' } }]),
    new: customer([{ name: 'tags', type: { type: 'map', values: 'int' } }]),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
    path: 'Customer.tags{}',
  },
  {
    name: 'a field added without default inside a nullable nested record',
    old: customer([
      { name: 'vehicle', type: ['null', { type: 'record', name: 'Vehicle', fields: [{ name: 'plate', type: 'string' }] }], default: null },
    ]),
    new: customer([
      {
        name: 'vehicle',
        type: [
          'null',
          {
            type: 'record',
            name: 'Vehicle',
            fields: [
              { name: 'plate', type: 'string' },
              { name: 'color', type: 'string' },
            ],
          },
        ],
        default: null,
      },
    ]),
    backward: ['FIELD_ADDED_WITHOUT_DEFAULT'],
    forward: [],
    path: 'Customer.vehicle.color',
  },
  {
    name: 'a recursive record gaining an optional field',
    old: { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'], default: null }] },
    new: {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'next', type: ['null', 'Node'], default: null },
        { name: 'label', type: 'string', default: '' },
      ],
    },
    backward: [],
    forward: [],
  },
  {
    name: 'a recursive record gaining a required field',
    old: { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'], default: null }] },
    new: {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'next', type: ['null', 'Node'], default: null },
        { name: 'label', type: 'string' },
      ],
    },
    backward: ['FIELD_ADDED_WITHOUT_DEFAULT'],
    forward: [],
    path: 'Node.label',
  },
];

function rules(issues: { rule: string }[]): string[] {
  return issues.map((issue) => issue.rule);
}

function avscResolves(reader: object, writer: object): boolean {
  try {
    parseAvroSchema(reader).createResolver(parseAvroSchema(writer));
    return true;
  } catch {
    return false;
  }
}

describe('checkCompatibility', () => {
  describe('rules per change', () => {
    for (const testCase of CASES) {
      it(`${testCase.name}: BACKWARD ${testCase.backward.join(',') || 'ok'}, FORWARD ${testCase.forward.join(',') || 'ok'}`, () => {
        const backward = checkCompatibility(testCase.new, [testCase.old], 'BACKWARD');
        const forward = checkCompatibility(testCase.new, [testCase.old], 'FORWARD');
        expect(rules(backward)).to.deep.equal(testCase.backward);
        expect(rules(forward)).to.deep.equal(testCase.forward);
        expect(rules(checkCompatibility(testCase.new, [testCase.old], 'FULL'))).to.deep.equal([...testCase.backward, ...testCase.forward]);
        if (testCase.path) expect([...backward, ...forward].map((issue) => issue.path)).to.include(testCase.path);
      });
    }
  });

  describe("agreement with avsc's own resolver", () => {
    for (const testCase of CASES) {
      it(testCase.name, () => {
        expect(avscResolves(testCase.new, testCase.old), 'new reads old').to.equal(testCase.backward.length === 0);
        expect(avscResolves(testCase.old, testCase.new), 'old reads new').to.equal(testCase.forward.length === 0);
      });
    }
  });

  it('writes messages that name the field, both types, the version and who cannot read whom', () => {
    const [backward] = checkCompatibility(
      customer([{ name: 'score', type: 'int' }]),
      [customer([{ name: 'score', type: 'long' }])],
      'BACKWARD',
    );
    expect(backward).to.deep.equal({
      path: 'Customer.score',
      rule: 'TYPE_CHANGED',
      direction: 'BACKWARD',
      version: 1,
      message:
        'Customer.score: type changed from long in version 1 to int in the new schema; the new schema cannot read data written with version 1',
    });
    const [forward] = checkCompatibility(customer([phones(['MOBILE', 'FAX'])]), [customer([phones(['MOBILE'])])], 'FORWARD');
    expect(forward?.message).to.equal(
      'Customer.phones[].type: enum crmhub.customer.PhoneType gained symbol FAX, which version 1 lacks and has no enum default for; version 1 cannot read data written with the new schema',
    );
    const [removed] = checkCompatibility(customer([]), [customer([{ name: 'email', type: 'string' }])], 'FORWARD');
    expect(removed?.message).to.equal(
      'Customer.email: field email (string) was removed, and version 1 has no default for it; version 1 cannot read data written with the new schema',
    );
    const [nullable] = checkCompatibility(
      customer([{ name: 'email', type: 'string' }]),
      [customer([{ name: 'email', type: ['null', 'string'], default: null }])],
      'BACKWARD',
    );
    expect(nullable?.message).to.equal(
      'Customer.email: lost union branch null: union [null, string] in version 1 became string; the new schema cannot read data written with version 1',
    );
    const [rescaled] = checkCompatibility(
      customer([{ name: 'premium', type: decimal(18, 4) }]),
      [customer([{ name: 'premium', type: decimal(18, 2) }])],
      'BACKWARD',
    );
    expect(rescaled?.message).to.match(
      /Customer\.premium: changed from decimal\(18,2\) to decimal\(18,4\): the same unscaled bytes would mean a different number/,
    );
  });

  describe('levels', () => {
    const v1 = customer([]);
    const v2 = customer([{ name: 'note', type: 'string', default: '' }]);
    const v3 = customer([{ name: 'note', type: 'string' }]);

    it('NONE and an empty history accept anything', () => {
      expect(checkCompatibility(customer([{ name: 'x', type: 'string' }]), [v1], 'NONE')).to.deep.equal([]);
      expect(checkCompatibility(v3, [], 'FULL_TRANSITIVE')).to.deep.equal([]);
    });

    it('non-transitive levels compare with the latest version only', () => {
      expect(checkCompatibility(v3, [v1, v2], 'BACKWARD')).to.deep.equal([]);
    });

    it('transitive levels compare with every version, newest first', () => {
      const issues = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE');
      expect(issues.map((issue) => `${issue.version} ${issue.rule}`)).to.deep.equal(['1 FIELD_ADDED_WITHOUT_DEFAULT']);
      const forward = checkCompatibility(
        v1,
        [customer([{ name: 'a', type: 'int' }]), customer([{ name: 'b', type: 'int' }])],
        'FORWARD_TRANSITIVE',
      );
      expect(forward.map((issue) => `${issue.version} ${issue.path}`)).to.deep.equal(['2 Customer.b', '1 Customer.a']);
      expect(rules(checkCompatibility(v1, [v3, v2], 'FULL_TRANSITIVE'))).to.deep.equal(['FIELD_REMOVED_WITHOUT_DEFAULT']);
    });

    it('uses registry version numbers when given', () => {
      const [issue] = checkCompatibility(v3, [{ schema: v1, version: 7 }], 'BACKWARD');
      expect(issue?.version).to.equal(7);
      expect(issue?.message).to.contain('written with version 7');
    });

    it('accepts schemas as JSON text', () => {
      expect(rules(checkCompatibility(JSON.stringify(v3), [JSON.stringify(v1)], 'BACKWARD'))).to.deep.equal([
        'FIELD_ADDED_WITHOUT_DEFAULT',
      ]);
    });

    it('rejects an unknown level and invalid schemas, saying which one', () => {
      expect(() => checkCompatibility(v1, [v1], 'SIDEWAYS' as CompatibilityLevel))
        .to.throw(/unknown compatibility level SIDEWAYS/)
        .with.property('code', 'COMPATIBILITY_LEVEL_UNKNOWN');
      expect(() => checkCompatibility('{"type":"record"}', [v1], 'BACKWARD'))
        .to.throw(/the new schema is not a valid Avro schema/)
        .with.property('code', 'SCHEMA_INVALID');
      expect(() => checkCompatibility(v1, [v1, { schema: '{', version: 4 }], 'BACKWARD')).to.throw(/version 4 is not a valid Avro schema/);
    });
  });

  describe('on the canonical schemas', () => {
    let catalog: SchemaCatalog;
    before(async () => {
      catalog = await SchemaCatalog.load();
    });

    it('finds each registry schema fully compatible with itself', () => {
      for (const { record } of catalog.topics())
        expect(
          checkCompatibility(catalog.registrySchema(record), [catalog.registrySchema(record)], 'FULL_TRANSITIVE'),
          record,
        ).to.deep.equal([]);
    });

    it('accepts a typical Customer v2: an optional WeChat id and a new value segment behind the enum default', () => {
      const v2 = JSON.parse(catalog.registrySchema('crmhub.customer.Customer')) as { fields: Field[] };
      v2.fields.push({ name: 'wechatOpenId', type: ['null', 'string'], default: null, pii: true, doc: 'WeChat OpenID of the customer.' });
      const segment = v2.fields.find((field) => field.name === 'valueSegment') as { type: { symbols: string[] } };
      segment.type.symbols = ['DIAMOND', ...segment.type.symbols];
      expect(checkCompatibility(v2, [catalog.registrySchema('crmhub.customer.Customer')], 'FULL_TRANSITIVE')).to.deep.equal([]);
    });

    it('rejects a Policy v2 that drops the LAPSED status, naming the field and the direction', () => {
      const v2 = JSON.parse(catalog.registrySchema('crmhub.policy.Policy')) as { fields: Field[] };
      const status = v2.fields.find((field) => field.name === 'status') as { type: { symbols: string[] } };
      status.type.symbols = status.type.symbols.filter((symbol) => symbol !== 'LAPSED');
      const issues = checkCompatibility(v2, [catalog.registrySchema('crmhub.policy.Policy')], 'FULL');
      expect(issues.map((issue) => `${issue.direction} ${issue.path} ${issue.rule}`)).to.deep.equal([
        'BACKWARD Policy.status ENUM_SYMBOL_REMOVED',
      ]);
    });
  });
});
