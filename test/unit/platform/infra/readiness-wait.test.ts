import { expect } from 'chai';
import { InfrastructureError } from '../../../../src/platform/infra/infrastructure-error.js';
import { waitUntilReady } from '../../../../src/platform/infra/readiness-wait.js';
import { InstantClock } from '../../../support/instant-clock.js';

const failure = { code: 'THING_UNREACHABLE', what: 'the thing at x:1 did not answer' };

describe('waitUntilReady', () => {
  it('polls every 500 ms until the probe succeeds', async () => {
    const clock = new InstantClock();
    let probes = 0;
    await waitUntilReady(
      async () => {
        if (++probes < 4) throw new Error('connection refused');
      },
      failure,
      { timeoutMs: 30_000, clock },
    );
    expect(probes).to.equal(4);
    expect(clock.sleeps).to.deep.equal([500, 500, 500]);
  });

  it('gives up at the deadline, naming what did not answer, the last error and the description', async () => {
    const clock = new InstantClock();
    let probes = 0;
    const error = (await waitUntilReady(
      async () => {
        probes++;
        throw new Error(`refused ${probes}`);
      },
      failure,
      { timeoutMs: 2000, clock, describe: () => 'Log /tmp/thing.log' },
    ).catch((e: unknown) => e)) as InfrastructureError;
    expect(error).to.be.instanceOf(InfrastructureError);
    expect(error.code).to.equal('THING_UNREACHABLE');
    expect(error.retriable).to.equal(true);
    expect(probes).to.equal(4); // at 0, 500, 1000 and 1500 ms
    expect(error.message).to.equal('the thing at x:1 did not answer within 2 s (last error: refused 4). Log /tmp/thing.log');
    expect((error.cause as Error).message).to.equal('refused 4');
  });

  it('stops waiting as soon as the service’s process is seen dead', async () => {
    const clock = new InstantClock();
    let alive = true;
    let probes = 0;
    const error = (await waitUntilReady(
      async () => {
        if (++probes === 2) alive = false;
        throw new Error('connection refused');
      },
      failure,
      { timeoutMs: 60_000, clock, isAlive: () => alive },
    ).catch((e: unknown) => e)) as InfrastructureError;
    expect(probes).to.equal(2);
    expect(error.message).to.equal('the thing at x:1 did not answer within 60 s (last error: connection refused)');
  });
});
