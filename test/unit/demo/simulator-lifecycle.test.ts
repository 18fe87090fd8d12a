import { expect } from 'chai';
import { isAxiosError } from 'axios';
import { startBackOfficeSimulator } from '../../../src/demo/back-office-simulator.js';
import { clientOf, simulatorsUnderTest } from './simulators-under-test.js';

const collections = { claims: { keyField: 'claimNumber' } };

function networkHandles(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap' || type === 'TCPSocketWrap').length;
}

async function errorCodeOf(request: Promise<unknown>): Promise<string | undefined> {
  try {
    await request;
    return undefined;
  } catch (error) {
    return isAxiosError(error) ? error.code : String(error);
  }
}

describe('back-office simulator lifecycle', () => {
  const start = simulatorsUnderTest();

  it('goes down, refusing and dropping connections, and comes back on the same port with its state', async () => {
    const claims = await start({ name: 'Claims', collections });
    const api = clientOf(claims);
    expect((await api.put('/claims/CL-1', { amount: 100 })).data).to.deep.equal({ id: 'CLAIMS-000001', version: 1 });
    claims.setLatency(300);
    const inFlight = errorCodeOf(api.get('/claims/CL-1'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const port = claims.port;
    await claims.goDown();
    expect(await inFlight).to.be.oneOf(['ECONNRESET', 'ECONNABORTED']);
    expect(await errorCodeOf(api.get('/claims/CL-1'))).to.be.oneOf(['ECONNREFUSED', 'ECONNRESET']);

    await claims.comeBack();
    claims.setLatency(0);
    expect(claims.port).to.equal(port);
    expect((await api.get('/claims/CL-1')).data).to.include({ claimNumber: 'CL-1', amount: 100 });
    expect((await api.put('/claims/CL-1', { amount: 120 })).data).to.deep.equal({ id: 'CLAIMS-000001', version: 2 });
    expect(claims.received('claims').map((write) => write.body)).to.deep.equal([{ amount: 100 }, { amount: 120 }]);
  });

  it('holds requests with hang until the client times out, and close() ends them without leaving handles open', async () => {
    const before = networkHandles();
    const claims = await startBackOfficeSimulator({ name: 'Claims', collections });
    claims.setLatency('hang');
    const started = Date.now();
    expect(await errorCodeOf(clientOf(claims).get('/claims', { timeout: 100 }))).to.equal('ECONNABORTED');
    expect(Date.now() - started).to.be.within(90, 1000);
    const neverAnswered = errorCodeOf(clientOf(claims).get('/claims', { timeout: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(claims.stats().total).to.equal(2);

    const closing = Date.now();
    await Promise.all([claims.close(), claims.close()]);
    expect(Date.now() - closing).to.be.below(500);
    expect(await neverAnswered).to.be.oneOf(['ECONNRESET', 'ECONNABORTED']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(networkHandles()).to.equal(before);
    expect(claims.stats().byStatus).to.deep.equal({});
    await claims.close();
    let comeBackError: unknown;
    await claims.comeBack().catch((error: unknown) => (comeBackError = error));
    expect(comeBackError).to.have.property('code', 'SIMULATOR_CLOSED');
  });

  it('ends pending latency timers on close', async () => {
    const claims = await start({ name: 'Claims', collections, latencyMs: 5000 });
    const slow = errorCodeOf(clientOf(claims).get('/claims', { timeout: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const timersBefore = process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    await claims.close();
    expect(await slow).to.be.oneOf(['ECONNRESET', 'ECONNABORTED']);
    expect(process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length).to.be.below(timersBefore);
  });
});
