import { HubError } from '../../src/core/hub-error.js';
import { EmbeddedKafkaBroker } from '../../src/platform/kafka/embedded-kafka-broker.js';

/**
 * A test's own embedded broker, which it may stop and start again at the same address with the same
 * data: a broker outage as the hub sees it. The suite's shared broker is never stopped, because
 * the other tests of the run are using it.
 */
export class RestartableKafkaBroker {
  private constructor(
    readonly dataDir: string,
    /** One `127.0.0.1:<port>`, the same across restarts. */
    readonly brokers: string[],
    private current: EmbeddedKafkaBroker | undefined,
    private readonly log: (message: string) => void,
  ) {}

  static async start(dataDir: string, log: (message: string) => void = () => undefined): Promise<RestartableKafkaBroker> {
    const broker = await EmbeddedKafkaBroker.start({ dataDir, log });
    return new RestartableKafkaBroker(dataDir, broker.brokers, broker, log);
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** A clean shutdown, as an operator's restart or a rolling upgrade does it. */
  async stop(): Promise<void> {
    const broker = this.current;
    this.current = undefined;
    await broker?.stop();
  }

  /** Starts it again on its port and data; fails when the port was taken meanwhile, since clients would never find it. */
  async restart(): Promise<void> {
    if (this.current) return;
    const port = Number(this.brokers[0]!.split(':')[1]);
    const broker = await EmbeddedKafkaBroker.start({ dataDir: this.dataDir, port, log: this.log });
    if (broker.brokers[0] !== this.brokers[0]) {
      await broker.stop();
      throw new HubError(
        'TEST_BROKER_MOVED',
        `the test broker came back at ${broker.brokers[0]} instead of ${this.brokers[0]}: its port was taken while it was down`,
      );
    }
    this.current = broker;
  }
}
