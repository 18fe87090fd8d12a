import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';
import { QUARANTINE_HEADER } from '../../index.js';

describe('csv-file on the real broker', function () {
  this.timeout(120_000);
  let dir: string;
  let harness: RuntimeHarness | undefined;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-csv-'));
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('imports a GBK export with Chinese data onto crm.customer.v1, quarantines bad rows with file/row/reason, and moves the file to done/', async () => {
    const p = uniqueName('C');
    const lines = [
      '客户编号,姓名,证件号码,出生日期,性别,手机,状态,创建时间',
      `${p}-1,张伟,440305198503121234,19850312,MALE,13812345678,ACTIVE,2019-06-01 10:15:30`,
      `${p}-2,王秀英,310115197211081234,1972-11-08,FEMALE,13912345678,ACTIVE,2020-01-02 08:00:00`,
      `${p}-3,李娜,110101199001011234,1990/01/01,FEMALE,13712345678,ACTIVE,2021-03-04 09:30:00`,
      `${p}-4,赵强,110101198001011234,19800101,男,13612345678,ACTIVE,2021-03-04 09:30:00`,
      `${p}-5,陈静,只有三列`,
      `${p}-6,刘洋,320102198807071234,,UNKNOWN,13512345678,INACTIVE,2022-05-06 12:00:00`,
    ];
    const file = 'customers_20261123.csv';
    await fs.writeFile(path.join(dir, file), iconv.encode(lines.join('\r\n') + '\r\n', 'gbk'));
    const instance = instanceConfig({
      connector: 'csv-file',
      schedule: '* * * * * *',
      config: {
        directory: dir,
        pattern: 'customers_*.csv',
        encoding: 'gbk',
        delimiter: ',',
        topic: 'crm.customer.v1',
        keyField: 'customerId',
        columns: {
          客户编号: { field: 'customerId', type: 'string' },
          姓名: { field: 'fullName', type: 'string' },
          证件号码: { field: 'idNumber', type: 'string' },
          出生日期: { field: 'birthDate', type: 'date' },
          性别: { field: 'gender', type: 'string' },
          状态: { field: 'status', type: 'string' },
          创建时间: { field: 'createdAt', type: 'timestamp' },
        },
        defaults: {
          customerType: 'PERSON',
          idType: 'RESIDENT_ID',
          phones: [],
          addresses: [],
          email: null,
          jobCategory: null,
          valueSegment: 'UNCLASSIFIED',
          mergedIntoCustomerId: null,
          updatedAt: '2026-11-23T00:00:00.000Z',
        },
        timeZone: '+08:00',
        eventType: 'CustomerImported',
        batchSize: 2,
        minAgeMs: 0,
      },
    });
    harness = await startRuntime([instance]);

    const wanted = [`${p}-1`, `${p}-2`, `${p}-6`];
    const ours = (records: IncomingRecord[]) => records.filter((r) => wanted.includes(r.key?.toString() ?? ''));
    const produced = ours(await readUntil(harness.client, 'crm.customer.v1', (records) => ours(records).length >= 3));
    const values = await Promise.all(produced.map(async (r) => (await harness!.serde.decode(r.value)).value as Record<string, unknown>));
    const byId = Object.fromEntries(values.map((v) => [v.customerId, v]));
    expect(byId[`${p}-1`]).to.deep.include({
      fullName: '张伟',
      birthDate: '1985-03-12',
      gender: 'MALE',
      createdAt: '2019-06-01T02:15:30.000Z',
    });
    expect(byId[`${p}-2`]).to.deep.include({ fullName: '王秀英', birthDate: '1972-11-08' });
    expect(byId[`${p}-6`]).to.deep.include({ fullName: '刘洋', birthDate: null, status: 'INACTIVE' });
    expect(byId[`${p}-1`]!.meta as Record<string, unknown>).to.deep.include({ eventType: 'CustomerImported', sourceSystem: instance.name });

    const letters = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 3);
    const byRow: Record<string, Record<string, string>> = Object.fromEntries(
      letters.map((l) => [l.headers[QUARANTINE_HEADER.row], l.headers]),
    );
    expect(Object.keys(byRow).sort()).to.deep.equal(['3', '4', '5']);
    for (const headers of Object.values(byRow)) expect(headers[QUARANTINE_HEADER.file]).to.equal(file);
    expect(byRow['3']![QUARANTINE_HEADER.reason]).to.equal(
      'column 出生日期 (birthDate): "1990/01/01" is not a date yyyy-MM-dd or yyyyMMdd',
    );
    expect(byRow['4']![QUARANTINE_HEADER.reason]).to.match(/^gender: /);
    expect(byRow['5']![QUARANTINE_HEADER.reason]).to.equal('row has 3 cells, the header has 8');
    expect(byRow['5']!['dlq-error-code']).to.equal('CSV_ROW_INVALID');
    expect(byRow['5']!['dlq-error-message']).to.match(/row 5: row has 3 cells, the header has 8$/);
    expect(byRow['3']![DEAD_LETTER_HEADER.stage]).to.be.a('string');
    const quarantined = JSON.parse(letters.find((l) => l.headers[QUARANTINE_HEADER.row] === '4')!.value!.toString()) as {
      quarantinedCsvRow: { cells: Record<string, string> };
    };
    expect(quarantined.quarantinedCsvRow.cells.姓名).to.equal('赵强');

    await waitFor(
      async () => (await fs.readdir(path.join(dir, 'done')).catch((): string[] => [])).includes(file),
      20_000,
      'the file in done/',
    );
    expect(await fs.readdir(dir)).to.deep.equal(['done']);
    expect(harness.runtime.status(instance.name).counters).to.deep.include({ recordsIn: 6, recordsOut: 3, deadLettered: 3 });
  });
});
