import { expect } from 'chai';
import { OutsideWorld } from '../support/outside-world.js';

/** The load generator's process: forked, answering commands over IPC, gone when stopped. */
describe('outside world process', function () {
  this.timeout(60_000);
  let world: OutsideWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('receives deliveries in its own process and sums them up on command', async () => {
    world = await OutsideWorld.start();
    const body = { meta: { eventId: 'run-x.0', occurredAt: new Date(Date.now() - 1_000).toISOString() } };
    const response = await fetch(world.arrivalsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).to.equal(200);
    const summary = await world.arrivals('run-x', 1, 5_000);
    expect(summary).to.deep.include({ runId: 'run-x', arrived: 1, duplicates: 0, unreadable: 0 });
    expect(summary.latency.p50).to.be.at.least(1_000);
  });

  it('reports a failed command as an error naming the helper, and goes on serving', async () => {
    world = await OutsideWorld.start();
    const failure = await world
      .paced({ url: 'not a url', ratePerSecond: 10, seconds: 0.1, secret: 's', eventIdPrefix: 'r', maxInFlight: 5 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.match(/^the load generator: .*URL/i);
    const refused = await world.paced({
      url: 'http://127.0.0.1:1/webhooks/x',
      ratePerSecond: 10,
      seconds: 0.1,
      secret: 's',
      eventIdPrefix: 'r',
      maxInFlight: 5,
    });
    expect(refused).to.deep.include({ sent: 1, accepted: 0, failed: 1, statuses: { error: 1 } });
  });

  it('exits when stopped: nothing is left behind', async () => {
    const started = await OutsideWorld.start();
    await started.stop();
    const error = await started.arrivals('run', 1, 100).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.have.property('code', 'BENCH_HELPER_EXITED');
  });
});
