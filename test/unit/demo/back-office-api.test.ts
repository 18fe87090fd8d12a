import { expect } from 'chai';
import { ManualClock } from '../../support/manual-clock.js';
import { clientOf, simulatorsUnderTest } from './simulators-under-test.js';

const customers = {
  keyField: 'customerId',
  validate: (record: Record<string, unknown>) => [
    ...(typeof record.name === 'string' && record.name !== '' ? [] : ['name: is required']),
    ...(record.email === undefined || (typeof record.email === 'string' && record.email.includes('@'))
      ? []
      : ['email: is not an e-mail address']),
  ],
};

describe('back-office simulator API', () => {
  const start = simulatorsUnderTest();

  it('answers 401 with a JSON error and a challenge unless the bearer token is right', async () => {
    const erp = await start({ name: 'ERP', auth: { bearerToken: 's3cret' }, collections: { customers } });
    const missing = await clientOf(erp).get('/customers');
    expect(missing.status).to.equal(401);
    expect(missing.data.error.code).to.equal('UNAUTHORIZED');
    expect(missing.data.error.message).to.contain('ERP');
    expect(missing.headers['www-authenticate']).to.equal('Bearer realm="ERP"');
    expect((await clientOf(erp, { authorization: 'Bearer wrong' }).get('/customers')).status).to.equal(401);
    expect((await clientOf(erp, { authorization: 'Bearer s3cret' }).get('/customers')).status).to.equal(200);
    expect(erp.stats().byStatus).to.deep.equal({ 200: 1, 401: 2 });
  });

  it('checks basic credentials too', async () => {
    const claims = await start({ name: 'Claims', auth: { basic: { user: 'hub', password: 'pw' } }, collections: { customers } });
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    expect((await clientOf(claims, basic('hub', 'nope')).get('/customers')).status).to.equal(401);
    expect((await clientOf(claims, basic('hub', 'pw')).get('/customers')).status).to.equal(200);
  });

  it('upserts with PUT and POST under a stable id of its own and an increasing version', async () => {
    const clock = new ManualClock();
    await clock.advance(Date.parse('2026-12-07T06:00:00.000Z'));
    const erp = await start({ name: 'ERP', collections: { customers }, clock });
    const api = clientOf(erp);
    const created = await api.post('/customers', { customerId: 'C-1', name: '王芳' });
    expect([created.status, created.data]).to.deep.equal([201, { id: 'ERP-000001', version: 1 }]);
    const updated = await api.post('/customers', { customerId: 'C-1', name: '王芳芳' });
    expect([updated.status, updated.data]).to.deep.equal([200, { id: 'ERP-000001', version: 2 }]);
    await clock.advance(1000);
    const put = await api.put('/customers/C%2F2', { name: 'Li Wei' });
    expect([put.status, put.data]).to.deep.equal([200, { id: 'ERP-000002', version: 1 }]);
    expect((await api.put('/customers/C-1', { customerId: 'C-1', name: 'Wang Fang' })).data).to.deep.equal({
      id: 'ERP-000001',
      version: 3,
    });

    const read = await api.get('/customers/C%2F2');
    expect(read.status).to.equal(200);
    expect(read.data).to.include({ customerId: 'C/2', name: 'Li Wei' });
    // Stamped by the back office with its clock's time of the write.
    expect(read.data.updatedAt).to.equal('2026-12-07T06:00:01.000Z');
    const missing = await api.get('/customers/nobody');
    expect([missing.status, missing.data.error.code]).to.deep.equal([404, 'RECORD_NOT_FOUND']);
    expect((await api.get('/orders')).data.error.code).to.equal('COLLECTION_NOT_FOUND');
    expect(erp.records('customers').map((record) => [record.customerId, record.name])).to.deep.equal([
      ['C/2', 'Li Wei'],
      ['C-1', 'Wang Fang'],
    ]);
  });

  it('refuses an invalid record with 422 and every problem, storing and logging nothing', async () => {
    const erp = await start({ name: 'ERP', collections: { customers } });
    const api = clientOf(erp);
    const invalid = await api.post('/customers', { customerId: 'C-1', email: 'not-an-address' });
    expect(invalid.status).to.equal(422);
    expect(invalid.data.error).to.deep.equal({
      code: 'VALIDATION_FAILED',
      message: 'ERP: the customers record is not valid',
      details: ['name: is required', 'email: is not an e-mail address'],
    });
    expect((await api.post('/customers', { name: 'no key' })).data.error.details).to.deep.equal(['customerId: is required']);
    expect((await api.put('/customers/C-1', { customerId: 'C-2', name: 'x' })).data.error.details).to.deep.equal([
      'customerId: is "C-2" but the URL names "C-1"',
    ]);
    expect(erp.records('customers')).to.deep.equal([]);
    expect(erp.received('customers')).to.deep.equal([]);
  });

  it('answers 400 to malformed JSON, 415 to other media types and 413 to a body over 1 MiB', async () => {
    const erp = await start({ name: 'ERP', collections: { customers } });
    const api = clientOf(erp);
    const malformed = await api.post('/customers', '{"customerId": "C-1",', {
      headers: { 'content-type': 'application/json' },
      transformRequest: [(data: unknown) => data],
    });
    expect([malformed.status, malformed.data.error.code]).to.deep.equal([400, 'MALFORMED_JSON']);
    expect((await api.post('/customers', [{ customerId: 'C-1' }])).status).to.equal(400);
    expect((await api.post('/customers', 'customerId=C-1', { headers: { 'content-type': 'text/plain' } })).status).to.equal(415);
    const huge = await api.post('/customers', { customerId: 'C-1', name: 'x'.repeat(1024 * 1024) });
    expect([huge.status, huge.data.error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    expect(erp.records('customers')).to.deep.equal([]);
  });

  it('replays the first answer to a repeated Idempotency-Key without applying the write twice', async () => {
    const erp = await start({ name: 'ERP', collections: { customers } });
    const api = clientOf(erp, { 'idempotency-key': 'write-1' });
    const first = await api.post('/customers', { customerId: 'C-1', name: 'Zhang Wei' });
    const again = await api.post('/customers', { customerId: 'C-1', name: 'Zhang Wei' });
    expect([again.status, again.data]).to.deep.equal([first.status, first.data]);
    expect([first.status, first.data]).to.deep.equal([201, { id: 'ERP-000001', version: 1 }]);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(erp.received('customers')).to.have.length(1);
    const reused = await api.post('/customers', { customerId: 'C-2', name: 'Other' });
    expect([reused.status, reused.data.error.code]).to.deep.equal([422, 'IDEMPOTENCY_KEY_REUSED']);
    const otherKey = await clientOf(erp, { 'idempotency-key': 'write-2' }).post('/customers', { customerId: 'C-1', name: 'Zhang Wei' });
    expect(otherKey.data).to.deep.equal({ id: 'ERP-000001', version: 2 });
  });

  it('logs accepted writes in arrival order with their request ids, and not changes made inside the back office', async () => {
    const erp = await start({ name: 'ERP', collections: { customers } });
    const api = clientOf(erp);
    for (const key of ['C-3', 'C-1', 'C-2'])
      await api.put(`/customers/${key}`, { name: key }, { headers: { 'x-request-id': `req-${key}` } });
    await api.put('/customers/C-9', { name: '' });
    erp.upsert('customers', { customerId: 'C-4', name: 'entered by a clerk' });
    const log = erp.received('customers');
    expect(log.map(({ key, body, requestId }) => ({ key, body, requestId }))).to.deep.equal([
      { key: 'C-3', body: { name: 'C-3' }, requestId: 'req-C-3' },
      { key: 'C-1', body: { name: 'C-1' }, requestId: 'req-C-1' },
      { key: 'C-2', body: { name: 'C-2' }, requestId: 'req-C-2' },
    ]);
    const times = log.map((write) => Date.parse(write.at));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(erp.records('customers')).to.have.length(4);
    expect(() => erp.received('orders')).to.throw(/ERP has no collection "orders"; it has customers/);
  });
});
