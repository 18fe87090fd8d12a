import { expect } from 'chai';
import type { HubConsumer } from '../../../../src/platform/kafka/kafka-client.js';
import { restartAfterCrash, type CrashRecovery } from '../../../../src/platform/kafka/restart-after-crash.js';
import { ManualClock } from '../../../support/manual-clock.js';

/** Just what restartAfterCrash touches of a consumer: its crash and its stop. */
class CrashingConsumer {
  stopped = 0;
  crash!: (error: Error) => void;
  readonly crashed = new Promise<never>((_, reject) => (this.crash = reject));
  stop(): Promise<void> {
    this.stopped++;
    return Promise.resolve();
  }
}

/** Lets pending promise callbacks run until `condition` holds: no time passes on any clock. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition(), String(condition)).to.equal(true);
}

describe('restartAfterCrash', () => {
  function recovery(overrides: Partial<CrashRecovery> & { restart: () => Promise<void> }) {
    const noted: [string, number][] = [];
    const stopping = new AbortController();
    const clock = new ManualClock();
    const settings: CrashRecovery = {
      signal: stopping.signal,
      delayMs: 20,
      noteCrash: (error, delay) => noted.push([(error as Error).message, delay]),
      clock,
      ...overrides,
    };
    return { settings, noted, stopping, clock };
  }

  it('notes the crash, stops the crashed consumer and starts another after the delay', async () => {
    const crashed = new CrashingConsumer();
    const starts: number[] = [];
    const { settings, noted, clock } = recovery({ restart: async () => void starts.push(clock.now()) });
    restartAfterCrash(crashed as unknown as HubConsumer, settings);
    crashed.crash(new Error('broker away'));
    await until(() => clock.sleeping === 1);
    expect(noted).to.deep.equal([['broker away', 20]]);
    expect(crashed.stopped).to.equal(1);
    await clock.advance(19);
    expect(starts, 'before the delay is out').to.deep.equal([]);
    await clock.advance(1);
    expect(starts).to.deep.equal([20]);
  });

  it('tries a failed restart again, after the delay each time, until one succeeds', async () => {
    const crashed = new CrashingConsumer();
    const attempts: number[] = [];
    const { settings, noted, clock } = recovery({
      restart: () => (attempts.push(clock.now()) < 3 ? Promise.reject(new Error(`still away ${attempts.length}`)) : Promise.resolve()),
    });
    restartAfterCrash(crashed as unknown as HubConsumer, settings);
    crashed.crash(new Error('broker away'));
    await until(() => clock.sleeping === 1);
    await clock.advance(100);
    expect(attempts).to.deep.equal([20, 40, 60]);
    expect(clock.sleeping, 'no wait after the restart that worked').to.equal(0);
    expect(noted.map(([message]) => message)).to.deep.equal(['broker away', 'still away 1', 'still away 2']);
  });

  it('does not restart once its owner stopped, even while waiting', async () => {
    const before = new CrashingConsumer();
    const stoppedFirst = recovery({ restart: () => Promise.reject(new Error('must not start')) });
    stoppedFirst.stopping.abort();
    restartAfterCrash(before as unknown as HubConsumer, stoppedFirst.settings);
    before.crash(new Error('late crash'));

    const during = new CrashingConsumer();
    let started = false;
    const stoppedWhileWaiting = recovery({ delayMs: 10_000, restart: async () => void (started = true) });
    restartAfterCrash(during as unknown as HubConsumer, stoppedWhileWaiting.settings);
    during.crash(new Error('broker away'));
    await until(() => stoppedWhileWaiting.clock.sleeping === 1);
    stoppedWhileWaiting.stopping.abort();
    await until(() => stoppedWhileWaiting.clock.sleeping === 0);
    await stoppedWhileWaiting.clock.advance(10_000);

    expect(stoppedFirst.noted).to.deep.equal([]);
    expect(before.stopped).to.equal(0);
    expect(during.stopped).to.equal(1);
    expect(started).to.equal(false);
  });
});
