import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import { columnsOf, columnValue, snakeCase } from '../../table-columns.js';
import { upsertSql } from '../../upsert-statement.js';
import { postgresFailure } from '../../postgres-failure-classifier.js';

describe('postgres-sink columns from Avro types', () => {
  let catalog: SchemaCatalog;
  before(async () => {
    catalog = await SchemaCatalog.load();
  });

  it('flattens nested records with _ and maps logical types, enums, arrays', () => {
    const columns = Object.fromEntries(columnsOf(catalog.type('crmhub.customer.Customer')).map((c) => [c.name, c.sqlType]));
    expect(columns).to.include({
      meta_event_id: 'text',
      meta_occurred_at: 'timestamptz',
      customer_id: 'text',
      customer_type: 'text',
      birth_date: 'date',
      phones: 'jsonb',
      addresses: 'jsonb',
      email: 'text',
      created_at: 'timestamptz',
    });
  });

  it('maps decimals to numeric(p,s), maps to jsonb, ints and longs, and a nullable nested record', () => {
    const type = parseAvroSchema({
      type: 'record',
      name: 'T',
      namespace: 'x',
      fields: [
        {
          name: 'premium',
          type: {
            type: 'record',
            name: 'M',
            fields: [
              { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 } },
              { name: 'currency', type: 'string' },
            ],
          },
        },
        { name: 'attrs', type: { type: 'map', values: 'string' } },
        { name: 'count', type: 'int' },
        { name: 'total', type: ['null', 'long'], default: null },
        { name: 'flag', type: 'boolean' },
        { name: 'either', type: ['null', 'string', 'long'], default: null },
        { name: 'sub', type: ['null', { type: 'record', name: 'S', fields: [{ name: 'innerValue', type: 'double' }] }], default: null },
      ],
    });
    expect(columnsOf(type).map((c) => `${c.name} ${c.sqlType}`)).to.deep.equal([
      'premium_amount numeric(18,2)',
      'premium_currency text',
      'attrs jsonb',
      'count integer',
      'total bigint',
      'flag boolean',
      'either jsonb',
      'sub_inner_value double precision',
    ]);
  });

  it('reads column values: nested paths, JSON for jsonb, null for absent', () => {
    const columns = columnsOf(catalog.type('Customer'));
    const value = sampleCustomer();
    const byName = (name: string) =>
      columnValue(
        value,
        columns.find((c) => c.name === name)!,
      );
    expect(byName('meta_event_id')).to.equal('0f8d3b52-6c1e-4a9b-9d57-2f4e8c1a7b30');
    expect(JSON.parse(byName('phones') as string)).to.have.length(2);
    expect(byName('merged_into_customer_id')).to.equal(null);
  });

  it('snake_cases names', () => {
    expect(['customerId', 'meta', 'eventID', 'HTTPStatus', 'already_snake'].map(snakeCase)).to.deep.equal([
      'customer_id',
      'meta',
      'event_id',
      'http_status',
      'already_snake',
    ]);
  });

  it('builds one multi-row upsert keyed by the business key', () => {
    const columns = columnsOf(catalog.type('Customer')).slice(0, 2);
    expect(upsertSql('dw', 'dw_customer', columns, 2)).to.equal(
      'INSERT INTO "dw"."dw_customer" ("key", "meta_event_id", "meta_event_type") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT ("key") DO UPDATE SET "meta_event_id" = EXCLUDED."meta_event_id", "meta_event_type" = EXCLUDED."meta_event_type"',
    );
  });

  it('classifies connection and serialization failures as retriable, data and constraint errors as not', () => {
    const sql = (code: string) => Object.assign(new Error('x'), { code });
    expect(postgresFailure(sql('40001'), 'q').retriable).to.equal(true);
    expect(postgresFailure(sql('08006'), 'q').retriable).to.equal(true);
    expect(postgresFailure(sql('57P01'), 'q').retriable).to.equal(true);
    expect(postgresFailure(sql('ECONNREFUSED'), 'q')).to.include({ code: 'PG_CONNECTION', retriable: true });
    expect(postgresFailure(sql('23505'), 'q')).to.include({ code: 'PG_23505', retriable: false });
    expect(postgresFailure(sql('22P02'), 'q').retriable).to.equal(false);
    expect(postgresFailure(sql('42703'), 'q').retriable).to.equal(false);
  });
});
