import { expect } from 'chai';
import type { HubConsumer } from '../../../../src/platform/kafka/kafka-client.js';
import { restartAfterCrash, type CrashRecovery } from '../../../../src/platform/kafka/restart-after-crash.js';

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

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('restartAfterCrash', () => {
  function recovery(overrides: Partial<CrashRecovery> & { restart: () => Promise<void> }) {
    const noted: [string, number][] = [];
    const stopping = new AbortController();
    const settings: CrashRecovery = {
      signal: stopping.signal,
      delayMs: 20,
      noteCrash: (error, delay) => noted.push([(error as Error).message, delay]),
      ...overrides,
    };
    return { settings, noted, stopping };
  }

  it('notes the crash, stops the crashed consumer and starts another after the delay', async () => {
    const crashed = new CrashingConsumer();
    const starts: number[] = [];
    const began = Date.now();
    const { settings, noted } = recovery({ restart: async () => void starts.push(Date.now() - began) });
    restartAfterCrash(crashed as unknown as HubConsumer, settings);
    crashed.crash(new Error('broker away'));
    await settle(80);
    expect(noted).to.deep.equal([['broker away', 20]]);
    expect(crashed.stopped).to.equal(1);
    expect(starts).to.have.length(1);
    expect(starts[0]).to.be.at.least(15);
  });

  it('tries a failed restart again, after the delay each time, until one succeeds', async () => {
    const crashed = new CrashingConsumer();
    let attempts = 0;
    const { settings, noted } = recovery({
      restart: () => (++attempts < 3 ? Promise.reject(new Error(`still away ${attempts}`)) : Promise.resolve()),
    });
    restartAfterCrash(crashed as unknown as HubConsumer, settings);
    crashed.crash(new Error('broker away'));
    await settle(200);
    expect(attempts).to.equal(3);
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
    await settle(20);
    stoppedWhileWaiting.stopping.abort();
    await settle(20);

    expect(stoppedFirst.noted).to.deep.equal([]);
    expect(before.stopped).to.equal(0);
    expect(during.stopped).to.equal(1);
    expect(started).to.equal(false);
  });
});
