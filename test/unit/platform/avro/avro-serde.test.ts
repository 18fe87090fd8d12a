import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { AvroEncodeError, RecordDecodeError } from '../../../../src/platform/avro/record-decode-error.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { SchemaRegistry } from '../../../../src/platform/avro/schema-registry.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';

const SUBJECT = valueSubject('crm.customer.v1');

/** Counts the registry's answers, so a test sees what was asked again and what was cached. */
class CountingRegistry implements SchemaRegistry {
  readonly inner = new InMemorySchemaRegistry();
  registrations = 0;
  lookups = 0;

  register(subject: string, schema: string): Promise<number> {
    this.registrations++;
    return this.inner.register(subject, schema);
  }

  lookup(subject: string, schema: string): Promise<{ id: number } | undefined> {
    return this.inner.lookup(subject, schema);
  }

  schemaById(id: number): Promise<string> {
    this.lookups++;
    return this.inner.schemaById(id);
  }
}

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('AvroSerde', () => {
  let catalog: SchemaCatalog;
  let schema: string;

  before(async () => {
    catalog = await SchemaCatalog.load();
    schema = catalog.registrySchema('crmhub.customer.Customer');
  });

  it('answers encodeNow and decodeNow at once once the registry has answered, with the bytes and value of encode and decode', async () => {
    const registry = new CountingRegistry();
    const serde = new AvroSerde(registry);
    const first = serde.encodeNow(SUBJECT, schema, sampleCustomer());
    expect(first, 'the schema id is not known yet').to.be.instanceOf(Promise);
    const bytes = await first;

    const again = serde.encodeNow(SUBJECT, schema, sampleCustomer());
    expect(again).to.be.instanceOf(Buffer);
    expect((again as Buffer).equals(bytes)).to.equal(true);
    expect((await serde.encode(SUBJECT, schema, sampleCustomer())).equals(bytes)).to.equal(true);
    expect(registry.registrations).to.equal(1);

    const reader = new AvroSerde(registry);
    const decodedFirst = reader.decodeNow(bytes);
    expect(decodedFirst, 'the writer schema is not known yet').to.be.instanceOf(Promise);
    const expected = await decodedFirst;
    const decoded = reader.decodeNow(bytes);
    expect(decoded).not.to.be.instanceOf(Promise);
    expect(JSON.parse(JSON.stringify(decoded))).to.deep.equal(JSON.parse(JSON.stringify(expected)));
    expect(JSON.parse(JSON.stringify((decoded as { value: unknown }).value))).to.deep.equal(sampleCustomer());
    expect(registry.lookups).to.equal(1);
  });

  it('gives a body that later encodes do not overwrite', async () => {
    const serde = new AvroSerde(new InMemorySchemaRegistry());
    await serde.encode(SUBJECT, schema, sampleCustomer());
    const one = serde.encodeNow(SUBJECT, schema, { ...sampleCustomer(), fullName: '李娜' }) as Buffer;
    const copy = Buffer.from(one);
    serde.encodeNow(SUBJECT, schema, { ...sampleCustomer(), fullName: '王秀英王秀英王秀英' });
    expect(one.equals(copy)).to.equal(true);
    expect(((await serde.decode(one)).value as { fullName: string }).fullName).to.equal('李娜');
  });

  it('names every failing path of an invalid value, thrown by encodeNow and rejected by encode, before asking the registry', async () => {
    const registry = new CountingRegistry();
    const serde = new AvroSerde(registry);
    const invalid = { ...sampleCustomer(), status: 'SLEEPING', createdAt: '2026-02-30T00:00:00.000Z' };
    let thrown: unknown;
    try {
      serde.encodeNow(SUBJECT, schema, invalid);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(AvroEncodeError);
    const problems = (thrown as AvroEncodeError).problems;
    expect(problems.some((problem) => problem.startsWith('status:'))).to.equal(true);
    expect(problems.some((problem) => problem.startsWith('createdAt:') && problem.includes('has no day 30'))).to.equal(true);
    const rejected = await rejection(() => serde.encode(SUBJECT, schema, invalid));
    expect(rejected).to.be.instanceOf(AvroEncodeError);
    expect((rejected as AvroEncodeError).problems).to.deep.equal(problems);
    expect(registry.registrations).to.equal(0);
  });

  it('refuses a primitive where a record has only fields with defaults, which avsc would write as the defaults', async () => {
    const lenient = JSON.stringify({
      type: 'record',
      name: 'Outer',
      namespace: 'test',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'note', type: ['null', 'string'], default: null }] } },
      ],
    });
    const serde = new AvroSerde(new InMemorySchemaRegistry());
    expect(
      JSON.parse(JSON.stringify((await serde.decode(await serde.encode('t-value', lenient, { inner: { note: 'x' } }))).value)),
    ).to.deep.equal({ inner: { note: 'x' } });
    const error = await rejection(() => serde.encode('t-value', lenient, { inner: 'not a record' }));
    expect(error).to.be.instanceOf(AvroEncodeError);
    expect((error as AvroEncodeError).problems[0]).to.match(/^inner: /);
  });

  it('throws from decodeNow and rejects from decode what cannot be decoded, naming where it came from', async () => {
    const serde = new AvroSerde(new InMemorySchemaRegistry());
    const origin = { topic: 'crm.customer.v1', partition: 2, offset: '41' };
    expect(() => serde.decodeNow(Buffer.from('{"a":1}'), origin)).to.throw(RecordDecodeError, 'crm.customer.v1[2]@41');
    const error = await rejection(() => serde.decode(Buffer.from([0, 0, 0, 0, 9, 1]), origin));
    expect(error).to.be.instanceOf(RecordDecodeError);
    expect((error as RecordDecodeError).code).to.equal('SCHEMA_ID_UNKNOWN');
  });

  it('asks the registry again after a failed registration', async () => {
    let failures = 1;
    const inner = new InMemorySchemaRegistry();
    const flaky: SchemaRegistry = {
      register: (subject, text) => (failures-- > 0 ? Promise.reject(new Error('registry away')) : inner.register(subject, text)),
      lookup: (subject, text) => inner.lookup(subject, text),
      schemaById: (id) => inner.schemaById(id),
    };
    const serde = new AvroSerde(flaky);
    expect(await rejection(() => serde.encode(SUBJECT, schema, sampleCustomer()))).to.have.property('message', 'registry away');
    expect(await serde.encode(SUBJECT, schema, sampleCustomer())).to.be.instanceOf(Buffer);
    expect(serde.encodeNow(SUBJECT, schema, sampleCustomer())).to.be.instanceOf(Buffer);
  });
});
