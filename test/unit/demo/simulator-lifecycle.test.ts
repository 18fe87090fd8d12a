import { expect } from 'chai';
import { isAxiosError } from 'axios';
import { startBackOfficeSimulator } from '../../../src/demo/back-office-simulator.js';
import { ManualClock } from '../../support/manual-clock.js';
import { clientOf, simulatorsUnderTest, until } from './simulators-under-test.js';

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
    const clock = new ManualClock();
    const claims = await start({ name: 'Claims', collections, clock });
    const api = clientOf(claims);
    expect((await api.put('/claims/CL-1', { amount: 100 })).data).to.deep.equal({ id: 'CLAIMS-000001', version: 1 });
    claims.setLatency(300);
    const inFlight = errorCodeOf(api.get('/claims/CL-1'));
    await until(() => clock.sleeping === 1);
    const port = claims.port;
    await claims.goDown();
    expect(clock.sleeping, 'its latency wait ended').to.equal(0);
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
    // Only the client's own timeout ends the request: the simulator never answers it.
    expect(await errorCodeOf(clientOf(claims).get('/claims', { timeout: 100 }))).to.equal('ECONNABORTED');
    const neverAnswered = errorCodeOf(clientOf(claims).get('/claims', { timeout: 0 }));
    await until(() => claims.stats().total === 2);

    await Promise.all([claims.close(), claims.close()]);
    expect(await neverAnswered).to.be.oneOf(['ECONNRESET', 'ECONNABORTED']);
    await until(() => networkHandles() <= before);
    expect(networkHandles()).to.equal(before);
    expect(claims.stats().byStatus).to.deep.equal({});
    await claims.close();
    let comeBackError: unknown;
    await claims.comeBack().catch((error: unknown) => (comeBackError = error));
    expect(comeBackError).to.have.property('code', 'SIMULATOR_CLOSED');
  });

  it('ends pending latency waits on close, and answers none of them later', async () => {
    const clock = new ManualClock();
    const claims = await start({ name: 'Claims', collections, latencyMs: 5000, clock });
    const slow = errorCodeOf(clientOf(claims).get('/claims', { timeout: 0 }));
    await until(() => clock.sleeping === 1);
    await claims.close();
    expect(clock.sleeping).to.equal(0);
    expect(await slow).to.be.oneOf(['ECONNRESET', 'ECONNABORTED']);
    await clock.advance(5000);
    expect(claims.stats().byStatus).to.deep.equal({});
  });
});
