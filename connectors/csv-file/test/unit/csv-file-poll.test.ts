import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { ConnectorContext, SourceConnector } from '../../../../src/connect/sdk/connector-definition.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import csvFile from '../../index.js';

describe('csv-file position: file + row', () => {
  let dir: string;
  let source: SourceConnector;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-csv-unit-'));
    await fs.writeFile(path.join(dir, 'a.csv'), 'id,name\nC1,甲\nC2,乙\nC3,丙\n');
    await fs.writeFile(path.join(dir, 'b.csv'), 'id,name\nC4,丁\n');
    await fs.writeFile(path.join(dir, 'ignored.txt'), 'id,name\n');
    const context = { instance: 'legacy-import', logger: createLogger({ level: 'error' }) } as ConnectorContext;
    source = await csvFile.create(
      {
        directory: dir,
        pattern: '*.csv',
        encoding: 'utf8',
        delimiter: ',',
        topic: 'crm.customer.v1',
        keyField: 'customerId',
        columns: { id: { field: 'customerId', type: 'string' }, name: { field: 'fullName', type: 'string' } },
        defaults: {},
        timeZone: '+08:00',
        eventType: 'Imported',
        batchSize: 2,
        minAgeMs: 0,
      },
      context,
    );
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const keys = (records: { key: string; headers?: Record<string, string> }[]) =>
    records.map((r) => `${r.headers?.['csv-file']}#${r.headers?.['csv-row']}`);

  it('reads in batches, resumes mid-file from a stored position, and moves a file to done/ only after its last batch was acknowledged', async () => {
    const first = await source.poll!(undefined, signal);
    expect(keys(first.records)).to.deep.equal(['a.csv#1', 'a.csv#2']);
    // The position says the row, its line and the byte after it ('id,name\n' 8 bytes, 'C1,甲\n' and 'C2,乙\n' 7 each).
    expect(first).to.deep.include({ position: { file: 'a.csv', row: 2, line: 3, byte: 22 }, more: true });

    // A restart with the stored position goes on at row 3 of the same file, read from its byte offset.
    const resumed = await source.poll!({ file: 'a.csv', row: 2, line: 3, byte: 22 }, signal);
    expect(keys(resumed.records)).to.deep.equal(['a.csv#3']);
    expect(resumed.position).to.deep.equal({ file: 'a.csv', row: 3, line: 4, byte: 29 });
    expect(await fs.readdir(dir)).to.include('a.csv');

    const next = await source.poll!(resumed.position, signal);
    expect(await fs.readdir(path.join(dir, 'done'))).to.deep.equal(['a.csv']);
    expect(keys(next.records)).to.deep.equal(['b.csv#1']);
    const last = await source.poll!(next.position, signal);
    expect(last).to.deep.equal({ records: [], position: {}, more: false });
    expect(await fs.readdir(path.join(dir, 'done'))).to.deep.equal(['a.csv', 'b.csv']);
  });

  it('resumes from a position stored before positions had a byte offset ({file, row}) without sending the acknowledged rows again', async () => {
    const resumed = await source.poll!({ file: 'a.csv', row: 1 }, signal);
    expect(keys(resumed.records)).to.deep.equal(['a.csv#2', 'a.csv#3']);
    expect(resumed.position).to.deep.equal({ file: 'a.csv', row: 3, line: 4, byte: 29 });
  });
});

describe('csv-file refuses a file in the wrong encoding', () => {
  it('sends none of its rows, moves it to refused/ beside the reason, reports it for the dead-letter topic with its line, and goes on with the next file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-csv-refused-'));
    try {
      await fs.writeFile(path.join(dir, 'a.csv'), Buffer.concat([Buffer.from('id,name\nC1,ok\n'), iconv.encode('C2,张三\n', 'gbk')]));
      await fs.writeFile(path.join(dir, 'b.csv'), 'id,name\nC3,李四\n');
      const context = { instance: 'legacy-import', logger: createLogger({ level: 'error' }) } as ConnectorContext;
      const source = await csvFile.create(
        {
          directory: dir,
          pattern: '*.csv',
          encoding: 'utf8',
          delimiter: ',',
          topic: 'crm.customer.v1',
          keyField: 'customerId',
          columns: { id: { field: 'customerId', type: 'string' }, name: { field: 'fullName', type: 'string' } },
          defaults: {},
          timeZone: '+08:00',
          eventType: 'Imported',
          batchSize: 10,
          minAgeMs: 0,
        },
        context,
      );
      const signal = new AbortController().signal;
      const refused = await source.poll!(undefined, signal);
      expect(refused.records).to.have.length(1);
      const [refusal] = refused.records;
      expect(refusal!.rejected).to.deep.include({ code: 'CSV_ENCODING_INVALID', line: 3 });
      expect(refusal!.rejected!.message).to.contain('a.csv:3: not valid UTF-8').and.to.contain('declare encoding gbk (or auto)');
      expect(refusal!.headers).to.deep.include({ 'csv-file': 'a.csv', 'csv-line': '3' });
      expect(refused.position).to.deep.equal({});
      expect(await fs.readdir(path.join(dir, 'refused'))).to.deep.equal(['a.csv', 'a.csv.reason.txt']);
      const next = await source.poll!(refused.position, signal);
      expect(next.records.map((r) => `${r.headers?.['csv-file']}#${r.headers?.['csv-row']}`)).to.deep.equal(['b.csv#1']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
