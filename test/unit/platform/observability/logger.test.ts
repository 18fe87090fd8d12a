import { expect } from 'chai';
import { capturedLogger } from './log-capture.js';
import { SecretRegistry } from '../../../../src/platform/observability/secret-registry.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';

const ID_NUMBER = residentIdNumber('440305', '1985-03-12', 13);

describe('logger: JSON lines with personal data masked and secrets redacted', () => {
  it('masks ID numbers, mobiles and e-mail addresses in the message and in nested meta', async () => {
    const { logger, lines, text } = capturedLogger({ secrets: new SecretRegistry() });
    logger.warn(`customer ${ID_NUMBER} called from +8613812345678, mail zhang.wei@example.com.cn`, {
      caller: { contact: { phone: '13912345678', notes: [`id ${ID_NUMBER}`, 'write to li.na@example.cn'] } },
    });
    const [line] = await lines();
    expect(line!.message).to.equal(
      `customer ${ID_NUMBER.slice(0, 6)}********${ID_NUMBER.slice(-4)} called from +86138****5678, mail z***@example.com.cn`,
    );
    expect(line!.caller).to.deep.equal({
      contact: { phone: '139****5678', notes: [`id ${ID_NUMBER.slice(0, 6)}********${ID_NUMBER.slice(-4)}`, 'write to l***@example.cn'] },
    });
    const written = await text();
    for (const personal of [ID_NUMBER, '13812345678', '13912345678', 'zhang.wei@', 'li.na@']) expect(written).not.to.contain(personal);
  });

  it('masks the personal fields of a Customer record logged as meta, and only those', async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    const customer = sampleCustomer();
    logger.info('customer received', { record: customer });
    const record = (await lines())[0]!.record as Record<string, unknown>;
    expect(record.fullName).to.equal('张*');
    expect(record.idNumber).to.equal(`${ID_NUMBER.slice(0, 6)}********${ID_NUMBER.slice(-4)}`);
    expect(record.birthDate).to.equal('1*******12');
    expect((record.addresses as { street: string; city: string }[])[0]).to.deep.include({
      city: '深圳市',
      street: '粤*******************203室',
    });
    expect(record.customerId).to.equal(customer.customerId);
    expect(record.valueSegment).to.equal('GOLD');
    // The logged object is the caller's: it is not changed by being logged.
    expect(customer.fullName).to.equal('张伟');
  });

  it("masks names, numbers and details that are personal, and keeps those that name the hub's own things", async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    logger.info('instances', {
      instances: [{ name: 'crm-golden', connector: 'crm-golden' }],
      holder: { name: '张伟' },
      phone: { number: '0755-86001234' },
      problem: { detail: 'timeout' },
      event: { detail: '客户来电投诉理赔进度' },
    });
    const [line] = await lines();
    expect(line).to.deep.include({
      instances: [{ name: 'crm-golden', connector: 'crm-golden' }],
      holder: { name: '张*' },
      phone: { number: '0********1234' },
      problem: { detail: 'timeout' },
      event: { detail: '客*******进度' },
    });
  });

  it('masks a record logged as the meta object itself', async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    logger.info('customer received', sampleCustomer());
    const [line] = await lines();
    expect(line!.fullName).to.equal('张*');
    expect(line!.message).to.equal('customer received');
  });

  it('redacts a registered secret inside an error message, logged as text, as an error and nested', async () => {
    const secrets = new SecretRegistry();
    secrets.register('s3cr3t-Pa55/word');
    const { logger, text, lines } = capturedLogger({ secrets });
    const error = new Error('login to https://erp.example.cn failed with key s3cr3t-Pa55/word');
    logger.error(`poll failed: ${error.message}`);
    logger.error('poll failed', { error, attempt: 2 });
    logger.error(error);
    logger.info('retrying with ?key=s3cr3t-Pa55%2Fword');
    const written = await text();
    expect(written).not.to.contain('s3cr3t-Pa55');
    const all = await lines();
    expect(all[0]!.message).to.equal('poll failed: login to https://erp.example.cn failed with key [redacted]');
    expect(all[1]!.error).to.deep.equal({ name: 'Error', message: 'login to https://erp.example.cn failed with key [redacted]' });
    expect(all[1]!.attempt).to.equal(2);
    expect(all[2]!.message).to.equal('login to https://erp.example.cn failed with key [redacted]');
    expect(all[3]!.message).to.equal('retrying with ?key=[redacted]');
  });

  it('redacts values under secret-looking keys: Authorization headers, tokens, passwords; hashes stay', async () => {
    const { logger, lines, text } = capturedLogger({ secrets: new SecretRegistry() });
    logger.warn('request failed', {
      request: { method: 'GET', headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k-1234', Accept: 'application/json' } },
      auth: { type: 'basic', username: 'hub', password: 'pw-1' },
      bearerToken: 'tok-9876',
      tokenSha256: 'ab12cd',
    });
    const [line] = await lines();
    expect(line!.request).to.deep.equal({
      method: 'GET',
      headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', Accept: 'application/json' },
    });
    expect(line!.auth).to.equal('[redacted]');
    expect(line!.bearerToken).to.equal('[redacted]');
    expect(line!.tokenSha256).to.equal('ab12cd');
    expect(await text())
      .not.to.contain('pw-1')
      .and.not.to.contain('tok-9876');
  });

  it('redacts credentials in URLs, Authorization values and secret assignments found in text', async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    logger.error('cannot connect to postgresql://dw:p%40ss-w0rd@db.example.cn:5432/dw', {
      registry: 'https://hub:regpass@registry.example.cn:8081',
    });
    logger.error(
      'server said: {"error":"bad","token":"abc-123","fullName":"张伟"} for header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y',
    );
    logger.error('connect host=db user=dw password=hunter2 sslmode=require');
    const all = await lines();
    expect(all[0]!.message).to.equal('cannot connect to postgresql://[redacted]@db.example.cn:5432/dw');
    expect(all[0]!.registry).to.equal('https://[redacted]@registry.example.cn:8081');
    expect(all[1]!.message).to.equal(
      'server said: {"error":"bad","token":"[redacted]","fullName":"张*"} for header Authorization: Bearer [redacted]',
    );
    expect(all[2]!.message).to.equal('connect host=db user=dw password=[redacted] sslmode=require');
  });

  it('keeps ordinary operational text as it is', async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    const message =
      'sink crm-flags: 3 record(s) failed (attempt 2), retrying in 400 ms: Bearer token expired; policy PDAA202644030000012345 premium 3860.50';
    logger.warn(message, { component: 'runtime', topic: 'crm.customer.v1', key: 'C440300000123', partition: 0, offset: '42' });
    const [line] = await lines();
    expect(line).to.deep.include({
      level: 'warn',
      message,
      component: 'runtime',
      topic: 'crm.customer.v1',
      key: 'C440300000123',
      partition: 0,
      offset: '42',
    });
    expect(line!.timestamp).to.match(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('writes one JSON object per line, whatever the values hold (newlines, cycles, bytes, maps)', async () => {
    const { logger, text } = capturedLogger({ component: 'test', secrets: new SecretRegistry() });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.info('first\nsecond line', {
      cyclic,
      bytes: Buffer.from([1, 2, 3]),
      lookup: new Map([['13812345678', { ok: true }]]),
      at: new Date('2026-03-01T08:00:00.000Z'),
    });
    logger.info('another');
    const raw = (await text()).split('\n').filter((line) => line !== '');
    expect(raw).to.have.length(2);
    const first = JSON.parse(raw[0]!) as Record<string, unknown>;
    expect(first).to.deep.include({ message: 'first\nsecond line', component: 'test', bytes: '[3 bytes]', at: '2026-03-01T08:00:00.000Z' });
    expect(first.cyclic).to.deep.equal({ name: 'loop', self: '[Circular]' });
    expect(first.lookup).to.deep.equal({ '138****5678': { ok: true } });
  });

  it('skips lines below the level and still writes them when a transport asks for more', async () => {
    const { logger, lines } = capturedLogger({ level: 'warn' });
    logger.info(`not written ${ID_NUMBER}`);
    logger.warn('written');
    expect((await lines()).map((line) => line.message)).to.deep.equal(['written']);
    logger.level = 'debug';
    logger.debug(`now written ${ID_NUMBER}`);
    expect((await lines()).map((line) => line.message)).to.deep.equal([
      'written',
      `now written ${ID_NUMBER.slice(0, 6)}********${ID_NUMBER.slice(-4)}`,
    ]);
  });

  it('still writes the message when a field cannot be read, and does not throw into the caller', async () => {
    const { logger, lines } = capturedLogger({ secrets: new SecretRegistry() });
    const hostile = {
      get body(): string {
        throw new TypeError('socket closed');
      },
    };
    expect(() => logger.error('upload of 13812345678 failed', { hostile })).not.to.throw();
    const [line] = await lines();
    expect(line).to.deep.include({ level: 'error', message: 'upload of 138****5678 failed', logError: 'fields left out: socket closed' });
    expect(line).not.to.have.property('hostile');
  });
});
