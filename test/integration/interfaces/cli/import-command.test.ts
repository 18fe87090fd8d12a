import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { QUARANTINE_HEADER } from '../../../../connectors/csv-file/index.js';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { cleanEnv, runCli, startCli } from '../../../support/cli-process.js';
import { waitOrFail } from '../../../support/wait-until.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

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
      [
        'import',
        csv,
        '--topic',
        'crm.customer.v1',
        '--key',
        'customerId',
        '--columns',
        columns,
        '--encoding',
        'gbk',
        '--quarantine-topic',
        quarantineTopic,
        '--batch-size',
        '3',
        '--brokers',
        kafka.brokers.join(','),
      ],
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
    const byId = Object.fromEntries(
      await Promise.all(
        ours.map(async (r) => [r.key!.toString(), (await serde.decode(r.value)).value as Record<string, unknown>] as const),
      ),
    );
    expect(byId[`${p}-1`]).to.deep.include({
      fullName: '张伟',
      birthDate: '1985-03-12',
      gender: 'MALE',
      createdAt: '2019-06-01T02:15:30.000Z',
    });
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
    expect(byRow['3']!.headers[QUARANTINE_HEADER.reason]).to.equal(
      'column 出生日期 (birthDate): "1990/01/01" is not a date yyyy-MM-dd or yyyyMMdd',
    );
    expect(byRow['4']!.headers[QUARANTINE_HEADER.reason]).to.match(/^gender: /);
    expect(byRow['5']!.headers[QUARANTINE_HEADER.reason]).to.equal('row has 3 cells, the header has 8');
    expect(byRow['7']!.headers[QUARANTINE_HEADER.reason]).to.equal('no business key: customerId is empty');
    const quarantined = JSON.parse(byRow['4']!.value!.toString()) as { quarantinedCsvRow: { cells: Record<string, string> } };
    expect(quarantined.quarantinedCsvRow.cells.姓名).to.equal('赵强');
  });

  it('exits 0 when every row was written, and 1 with a readable reason when no broker is given', async () => {
    const p = uniqueName('IMP');
    const csv = path.join(dir, 'clean.csv');
    fs.writeFileSync(
      csv,
      `客户编号,姓名,证件号码,出生日期,性别,状态,创建时间\n${p}-1,周杰,440305198503121234,1985-03-12,MALE,ACTIVE,2019-06-01 10:15:30\n`,
    );
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

  /** Rows of customers `${p}-1` … with the given names, under COLUMNS_YAML's headers. */
  function customerRows(p: string, names: string[]): string {
    return (
      [
        '客户编号,姓名,证件号码,出生日期,性别,状态,创建时间',
        ...names.map((name, i) => `${p}-${i + 1},${name},440305198503121234,19850312,MALE,ACTIVE,2019-06-01 10:15:30`),
      ].join('\r\n') + '\r\n'
    );
  }

  async function namesOnTopic(p: string): Promise<Record<string, unknown>> {
    const { kafka, registry } = infrastructure();
    const client = new KafkajsClient({ brokers: kafka.brokers });
    const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    const ours = (await client.readToEnd('crm.customer.v1')).filter((r) => r.key?.toString().startsWith(`${p}-`));
    return Object.fromEntries(
      await Promise.all(
        ours.map(async (r) => [r.key!.toString(), ((await serde.decode(r.value)).value as { fullName: unknown }).fullName] as const),
      ),
    );
  }

  it('refuses a GBK file declared utf8 with its line and a hint, sending nothing; reads it right declared gbk or auto, and UTF-8 with a BOM under auto', async () => {
    const { kafka, registry } = infrastructure();
    const columns = path.join(dir, 'encodings.columns.yaml');
    fs.writeFileSync(columns, COLUMNS_YAML);
    const env = cleanEnv({ KAFKA_BROKERS: kafka.brokers.join(','), SCHEMA_REGISTRY_URL: registry.url });
    const run = (csv: string, encoding: string) =>
      runCli(['import', csv, '--topic', 'crm.customer.v1', '--key', 'customerId', '--columns', columns, '--encoding', encoding], env);

    const wrong = uniqueName('ENC');
    const gbkFile = path.join(dir, 'wrong_gbk.csv');
    fs.writeFileSync(gbkFile, iconv.encode(customerRows(wrong, ['张三', '李四']), 'gbk'));
    const refused = await run(gbkFile, 'utf8');
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr)
      .to.contain('CSV_ENCODING_INVALID')
      .and.to.contain(`${gbkFile}:1: not valid UTF-8`)
      .and.to.contain('declare encoding gbk (or auto)');
    expect(fs.existsSync(`${gbkFile}.import-position`)).to.equal(false);

    for (const encoding of ['gbk', 'auto']) {
      const p = uniqueName('ENC');
      const csv = path.join(dir, `customers_${encoding}.csv`);
      fs.writeFileSync(csv, iconv.encode(customerRows(p, ['张三', '欧阳娜娜']), 'gbk'));
      const ok = await run(csv, encoding);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(await namesOnTopic(p)).to.deep.equal({ [`${p}-1`]: '张三', [`${p}-2`]: '欧阳娜娜' });
    }
    expect(await namesOnTopic(wrong)).to.deep.equal({});

    const bomId = uniqueName('ENC');
    const bomFile = path.join(dir, 'customers_bom.csv');
    fs.writeFileSync(bomFile, '\ufeff' + customerRows(bomId, ['王秀英']));
    const bom = await run(bomFile, 'auto');
    expect(bom.code, bom.stderr).to.equal(0);
    expect(await namesOnTopic(bomId)).to.deep.equal({ [`${bomId}-1`]: '王秀英' });

    // The reverse: UTF-8 declared gbk would decode "validly" to mojibake (张三 → 寮犱笁): refused too.
    const reverse = uniqueName('ENC');
    const utf8File = path.join(dir, 'customers_utf8.csv');
    fs.writeFileSync(utf8File, customerRows(reverse, ['张三']));
    const mojibake = await run(utf8File, 'gbk');
    expect(mojibake.code, mojibake.stderr).to.equal(1);
    expect(mojibake.stderr)
      .to.contain('CSV_ENCODING_INVALID')
      .and.to.match(/UTF-8.*: declare encoding utf8 \(or auto\)/);
    expect(await namesOnTopic(reverse)).to.deep.equal({});
  });

  it('resumes an import killed midway after the last acknowledged row: every row arrives, only the one batch in flight at the kill again', async () => {
    const { kafka, registry } = infrastructure();
    const p = uniqueName('RES');
    const rows = 20_000;
    const batchSize = 20;
    const csv = path.join(dir, 'customers_big.csv');
    fs.writeFileSync(
      csv,
      customerRows(
        p,
        Array.from({ length: rows }, (_, i) => `客户${i}`),
      ),
    );
    const columns = path.join(dir, 'resume.columns.yaml');
    fs.writeFileSync(columns, COLUMNS_YAML);
    const env = cleanEnv({ KAFKA_BROKERS: kafka.brokers.join(','), SCHEMA_REGISTRY_URL: registry.url });
    const args = [
      'import',
      csv,
      '--topic',
      'crm.customer.v1',
      '--key',
      'customerId',
      '--columns',
      columns,
      '--batch-size',
      String(batchSize),
    ];
    const positionFile = `${csv}.import-position`;
    const acknowledged = () =>
      (JSON.parse(fs.readFileSync(positionFile, 'utf8')) as { acknowledged: { row: number; line: number; byte: number } }).acknowledged;

    const first = startCli(args, env);
    await waitOrFail(
      () => fs.existsSync(positionFile) && acknowledged().row >= 200,
      60_000,
      () => `200 rows acknowledged (stderr: ${first.stderr()})`,
      10,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = acknowledged();
    expect(killedAt.row).to.be.within(200, rows - 1);
    // The position's line and byte are the row's own: the next line of the file starts there.
    expect(killedAt.line).to.equal(killedAt.row + 1);
    expect(
      fs
        .readFileSync(csv)
        .subarray(killedAt.byte)
        .toString()
        .startsWith(`${p}-${killedAt.row + 1},`),
    ).to.equal(true);

    const neither = await runCli(args, env);
    expect(neither.code).to.equal(1);
    expect(neither.stderr).to.contain('IMPORT_INTERRUPTED').and.to.contain('--resume');

    const resumed = await runCli([...args, '--resume'], env);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(
      new RegExp(
        `customers_big\\.csv: ${rows - killedAt.row} rows, ${rows - killedAt.row} written, 0 quarantined, .*\\(resumed after row ${killedAt.row}\\)`,
      ),
    );
    expect(fs.existsSync(positionFile)).to.equal(false);

    const client = new KafkajsClient({ brokers: kafka.brokers });
    const counts = new Map<number, number>();
    for (const record of await client.readToEnd('crm.customer.v1')) {
      const key = record.key?.toString() ?? '';
      if (key.startsWith(`${p}-`)) counts.set(Number(key.slice(p.length + 1)), (counts.get(Number(key.slice(p.length + 1))) ?? 0) + 1);
    }
    expect(counts.size).to.equal(rows);
    const twice = [...counts].filter(([, n]) => n > 1).map(([row]) => row);
    expect(Math.max(...counts.values())).to.equal(twice.length > 0 ? 2 : 1);
    // At least once: only the batch after the acknowledged position can have been sent before the kill, and again after it.
    expect(
      twice.every((row) => row > killedAt.row && row <= killedAt.row + batchSize),
      `sent twice: ${twice.join(',')}`,
    ).to.equal(true);
    console.log(
      `reliability: crm-hub import of ${rows} rows SIGKILLed after row ${killedAt.row} was acknowledged, then --resume: 0 lost, ${twice.length} sent twice (batch ${batchSize})`,
    );
  });

  it('imports a file several times larger than its heap: a 150 MB file under --max-old-space-size=96 (reading the whole file ran out of memory)', async () => {
    const { kafka, registry } = infrastructure();
    const p = uniqueName('BIG');
    const rows = 5_000;
    // Each row carries 30 KB of remarks the mapping does not read: the file is big, the records are not.
    const remark = '备注'.repeat(5_000);
    const csv = path.join(dir, 'customers_remarks.csv');
    const out = fs.openSync(csv, 'w');
    fs.writeSync(out, '客户编号,姓名,证件号码,出生日期,性别,状态,创建时间,备注\n');
    for (let i = 1; i <= rows; i++)
      fs.writeSync(out, `${p}-${i},客户${i},440305198503121234,19850312,MALE,ACTIVE,2019-06-01 10:15:30,${remark}\n`);
    fs.closeSync(out);
    expect(fs.statSync(csv).size).to.be.greaterThan(150_000_000);
    const columns = path.join(dir, 'remarks.columns.yaml');
    fs.writeFileSync(columns, COLUMNS_YAML);
    const run = await runCli(
      ['import', csv, '--topic', 'crm.customer.v1', '--key', 'customerId', '--columns', columns, '--batch-size', '50'],
      cleanEnv({ KAFKA_BROKERS: kafka.brokers.join(','), SCHEMA_REGISTRY_URL: registry.url, NODE_OPTIONS: '--max-old-space-size=96' }),
    );
    fs.rmSync(csv);
    expect(run.code, run.stderr.slice(-2000)).to.equal(0);
    expect(run.stderr).to.match(new RegExp(`customers_remarks\\.csv: ${rows} rows, ${rows} written, 0 quarantined`));
    const client = new KafkajsClient({ brokers: kafka.brokers });
    const ours = (await client.readToEnd('crm.customer.v1')).filter((r) => r.key?.toString().startsWith(`${p}-`));
    expect(new Set(ours.map((r) => r.key!.toString())).size).to.equal(rows);
  });
});
