import { expect } from 'chai';
import { ManualClock } from '../../support/manual-clock.js';
import { clientOf, simulatorsUnderTest, until } from './simulators-under-test.js';

const collections = { customers: { keyField: 'customerId' } };

describe('back-office simulator fault injection', () => {
  const start = simulatorsUnderTest();

  it('fails the next n requests with the status and Retry-After asked for, then recovers', async () => {
    const erp = await start({ name: 'ERP', collections });
    const api = clientOf(erp);
    erp.failNext(2, 503, { retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const refused = await api.put('/customers/C-1', { name: 'x' });
      expect([refused.status, refused.headers['retry-after'], refused.data.error.code]).to.deep.equal([503, '7', 'SERVICE_UNAVAILABLE']);
    }
    erp.failNext(1, 500);
    const plain = await api.get('/customers');
    expect([plain.status, plain.headers['retry-after']]).to.deep.equal([500, undefined]);
    expect((await api.put('/customers/C-1', { name: 'x' })).status).to.equal(200);
    expect(erp.received('customers')).to.have.length(1);
    expect(erp.stats()).to.deep.equal({ total: 4, byStatus: { 200: 1, 500: 1, 503: 2 } });
  });

  it('fails only the requests matching method and path', async () => {
    const erp = await start({ name: 'ERP', collections });
    const api = clientOf(erp);
    erp.failNext(1, 429, { method: 'put', path: /^\/api\/customers\//, retryAfterSeconds: 1 });
    expect((await api.get('/customers/C-1')).status).to.equal(404);
    expect((await api.post('/customers', { customerId: 'C-2' })).status).to.equal(201);
    const limited = await api.put('/customers/C-1', { name: 'x' });
    expect([limited.status, limited.headers['retry-after'], limited.data.error.code]).to.deep.equal([429, '1', 'RATE_LIMITED']);
    expect((await api.put('/customers/C-1', { name: 'x' })).status).to.equal(200);
    expect(() => erp.failNext(1, 200)).to.throw(/4xx or 5xx/);
  });

  it('fails every request for a while, then stops by itself', async () => {
    const clock = new ManualClock();
    const erp = await start({ name: 'ERP', collections, clock });
    const api = clientOf(erp);
    erp.failFor(150, 502);
    expect((await api.get('/customers')).status).to.equal(502);
    await clock.advance(149);
    expect((await api.get('/customers')).status).to.equal(502);
    await clock.advance(1);
    expect((await api.get('/customers')).status).to.equal(200);
  });

  it('answers slowly with a fixed or random latency', async () => {
    const clock = new ManualClock();
    const erp = await start({ name: 'ERP', collections, latencyMs: 60, clock });
    const api = clientOf(erp);
    /** Sends a request and moves the clock on until it is answered: the clock time it took. */
    let sent = 0;
    async function latencyOf(): Promise<number> {
      const started = clock.now();
      const answer = api.get('/customers');
      sent++;
      await until(() => erp.stats().total === sent);
      while (clock.sleeping > 0) await clock.advance(1);
      expect((await answer).status).to.equal(200);
      return clock.now() - started;
    }
    expect(await latencyOf()).to.equal(60);
    erp.setLatency([80, 120]);
    for (let i = 0; i < 5; i++) expect(await latencyOf()).to.be.within(80, 120);
    erp.setLatency(0);
    expect(await latencyOf()).to.equal(0);
  });

  it('refuses records matching a rule with a non-retriable 4xx and accepts the others', async () => {
    const erp = await start({ name: 'ERP', collections });
    const api = clientOf(erp);
    const lift = erp.rejectWhen((record) => record.country === 'XX');
    erp.rejectWhen((_record, { key }) => key === 'C-dup', 409);
    const refused = await api.post('/customers', { customerId: 'C-1', country: 'XX' });
    expect([refused.status, refused.data.error.code, refused.data.error.details]).to.deep.equal([
      422,
      'VALIDATION_FAILED',
      ['customerId: C-1 is refused by a rule of ERP'],
    ]);
    expect((await api.put('/customers/C-dup', { country: 'CN' })).data.error.code).to.equal('CONFLICT');
    expect((await api.post('/customers', { customerId: 'C-2', country: 'CN' })).status).to.equal(201);
    lift();
    expect((await api.post('/customers', { customerId: 'C-1', country: 'XX' })).status).to.equal(201);
    expect(erp.received('customers').map((write) => write.key)).to.deep.equal(['C-2', 'C-1']);
  });
});
