import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { QUARANTINE_HEADER } from '../../../connectors/csv-file/index.js';
import { AvroSerde } from '../../../src/avro/avro-serde.js';
import { SchemaRegistryClient } from '../../../src/avro/schema-registry-client.js';
import { KafkajsClient } from '../../../src/kafka/kafkajs-client.js';
import { DEAD_LETTER_HEADER } from '../../../src/runtime/dead-letter-publisher.js';
import { cleanEnv, runCli } from '../../support/cli-process.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

const COLUMNS_YAML = `
columns:
  客户编号: { field: customerId }
  姓名: { field: fullName }
  证件号码: { field: idNumber }
  出生日期: { field: birthDate, type: date }
  性别: { field: gender }
  状态: { field: status }
  创建时间: { field: createdAt, type: timestamp }
defaults: { customerType: PERSON, idType: RESIDENT_ID, phones: [], addresses: [], email: null, jobCategory: null, valueSegment: UNCLASSIFIED, mergedIntoCustomerId: null, updatedAt: "2026-11-23T00:00:00.000Z" }
timeZone: "+08:00"
eventType: CustomerImported
`;

describe('crm-hub import <file.csv> against the real broker and registry', function () {
  this.timeout(90_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-import-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the valid rows of a GBK export onto the topic, quarantines the bad ones with file/row/reason and exits 2 with a rows/s summary', async () => {
    const p = uniqueName('IMP');
    const lines = [
      '客户编号,姓名,证件号码,出生日期,性别,手机,状态,创建时间',
      `${p}-1,张伟,440305198503121234,19850312,MALE,13812345678,ACTIVE,2019-06-01 10:15:30`,
      `${p}-2,王秀英,310115197211081234,1972-11-08,FEMALE,13912345678,ACTIVE,2020-01-02 08:00:00`,
      `${p}-3,李娜,110101199001011234,1990/01/01,FEMALE,13712345678,ACTIVE,2021-03-04 09:30:00`,
      `${p}-4,赵强,110101198001011234,19800101,男,13612345678,ACTIVE,2021-03-04 09:30:00`,
      `${p}-5,陈静,只有三列`,
      `${p}-6,刘洋,320102198807071234,,UNKNOWN,13512345678,INACTIVE,2022-05-06 12:00:00`,
      `,孙丽,320102198807071235,19880707,FEMALE,13512345679,ACTIVE,2022-05-06 12:00:00`,
    ];
    const csv = path.join(dir, 'customers_gbk.csv');
    fs.writeFileSync(csv, iconv.encode(lines.join('\r\n') + '\r\n', 'gbk'));
    const columns = path.join(dir, 'customers.columns.yaml');
    fs.writeFileSync(columns, COLUMNS_YAML);
    const quarantineTopic = `dlq.import.${p}`;
    const { kafka, registry } = infrastructure();

    const run = await runCli(
      ['import', csv, '--topic', 'crm.customer.v1', '--key', 'customerId', '--columns', columns, '--encoding', 'gbk', '--quarantine-topic', quarantineTopic, '--batch-size', '3', '--brokers', kafka.brokers.join(',')],
      cleanEnv({ SCHEMA_REGISTRY_URL: registry.url }),
    );
    expect(run.code, run.stderr).to.equal(2);
    // stderr is a pipe here: plain lines, no in-place redraw, then the summary.
    expect(run.stderr).to.match(/customers_gbk\.csv \[.*\] \d+% \| \d+ rows \| \d+ rows\/s \| \d+ quarantined/);
    expect(run.stderr).to.match(/customers_gbk\.csv: 7 rows, 3 written, 4 quarantined, \d+ rows\/s, [\d.]+ s \(bad rows on dlq\.import\./);

    const client = new KafkajsClient({ brokers: kafka.brokers });
    const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    const ours = (await client.readToEnd('crm.customer.v1')).filter((r) => r.key?.toString().startsWith(`${p}-`));
    expect(ours.map((r) => r.key!.toString()).sort()).to.deep.equal([`${p}-1`, `${p}-2`, `${p}-6`]);
    const byId = Object.fromEntries(await Promise.all(ours.map(async (r) => [r.key!.toString(), (await serde.decode(r.value)).value as Record<string, unknown>] as const)));
    expect(byId[`${p}-1`]).to.deep.include({ fullName: '张伟', birthDate: '1985-03-12', gender: 'MALE', createdAt: '2019-06-01T02:15:30.000Z' });
    expect(byId[`${p}-2`]).to.deep.include({ fullName: '王秀英', birthDate: '1972-11-08' });
    expect(byId[`${p}-6`]).to.deep.include({ fullName: '刘洋', birthDate: null, status: 'INACTIVE' });
    expect(byId[`${p}-1`]!.meta).to.deep.include({ eventType: 'CustomerImported', sourceSystem: 'csv-import' });
    expect(ours[0]!.headers[QUARANTINE_HEADER.file]).to.equal('customers_gbk.csv');

    const letters = await client.readToEnd(quarantineTopic);
    const byRow = Object.fromEntries(letters.map((l) => [l.headers[QUARANTINE_HEADER.row], l]));
    expect(Object.keys(byRow).sort()).to.deep.equal(['3', '4', '5', '7']);
    for (const letter of letters) {
      expect(letter.headers[QUARANTINE_HEADER.file]).to.equal('customers_gbk.csv');
      expect(letter.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('CSV_ROW_INVALID');
      expect(letter.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal('crm.customer.v1');
    }
    expect(byRow['3']!.headers[QUARANTINE_HEADER.reason]).to.equal('column 出生日期 (birthDate): "1990/01/01" is not a date yyyy-MM-dd or yyyyMMdd');
    expect(byRow['4']!.headers[QUARANTINE_HEADER.reason]).to.match(/^gender: /);
    expect(byRow['5']!.headers[QUARANTINE_HEADER.reason]).to.equal('row has 3 cells, the header has 8');
    expect(byRow['7']!.headers[QUARANTINE_HEADER.reason]).to.equal('no business key: customerId is empty');
    const quarantined = JSON.parse(byRow['4']!.value!.toString()) as { quarantinedCsvRow: { cells: Record<string, string> } };
    expect(quarantined.quarantinedCsvRow.cells.姓名).to.equal('赵强');
  });

  it('exits 0 when every row was written, and 1 with a readable reason when no broker is given', async () => {
    const p = uniqueName('IMP');
    const csv = path.join(dir, 'clean.csv');
    fs.writeFileSync(csv, `客户编号,姓名,证件号码,出生日期,性别,状态,创建时间\n${p}-1,周杰,440305198503121234,1985-03-12,MALE,ACTIVE,2019-06-01 10:15:30\n`);
    const columns = path.join(dir, 'clean.columns.json');
    fs.writeFileSync(columns, JSON.stringify((await import('yaml')).parse(COLUMNS_YAML)));
    const { kafka, registry } = infrastructure();
    const args = ['import', csv, '--topic', 'crm.customer.v1', '--key', 'customerId', '--columns', columns];
    const ok = await runCli(args, cleanEnv({ KAFKA_BROKERS: kafka.brokers.join(','), SCHEMA_REGISTRY_URL: registry.url }));
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stderr).to.match(/clean\.csv: 1 rows, 1 written, 0 quarantined, \d+ rows\/s/);
    const none = await runCli(args, cleanEnv({ SCHEMA_REGISTRY_URL: registry.url }));
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('KAFKA_BROKERS_MISSING').and.to.contain('--brokers');
  });
});
