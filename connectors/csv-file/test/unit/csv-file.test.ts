import { expect } from 'chai';
import iconv from 'iconv-lite';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CsvCharset } from '../../csv-encoding.js';
import { readCsvRows, type CsvRow } from '../../csv-rows.js';
import { patternToRegExp } from '../../import-folder.js';
import { convertCell, rowToValue, schemaViolations } from '../../row-conversion.js';

async function rowsOf(bytes: Buffer, charset: CsvCharset): Promise<CsvRow[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-csv-rows-'));
  try {
    await fs.writeFile(path.join(dir, 'rows.csv'), bytes);
    const rows: CsvRow[] = [];
    for await (const row of readCsvRows(path.join(dir, 'rows.csv'), { charset, delimiter: ',' })) rows.push(row);
    return rows;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('csv-file parsing and row validation', () => {
  it('decodes GBK bytes with Chinese names and parses rows by header', async () => {
    const bytes = iconv.encode('客户编号,姓名,出生日期\nC001,张伟,19850312\nC002,"王秀英, 女士",1972-11-08\n', 'gbk');
    expect(bytes.includes(Buffer.from('张伟', 'utf8'))).to.equal(false);
    const rows = await rowsOf(bytes, 'gb18030');
    expect(rows).to.deep.equal([
      {
        row: 1,
        line: 2,
        cells: { 客户编号: 'C001', 姓名: '张伟', 出生日期: '19850312' },
        after: { row: 1, line: 2, byte: iconv.encode('客户编号,姓名,出生日期\nC001,张伟,19850312\n', 'gbk').length },
      },
      {
        row: 2,
        line: 3,
        cells: { 客户编号: 'C002', 姓名: '王秀英, 女士', 出生日期: '1972-11-08' },
        after: { row: 2, line: 3, byte: bytes.length },
      },
    ]);
  });

  it('drops a UTF-8 byte-order mark and marks rows with the wrong number of cells', async () => {
    const rows = await rowsOf(Buffer.from('\ufeffa,b\n1,2\n3\n4,5,6\n', 'utf8'), 'utf8');
    expect(rows[0]).to.deep.include({ row: 1, line: 2, cells: { a: '1', b: '2' } });
    expect(rows[1]!.malformed).to.equal('row has 1 cells, the header has 2');
    expect(rows[2]!.malformed).to.equal('row has 3 cells, the header has 2');
  });

  it('converts cells: int, decimal, both date forms, timestamp in +08:00, boolean, empty as null', () => {
    expect(convertCell('42', 'int')).to.deep.equal({ ok: true, value: 42 });
    expect(convertCell('4.2', 'int').ok).to.equal(false);
    expect(convertCell('1,234.50', 'decimal')).to.deep.equal({ ok: true, value: '1234.50' });
    expect(convertCell('abc', 'decimal').ok).to.equal(false);
    expect(convertCell('19850312', 'date')).to.deep.equal({ ok: true, value: '1985-03-12' });
    expect(convertCell('1985-03-12', 'date')).to.deep.equal({ ok: true, value: '1985-03-12' });
    expect(convertCell('20230230', 'date')).to.deep.include({ ok: false });
    expect(convertCell('1985-0312', 'date').ok).to.equal(false);
    expect(convertCell('2026-11-23 16:30:00', 'timestamp')).to.deep.equal({ ok: true, value: '2026-11-23T08:30:00.000Z' });
    expect(convertCell('是', 'boolean')).to.deep.equal({ ok: true, value: true });
    expect(convertCell('N', 'boolean')).to.deep.equal({ ok: true, value: false });
    expect(convertCell('maybe', 'boolean').ok).to.equal(false);
    expect(convertCell('  ', 'int')).to.deep.equal({ ok: true, value: null });
  });

  it('validates a row against the topic schema, naming each bad field', async () => {
    const catalog = await SchemaCatalog.load();
    const type = catalog.type(catalog.topicInfo('crm.customer.v1').record);
    const { meta: _meta, customerId: _id, fullName: _name, birthDate: _birth, ...defaults } = sampleCustomer();
    const columns = {
      客户编号: { field: 'customerId', type: 'string' as const },
      姓名: { field: 'fullName', type: 'string' as const },
      出生日期: { field: 'birthDate', type: 'date' as const },
    };
    const good = rowToValue({ 客户编号: 'C001', 姓名: '张伟', 出生日期: '19850312' }, columns, defaults);
    expect(good.ok).to.equal(true);
    const value = { ...(good as { value: Record<string, unknown> }).value, meta: sampleCustomer().meta };
    expect(schemaViolations(type, value)).to.equal(undefined);
    expect(schemaViolations(type, { ...value, fullName: null, gender: 'X' })).to.match(/fullName: .*; gender: /);
    expect(rowToValue({ 客户编号: 'C001', 姓名: '张伟', 出生日期: '1985/03/12' }, columns, defaults)).to.deep.equal({
      ok: false,
      reason: 'column 出生日期 (birthDate): "1985/03/12" is not a date yyyy-MM-dd or yyyyMMdd',
    });
    expect(rowToValue({ 客户编号: 'C001' }, columns, defaults)).to.deep.include({
      ok: false,
      reason: 'column 姓名 is missing from the file',
    });
  });

  it('matches file names against the pattern', () => {
    const re = patternToRegExp('customers_*.csv');
    expect(['customers_20261123.csv', 'customers_.csv', 'customers_1.csv.tmp', 'x_customers_1.csv'].map((n) => re.test(n))).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
  });
});
