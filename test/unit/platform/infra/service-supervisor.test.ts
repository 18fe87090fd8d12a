import { expect } from 'chai';
import type { Clock } from '../../../../src/core/clock.js';
import type { ProcessExit } from '../../../../src/platform/infra/supervised-process.js';
import {
  ServiceDiedError,
  ServiceSupervisor,
  type RestartableService,
  type ServiceRestartPolicy,
} from '../../../../src/platform/infra/service-supervisor.js';
import { InfrastructureError } from '../../../../src/platform/infra/infrastructure-error.js';

const POLICY: ServiceRestartPolicy = { attempts: 3, initialDelayMs: 1000, maxDelayMs: 3000, stableAfterMs: 60_000 };

/** Time that moves only when the supervisor sleeps: each sleep is recorded and passes at once. */
class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** A service whose process the test kills, and whose restarts succeed or fail as scripted. */
class FakeService implements RestartableService {
  readonly name = 'embedded Kafka on 127.0.0.1:9092';
  readonly logFile = '/data/kafka/kafka.log';
  exited!: Promise<ProcessExit>;
  private die!: (exit: ProcessExit) => void;
  restarts = 0;
  /** Called at each restart: throw to fail it. */
  onRestart: (attempt: number) => void = () => undefined;
  /** Resolved at each successful restart, so a test can wait for it. */
  private restarted: (() => void)[] = [];

  constructor() {
    this.launch();
  }

  kill(exit: ProcessExit = { code: 137, signal: null }): void {
    this.die(exit);
  }

  nextRestart(): Promise<void> {
    return new Promise((resolve) => this.restarted.push(resolve));
  }

  async restart(): Promise<void> {
    this.restarts++;
    this.onRestart(this.restarts);
    this.launch();
    // Told after the supervisor has taken note of the restart.
    const resolve = this.restarted.shift();
    if (resolve) setImmediate(resolve);
  }

  private launch(): void {
    this.exited = new Promise((resolve) => (this.die = resolve));
  }
}

function recordingLog(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

describe('service supervisor', () => {
  it('logs a dead service, starts it again after the first backoff and keeps watching it', async () => {
    const service = new FakeService();
    const clock = new FakeClock();
    const log = recordingLog();
    const gaveUp: ServiceDiedError[] = [];
    const supervisor = new ServiceSupervisor(service, { policy: POLICY, log, clock, onGaveUp: (error) => gaveUp.push(error) });

    const first = service.nextRestart();
    service.kill({ code: 137, signal: null });
    await first;
    expect(service.restarts).to.equal(1);
    expect(clock.sleeps).to.deep.equal([1000]);
    expect(log.lines[0]).to.equal(
      'error embedded Kafka on 127.0.0.1:9092 died (exit code 137, i.e. killed by signal 9); restarting it on the same port and data (log /data/kafka/kafka.log)',
    );

    // Up for longer than stableAfterMs: the next death starts from the first attempt again.
    clock.time += POLICY.stableAfterMs;
    const second = service.nextRestart();
    service.kill({ code: null, signal: 'SIGKILL' });
    await second;
    expect(service.restarts).to.equal(2);
    expect(clock.sleeps).to.deep.equal([1000, 1000]);
    expect(log.lines.some((line) => line.includes('died (killed by SIGKILL)'))).to.equal(true);
    expect(gaveUp).to.deep.equal([]);
    supervisor.stop();
    await supervisor.done;
  });

  it('waits longer after each failed restart, up to the maximum, and gives up after the attempts naming what died', async () => {
    const service = new FakeService();
    const clock = new FakeClock();
    const log = recordingLog();
    const gaveUp: ServiceDiedError[] = [];
    service.onRestart = (attempt) => {
      throw new InfrastructureError('PORT_TAKEN', `port 9092 is taken (try ${attempt})`);
    };
    const supervisor = new ServiceSupervisor(service, {
      policy: { ...POLICY, attempts: 4 },
      log,
      clock,
      onGaveUp: (error) => gaveUp.push(error),
    });

    service.kill({ code: 1, signal: null });
    await supervisor.done;

    expect(service.restarts).to.equal(4);
    expect(clock.sleeps).to.deep.equal([1000, 2000, 3000, 3000]);
    expect(gaveUp).to.have.length(1);
    const error = gaveUp[0]!;
    expect(error).to.be.instanceOf(ServiceDiedError);
    expect(error.code).to.equal('EMBEDDED_SERVICE_DIED');
    expect(error.service).to.equal('embedded Kafka on 127.0.0.1:9092');
    expect(error.message)
      .to.include('died (exit code 1)')
      .and.include('4 restart attempt(s)')
      .and.include('port 9092 is taken (try 4)')
      .and.include('/data/kafka/kafka.log');
    expect(log.lines.filter((line) => line.startsWith('warn restarting embedded Kafka on 127.0.0.1:9092 failed'))).to.have.length(4);
    expect(log.lines.at(-1)).to.equal(`error ${error.message}`);
  });

  it('counts a service that dies again soon after each restart as failing, and gives up on the crash loop', async () => {
    const service = new FakeService();
    const clock = new FakeClock();
    const gaveUp: ServiceDiedError[] = [];
    const supervisor = new ServiceSupervisor(service, {
      policy: POLICY,
      log: recordingLog(),
      clock,
      onGaveUp: (error) => gaveUp.push(error),
    });

    for (let round = 0; round < POLICY.attempts; round++) {
      const restarted = service.nextRestart();
      service.kill();
      await restarted;
      clock.time += 5000; // well short of stableAfterMs
    }
    service.kill();
    await supervisor.done;

    expect(service.restarts).to.equal(POLICY.attempts);
    expect(clock.sleeps).to.deep.equal([1000, 2000, 3000]);
    expect(gaveUp).to.have.length(1);
    expect(gaveUp[0]!.message).to.include('it died again soon after its restart');
  });

  it('takes an exit after stop() for the shutdown it is, not a death', async () => {
    const service = new FakeService();
    const log = recordingLog();
    const gaveUp: ServiceDiedError[] = [];
    const supervisor = new ServiceSupervisor(service, {
      policy: POLICY,
      log,
      clock: new FakeClock(),
      onGaveUp: (error) => gaveUp.push(error),
    });
    supervisor.stop();
    service.kill({ code: 0, signal: null });
    await supervisor.done;
    expect(service.restarts).to.equal(0);
    expect(log.lines).to.deep.equal([]);
    expect(gaveUp).to.deep.equal([]);
  });

  it('abandons a pending restart when stopped during the backoff', async () => {
    const service = new FakeService();
    const gaveUp: ServiceDiedError[] = [];
    const stopping = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: async () => stopping.abort(), // the hub begins to stop while the supervisor waits
    };
    const supervisor = new ServiceSupervisor(service, {
      policy: POLICY,
      log: recordingLog(),
      clock,
      onGaveUp: (error) => gaveUp.push(error),
    });
    stopping.signal.addEventListener('abort', () => supervisor.stop());
    service.kill();
    await supervisor.done;
    expect(service.restarts).to.equal(0);
    expect(gaveUp).to.deep.equal([]);
  });
});
