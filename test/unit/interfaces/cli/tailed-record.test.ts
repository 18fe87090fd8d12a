import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { PersonalDataView } from '../../../../src/interfaces/api/personal-data-view.js';
import { ConfigError } from '../../../../src/core/hub-error.js';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { TailedRecordReader, tailedRecordLine } from '../../../../src/interfaces/cli/tailed-record.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { PROJECT_ROOT } from '../../../support/cli-process.js';

function incoming(
  topic: string,
  offset: number,
  key: string | null,
  value: Buffer | null,
  headers: Record<string, string> = {},
): IncomingRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    key: key === null ? null : Buffer.from(key),
    value,
    headers,
    timestamp: String(Date.UTC(2026, 11, 7, 9, 0, 0)),
  };
}

describe('how crm-hub tail shows a record', () => {
  let catalog: SchemaCatalog;
  let serde: AvroSerde;
  let jsonCatalog: SchemaCatalog;
  let dir: string;

  before(async () => {
    catalog = await SchemaCatalog.load();
    serde = new AvroSerde(new InMemorySchemaRegistry());
    // A copy of schemas/ in which one topic is declared JSON text.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-tailed-record-'));
    fs.cpSync(path.join(PROJECT_ROOT, 'schemas'), dir, { recursive: true });
    const topicsFile = path.join(dir, 'topics.json');
    const topics = JSON.parse(fs.readFileSync(topicsFile, 'utf8')) as Record<string, unknown>;
    topics['crm.customer-json.v1'] = { record: 'crmhub.customer.Customer', key: 'customerId', format: 'json' };
    fs.writeFileSync(topicsFile, JSON.stringify(topics));
    jsonCatalog = await SchemaCatalog.load(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const reader = (topic: string, principal?: { name: string; role: 'viewer' | 'operator' | 'admin' }, source = catalog) =>
    new TailedRecordReader(topic, source, new PersonalDataView(source), principal, () => serde);

  it('decodes Avro, keeps key and headers, and masks personal data unless the caller is an operator', async () => {
    const bytes = await serde.encode('crm.customer.v1-value', catalog.registrySchema('crmhub.customer.Customer'), sampleCustomer());
    const record = incoming('crm.customer.v1', 7, 'C440300000123', bytes, { traceparent: '00-abc-def-01', 'x-caller': 'call 13812345678' });
    const masked = await reader('crm.customer.v1').read(record);
    expect(masked).to.deep.include({
      timestamp: '2026-12-07T09:00:00.000Z',
      partition: 0,
      offset: '7',
      key: 'C440300000123',
      format: 'avro',
    });
    expect(masked.schema?.name).to.equal('crmhub.customer.Customer');
    expect(masked.headers).to.deep.equal({ traceparent: '00-abc-def-01', 'x-caller': 'call 138****5678' });
    expect(masked.value).to.deep.include({ fullName: '张*', email: 'z***@example.com.cn', updatedAt: '2026-11-23T08:29:58.123Z' });
    const whole = await reader('crm.customer.v1', { name: 'ops', role: 'operator' }).read(record);
    expect(whole.value).to.deep.include({ fullName: '张伟', email: 'zhang.wei@example.com.cn' });
    expect((await reader('crm.customer.v1', { name: 'dash', role: 'viewer' }).read(record)).value).to.deep.include({ fullName: '张*' });
  });

  it('shows bytes that do not decode with the reason and a hex preview instead of throwing', async () => {
    const avroTopic = reader('crm.customer.v1');
    const text = await avroTopic.read(
      incoming('crm.customer.v1', 1, 'k', Buffer.from('{"fullName":"张伟","customerId":"C1","more":"xxxxxxxxxxxxxx"}')),
    );
    expect(text.error?.code).to.equal('WIRE_FORMAT_INVALID');
    expect(text.error?.message).to.contain('JSON, not Avro?');
    expect(text.preview).to.equal('7b 22 66 75 6c 6c 4e 61 6d 65 22 3a 22 e5 bc a0 …');
    expect(tailedRecordLine(text)).to.match(
      /^2026-12-07T09:00:00\.000Z {2}0:1 {2}key=k {2}UNDECODABLE WIRE_FORMAT_INVALID: .* \[\d+ bytes: 7b 22 .* …\]$/,
    );
    // No registry: an Avro record says so, and the reading goes on.
    const noRegistry = new TailedRecordReader('other', catalog, new PersonalDataView(catalog), undefined, () => {
      throw new ConfigError('SCHEMA_REGISTRY_URL_MISSING', 'no schema registry');
    });
    const avro = await noRegistry.read(incoming('other', 2, null, Buffer.from([0, 0, 0, 0, 1, 2])));
    expect(avro.error).to.deep.equal({ code: 'SCHEMA_REGISTRY_URL_MISSING', message: 'no schema registry' });
    expect(tailedRecordLine(avro)).to.contain('key=(none)');
    const tombstone = await noRegistry.read(incoming('other', 3, 'k', null));
    expect(tombstone.format).to.equal('null');
    expect(tailedRecordLine(tombstone)).to.contain('(tombstone: null value)');
  });

  it('checks a topic declared JSON against its record, and reads an undeclared topic as JSON text', async () => {
    const declared = reader('crm.customer-json.v1', undefined, jsonCatalog);
    const good = await declared.read(incoming('crm.customer-json.v1', 0, 'C440300000123', Buffer.from(JSON.stringify(sampleCustomer()))));
    expect(good).to.deep.include({ format: 'json', schema: { name: 'crmhub.customer.Customer' } });
    expect(good.value).to.deep.include({ customerId: 'C440300000123', fullName: '张*' });
    const wrong = await declared.read(
      incoming('crm.customer-json.v1', 1, 'C1', Buffer.from(JSON.stringify({ customerId: 'C1', fullName: '李娜' }))),
    );
    expect(wrong.error?.code).to.equal('JSON_RECORD_INVALID');
    expect(JSON.stringify(wrong)).to.not.contain('李娜');
    const free = await reader('audit.anything').read(incoming('audit.anything', 0, null, Buffer.from('{"note":"mail li.na@example.cn"}')));
    expect(free).to.deep.include({ format: 'json', value: { note: 'mail l***@example.cn' } });
  });
});
