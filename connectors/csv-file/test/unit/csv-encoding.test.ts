import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { checkCsvEncoding, CsvEncodingError, type CsvEncoding } from '../../csv-encoding.js';
import { readCsvRows, type CsvRow } from '../../csv-rows.js';

const HEADER = '客户编号,姓名,地址\n';
const ROWS = ['C1,张三,北京市朝阳区\n', 'C2,李四,上海市浦东新区\n', 'C3,王五,广州市天河区\n'];

describe('csv-file encodings: strict decoding, refusal with line and hint, auto-detection', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-csv-encoding-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  async function file(name: string, bytes: Buffer): Promise<string> {
    await fs.writeFile(path.join(dir, name), bytes);
    return path.join(dir, name);
  }
  async function refusal(csv: string, encoding: CsvEncoding): Promise<CsvEncodingError> {
    const error = await checkCsvEncoding(csv, encoding).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `${encoding} should be refused`).to.be.instanceOf(CsvEncodingError);
    return error as CsvEncodingError;
  }
  async function names(csv: string, encoding: CsvEncoding): Promise<string[]> {
    const rows: CsvRow[] = [];
    for await (const row of readCsvRows(csv, { charset: await checkCsvEncoding(csv, encoding), delimiter: ',' })) rows.push(row);
    return rows.map((r) => `${r.cells.姓名}/${r.cells.地址}`);
  }

  it('refuses a GBK file declared utf8, naming its first non-UTF-8 line and hinting gbk', async () => {
    // An ASCII header, so that the first bad line is a data line: line 3.
    const csv = await file('gbk.csv', Buffer.concat([Buffer.from('id,name\nC0,ascii\n'), iconv.encode('C1,张三\n', 'gbk')]));
    const error = await refusal(csv, 'utf8');
    expect(error.code).to.equal('CSV_ENCODING_INVALID');
    expect(error.line).to.equal(3);
    expect(error.message).to.equal(
      `${csv}:3: not valid UTF-8 (declared encoding utf8); the file reads as GBK/GB18030 from there on: declare encoding gbk (or auto)`,
    );
  });

  it('reads GBK (and GB18030 four-byte characters) declared gbk or auto as the right Chinese text', async () => {
    const csv = await file('gbk.csv', iconv.encode(HEADER + ROWS.join('') + 'C4,𠀀明,香港\n', 'gb18030'));
    const expected = ['张三/北京市朝阳区', '李四/上海市浦东新区', '王五/广州市天河区', '𠀀明/香港'];
    expect(await names(csv, 'gbk')).to.deep.equal(expected);
    expect(await names(csv, 'auto')).to.deep.equal(expected);
  });

  it('reads UTF-8 with or without a byte-order mark as UTF-8 under auto', async () => {
    const plain = await file('plain.csv', Buffer.from(HEADER + ROWS.join('')));
    const bom = await file('bom.csv', Buffer.from('\ufeff' + HEADER + ROWS.join('')));
    expect(await checkCsvEncoding(bom, 'auto')).to.equal('utf8');
    expect(await names(plain, 'auto')).to.deep.equal(['张三/北京市朝阳区', '李四/上海市浦东新区', '王五/广州市天河区']);
    expect(await names(bom, 'auto')).to.deep.equal(['张三/北京市朝阳区', '李四/上海市浦东新区', '王五/广州市天河区']);
  });

  it('refuses a UTF-8 file declared gbk (it would decode to mojibake) and a byte-order mark declared gbk', async () => {
    // Even-length UTF-8 that GB18030 decodes without error: 张三丰 is nine bytes, 张三 six: "寮犱笁".
    expect(new TextDecoder('gb18030', { fatal: true }).decode(Buffer.from('张三'))).to.equal('寮犱笁');
    const utf8 = await file('utf8.csv', Buffer.from('id,name\nC1,张三\n'));
    const error = await refusal(utf8, 'gbk');
    expect(error.line).to.equal(2);
    expect(error.message).to.contain('the file is UTF-8').and.to.contain('mojibake: declare encoding utf8 (or auto)');
    const bom = await file('bom.csv', Buffer.from('\ufeffid,name\nC1,abc\n'));
    expect((await refusal(bom, 'gb18030')).message).to.contain('starts with a UTF-8 byte-order mark');
    // ASCII is the same in both: no refusal.
    expect(await checkCsvEncoding(await file('ascii.csv', Buffer.from('id,name\nC1,abc\n')), 'gbk')).to.equal('gb18030');
  });

  it('refuses under auto a file that is neither, naming both lines, and a GBK file with a stray byte declared gbk', async () => {
    const mixed = await file(
      'mixed.csv',
      Buffer.concat([Buffer.from('id,name\nC1,张三\n'), iconv.encode('C2,李四\n', 'gbk'), Buffer.from([0x43, 0x33, 0x2c, 0xff, 0x0a])]),
    );
    const error = await refusal(mixed, 'auto');
    expect(error.message).to.match(/neither UTF-8 \(line 3 is not\) nor GBK\/GB18030 \(line \d is not\)/);
    const stray = await file(
      'stray.csv',
      Buffer.concat([iconv.encode(HEADER + ROWS[0], 'gbk'), Buffer.from([0x43, 0x32, 0x2c, 0x81, 0x0a])]),
    );
    expect((await refusal(stray, 'gbk')).line).to.equal(3);
  });

  it('decodes strictly while streaming too: bytes that turn invalid after the check fail the read with their line', async () => {
    const csv = await file(
      'changed.csv',
      Buffer.concat([Buffer.from(HEADER + ROWS[0]), iconv.encode(ROWS[1]!, 'gbk'), Buffer.from(ROWS[2]!)]),
    );
    const taken: string[] = [];
    const error = await (async () => {
      for await (const row of readCsvRows(csv, { charset: 'utf8', delimiter: ',' })) taken.push(row.cells.姓名!);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(CsvEncodingError);
    expect((error as CsvEncodingError).line).to.equal(3);
    expect(taken).to.deep.equal([]);
  });

  it('streams: the parser is fed a chunk at a time, reading never runs more than a few chunks ahead of the rows taken', async () => {
    const rows = 20_000;
    const lines = [HEADER];
    for (let i = 0; i < rows; i++) lines.push(`C${i},张${i},北京市朝阳区建国路${i}号\n`);
    const csv = await file('big.csv', Buffer.from(lines.join('')));
    const size = (await fs.stat(csv)).size;
    const chunkBytes = 16 * 1024;
    let bytesRead = 0;
    let chunks = 0;
    let mostAhead = 0;
    let taken = 0;
    for await (const row of readCsvRows(csv, {
      charset: 'utf8',
      delimiter: ',',
      chunkBytes,
      onChunk: (chunk) => ((bytesRead = chunk.offset + chunk.bytes.length), chunks++),
    })) {
      taken++;
      mostAhead = Math.max(mostAhead, bytesRead - row.after.byte);
    }
    expect(taken).to.equal(rows);
    expect(size).to.be.greaterThan(40 * chunkBytes);
    expect(chunks).to.be.greaterThan(40);
    // Read-ahead is what the stream buffers hold (csv-parse's 16 KiB writable buffer, one decoded chunk waiting, one parsing), not the file.
    expect(mostAhead).to.be.lessThan(6 * chunkBytes);
  });

  it("resumes from a row's position with the same rows, line numbers and byte offsets a full read gives", async () => {
    // Mixed line ends, an empty line, a quoted cell spanning lines with a CR in it, and no newline at the end.
    const text = HEADER + ROWS[0] + '\r\n' + 'C2,"李\r\n四\r",上海\r\n' + ROWS[2] + 'C4,赵六,深圳';
    const bytes = iconv.encode(text, 'gbk');
    const csv = await file('resume.csv', bytes);
    const all: CsvRow[] = [];
    for await (const row of readCsvRows(csv, { charset: 'gb18030', delimiter: ',', chunkBytes: 7 })) all.push(row);
    expect(all.map((r) => [r.row, r.line, r.cells.姓名])).to.deep.equal([
      [1, 2, '张三'],
      [2, 5, '李\r\n四\r'],
      [3, 6, '王五'],
      [4, 7, '赵六'],
    ]);
    const lineEnds = [...bytes.entries()].filter(([, b]) => b === 0x0a).map(([at]) => at + 1);
    expect(all.map((r) => r.after.byte)).to.deep.equal([lineEnds[1], lineEnds[4], lineEnds[5], bytes.length]);
    const rest: CsvRow[] = [];
    for await (const row of readCsvRows(csv, { charset: 'gb18030', delimiter: ',', from: all[0]!.after })) rest.push(row);
    expect(rest).to.deep.equal(all.slice(1));
  });
});
